import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { CoreDeps } from '../core/shared/deps.js';
import { runRecovery } from '../core/webhooks/webhooks.service.js';

const payload = z.object({ merchantId: z.string().min(1), livemode: z.boolean(), recoveryId: z.string().min(1) });

/** Queued by startRecovery ("Recover failed since" in the dashboard) with its progress row. */
export const recoverWebhooksTask = (deps: CoreDeps): Task => async (raw) => {
  const { merchantId, livemode, recoveryId } = payload.parse(raw);
  await runRecovery(deps, { merchantId, livemode }, recoveryId);
};
