import { completeThreeDSecure } from '../core/payment-intents/payment-intents.service.js';
import type { CoreDeps } from '../core/shared/deps.js';

/** Ends the simulated bank challenge through the payment core; returns the intent's new status. */
export async function completeChallenge(deps: CoreDeps, intentId: string, clientSecret: string, outcome: 'complete' | 'fail'): Promise<string> {
  const intent = await completeThreeDSecure(deps, intentId, clientSecret, outcome);
  return intent.status;
}
