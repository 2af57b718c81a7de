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
      where created_at < ${before} and status = 'completed'
      order by created_at
      limit ${limit}
      for update skip locked
    )
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
