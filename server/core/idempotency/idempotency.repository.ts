import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

/**
 * In one statement: a transaction-scoped advisory lock on (merchant, mode, key), taken without waiting, and,
 * when it was got, the key inserted as in progress (a key past its lifetime is overwritten as if new).
 * 'busy': another request holds the key right now; 'exists': a live key is stored (it is left alone).
 */
export async function lockAndClaimKey(
  tx: Executor,
  scope: Scope,
  row: { key: string; method: string; path: string; hash: string },
  ttlMs: number,
): Promise<'claimed' | 'exists' | 'busy'> {
  const lockName = `idem:${scope.merchantId}:${scope.livemode ? 'live' : 'test'}:${row.key}`;
  // A CTE with a volatile function is evaluated once, before the insert that reads it.
  const { rows } = await sql<{ got: boolean; claimed: boolean }>`
    with lock as (select pg_try_advisory_xact_lock(hashtextextended(${lockName}, 0)) as got),
    claimed as (
      insert into idempotency_keys as k (merchant_id, livemode, key, request_method, request_path, request_hash, status, created_at)
      select ${scope.merchantId}, ${scope.livemode}, ${row.key}, ${row.method}, ${row.path}, ${row.hash}, 'in_progress', now() from lock where lock.got
      on conflict (merchant_id, livemode, key) do update
        set request_method = excluded.request_method, request_path = excluded.request_path, request_hash = excluded.request_hash,
            status = 'in_progress', response_status = null, response_body = null, created_at = now()
        where k.created_at < now() - make_interval(secs => ${ttlMs / 1000})
      returning k.key
    )
    select (select got from lock) as got, exists (select 1 from claimed) as claimed
  `.execute(tx);
  const result = rows[0];
  if (!result?.got) return 'busy';
  return result.claimed ? 'claimed' : 'exists';
}

export function getKey(tx: Executor, scope: Scope, key: string) {
  return tx
    .selectFrom('idempotency_keys')
    .select(['request_method', 'request_path', 'request_hash', 'status', 'response_status', 'response_body', 'created_at'])
    .$call(inScope(scope))
    .where('key', '=', key)
    .executeTakeFirst();
}

export async function completeKey(tx: Executor, scope: Scope, key: string, status: number, body: unknown): Promise<void> {
  await tx
    .updateTable('idempotency_keys')
    .set({ status: 'completed', response_status: status, response_body: JSON.stringify(body ?? null) as never })
    .$call(inScope(scope))
    .where('key', '=', key)
    .execute();
}

export async function savepoint(tx: Executor): Promise<void> {
  await sql`savepoint idempotent_operation`.execute(tx);
}

export async function releaseSavepoint(tx: Executor): Promise<void> {
  await sql`release savepoint idempotent_operation`.execute(tx);
}

export async function rollbackToSavepoint(tx: Executor): Promise<void> {
  await sql`rollback to savepoint idempotent_operation`.execute(tx);
}

/**
 * Deletes one batch of keys created before `before` (every tenant: this is the pruning job). SKIP LOCKED
 * passes over a key that a request is overwriting right now.
 */
export async function deleteKeysCreatedBefore(db: Executor, before: Date, limit: number): Promise<number> {
  const result = await sql`
    delete from idempotency_keys
    where ctid in (
      select ctid from idempotency_keys
      where created_at < ${before}
      order by created_at
      limit ${limit}
      for update skip locked
    )
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
