import type { Executor } from '../../db/database.js';
import type { NewRow } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';

export function insertApiKey(db: Executor, key: NewRow<'api_keys'>) {
  return db.insertInto('api_keys').values(key).returningAll().executeTakeFirstOrThrow();
}

export function findApiKeyByHash(db: Executor, secretHash: string) {
  return db.selectFrom('api_keys').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
}

export function findApiKeys(db: Executor, scope: Scope) {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', scope.livemode)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
}

export function getApiKey(db: Executor, scope: Scope, id: string) {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', scope.livemode)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function updateApiKey(db: Executor, scope: Scope, id: string, changes: { revoked_at?: Date; expires_at?: Date | null; name?: string | null }) {
  return db
    .updateTable('api_keys')
    .set(changes)
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', scope.livemode)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Written at most once a minute per key so that every API call does not become a write. */
export function touchApiKey(db: Executor, id: string) {
  return db
    .updateTable('api_keys')
    .set({ last_used_at: new Date() })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(Date.now() - 60_000))]))
    .execute();
}
