import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

/**
 * A transaction-scoped advisory lock on (merchant, mode, key), taken without waiting: false means another
 * request holds the key right now.
 */
export async function tryLockKey(tx: Executor, scope: Scope, key: string): Promise<boolean> {
  const lockName = `idem:${scope.merchantId}:${scope.livemode ? 'live' : 'test'}:${key}`;
  const { rows } = await sql<{ got: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${lockName}, 0)) as got`.execute(tx);
  return Boolean(rows[0]?.got);
}

/**
 * Inserts the key as in progress; a key past its lifetime is overwritten as if new. Returns false when a
 * live key already exists (it is left alone).
 */
export async function claimKey(tx: Executor, scope: Scope, row: { key: string; method: string; path: string; hash: string }, ttlMs: number): Promise<boolean> {
  const { rows } = await sql<{ key: string }>`
    insert into idempotency_keys as k (merchant_id, livemode, key, request_method, request_path, request_hash, status, created_at)
    values (${scope.merchantId}, ${scope.livemode}, ${row.key}, ${row.method}, ${row.path}, ${row.hash}, 'in_progress', now())
    on conflict (merchant_id, livemode, key) do update
      set request_method = excluded.request_method, request_path = excluded.request_path, request_hash = excluded.request_hash,
          status = 'in_progress', response_status = null, response_body = null, created_at = now()
      where k.created_at < now() - make_interval(secs => ${ttlMs / 1000})
    returning k.key
  `.execute(tx);
  return rows.length > 0;
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
