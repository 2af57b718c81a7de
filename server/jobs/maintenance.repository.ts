import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

/**
 * Deletes one batch of expired idempotency keys. SKIP LOCKED lets several instances prune at once
 * without waiting on each other or on a request that is still using a key.
 */
export async function deleteIdempotencyKeysBefore(db: Executor, before: Date, limit: number): Promise<number> {
  const result = await sql`
    delete from idempotency_keys
    where ctid in (
      select ctid from idempotency_keys
      where created_at < ${before}
        -- An in-progress key is only abandoned once its lock has lapsed (its request crashed).
        and (status = 'completed' or locked_until is null or locked_until < now())
      order by created_at
      limit ${limit}
      for update skip locked
    )
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
