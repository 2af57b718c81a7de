import type { Executor } from '../../db/database.js';
import type { NewRow, RowUpdate } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

export function insertWebhookEndpoint(db: Executor, row: NewRow<'webhook_endpoints'>) {
  return db.insertInto('webhook_endpoints').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getWebhookEndpoint(db: Executor, scope: Scope, id: string, options: { forUpdate?: boolean } = {}) {
  let query = db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .$call(inScope(scope))
    .where('id', '=', id)
    .where('deleted_at', 'is', null);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function updateWebhookEndpoint(db: Executor, scope: Scope, id: string, changes: RowUpdate<'webhook_endpoints'>) {
  return db
    .updateTable('webhook_endpoints')
    .set(changes)
    .$call(inScope(scope))
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** The merchant's URL endpoints (listen sessions of the CLI are not endpoints of the API). */
export function selectWebhookEndpoints(db: Executor, scope: Scope) {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll('webhook_endpoints')
    .$call(inScope(scope, 'webhook_endpoints'))
    .where('webhook_endpoints.deleted_at', 'is', null)
    .where('webhook_endpoints.kind', '=', 'url');
}

/** The listen session of one device, locked: starting a session twice at once makes one. */
export function findListenSession(db: Executor, scope: Scope, deviceName: string) {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .$call(inScope(scope))
    .where('kind', '=', 'cli')
    .where('device_name', '=', deviceName)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

/** Inserts a device's listen session unless a concurrent call just did (then undefined: read it again). */
export function insertListenSession(db: Executor, row: NewRow<'webhook_endpoints'>) {
  return db
    .insertInto('webhook_endpoints')
    .values({ ...row, kind: 'cli' })
    .onConflict((oc) => oc.columns(['merchant_id', 'livemode', 'device_name']).where('kind', '=', 'cli').where('deleted_at', 'is', null).doNothing())
    .returningAll()
    .executeTakeFirst();
}

