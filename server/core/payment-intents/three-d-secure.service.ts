/** 3-D Secure: finishing the simulated challenge a confirmation left open. */
import type { PaymentIntentDto } from '../../../shared/contracts/payment-intents.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { getPaymentMethodRow } from '../payment-methods/payment-methods.service.js';
import { safeEqual } from '../shared/crypto.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { applyToExistingIntent, planOutcome, unexpectedState } from './confirmation-plan.js';
import * as repo from './payment-intents.repository.js';

/**
 * The simulated 3-D Secure challenge (hosted page at /checkout/3ds/:id). Completing it authorises the
 * payment; failing it is recorded as a failed attempt. Returns the intent either way (no throw), so the
 * page can show the outcome and follow next steps (return_url, success_url).
 */
export async function completeThreeDSecure(deps: CoreDeps, intentId: string, clientSecret: string, outcome: 'complete' | 'fail'): Promise<PaymentIntentDto> {
  return deps.db.transaction().execute(async (t) => {
    const row = await repo.getPaymentIntentForClient(t, intentId, { forUpdate: true });
    if (!row || !safeEqual(clientSecret, row.client_secret)) throw notFound('payment_intent', intentId);
    // The challenge page is a simulation: only the live processor may authenticate a live payment.
    if (row.livemode) throw new PaymentError('invalid_request', 'Live payments are authenticated by the card issuer, not by the simulated 3-D Secure page.');
    if (row.status !== 'requires_action') throw unexpectedState(row, 'confirm', ['requires_action']);
    const actor: Actor = { merchantId: row.merchant_id, livemode: row.livemode };
    const pm = row.payment_method_id ? await getPaymentMethodRow(t, actor, row.payment_method_id) : undefined;
    if (!pm) throw new PaymentError('payment_intent_unexpected_state', 'This PaymentIntent has no payment method to authenticate.');
    const result = outcome === 'complete' ? ({ status: 'approved' } as const) : ({ status: 'authentication_failed' } as const);
    const next = row.next_action as { redirect_to_url?: { return_url?: string | null } } | null;
    const plan = planOutcome(deps, actor, row, pm, result, { attempt: 'finish', returnUrl: next?.redirect_to_url?.return_url ?? null });
    await applyToExistingIntent(deps, t, actor, row, plan, { fromStatuses: ['requires_action'], attempt: 'finish' });
    return plan.dto;
  });
}
