/** Expiry: unconfirmed intents are canceled as abandoned an hour after they were created. */
import { UNCONFIRMED_STATUSES } from '../../../shared/status.js';
import type { CoreDeps } from '../shared/deps.js';
import * as repo from './payment-intents.repository.js';
import { cancelLocked } from './payment-intents.service.js';

/** Job: cancels unconfirmed intents past expires_at (reason abandoned). Safe to run on many instances at once. */
export async function expireIntents(deps: CoreDeps, now: Date = new Date(), batchSize = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await deps.db.transaction().execute(async (t) => {
      const due = await repo.lockExpiredIntents(t, now, UNCONFIRMED_STATUSES, batchSize);
      for (const row of due) await cancelLocked(deps, t, { merchantId: row.merchant_id, livemode: row.livemode }, row, 'abandoned');
      return due.length;
    });
    total += count;
    if (count < batchSize) return total;
  }
}

