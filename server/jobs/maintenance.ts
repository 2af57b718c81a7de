import type { CoreDeps } from '../core/shared/deps.js';
import { deleteIdempotencyKeysBefore } from './maintenance.repository.js';

/** Stripe replays idempotent responses for at least 24 hours; after that the key may be reused. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

export async function pruneIdempotencyKeys(deps: CoreDeps, now: Date = new Date(), batchSize = 1000): Promise<number> {
  const before = new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS);
  let total = 0;
  for (;;) {
    const deleted = await deleteIdempotencyKeysBefore(deps.db, before, batchSize);
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
