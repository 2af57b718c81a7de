import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';

export function insertEvent(db: Executor, event: NewRow<'events'>) {
  return db.insertInto('events').values(event).returningAll().executeTakeFirstOrThrow();
}

export function insertEvents(db: Executor, events: NewRow<'events'>[]) {
  return db.insertInto('events').values(events).execute();
}

/** Enabled, not deleted endpoints of this merchant and mode that listen to the type (or to everything). */
export function findSubscribedEndpointIds(db: Executor, scope: Scope, type: string) {
  return db
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', scope.livemode)
    .where('deleted_at', 'is', null)
    .where('status', '=', 'enabled')
    .where(sql<boolean>`enabled_events && array['*', ${type}]::text[]`)
    .execute();
}

export function insertDeliveries(db: Executor, rows: NewRow<'webhook_deliveries'>[]) {
  return db.insertInto('webhook_deliveries').values(rows).execute();
}

/** Events with their count of undelivered webhooks (Stripe's pending_webhooks). */
export function selectEvents(db: Executor, scope: Scope) {
  return db
    .selectFrom('events')
    .selectAll('events')
    .select((eb) =>
      eb
        .selectFrom('webhook_deliveries as d')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('d.merchant_id', '=', scope.merchantId)
        .where('d.livemode', '=', scope.livemode)
        .whereRef('d.event_id', '=', 'events.id')
        .where('d.status', '=', 'pending')
        .as('pending_webhooks'),
    )
    .where('events.merchant_id', '=', scope.merchantId)
    .where('events.livemode', '=', scope.livemode);
}

export function getEvent(db: Executor, scope: Scope, id: string) {
  return selectEvents(db, scope).where('events.id', '=', id).executeTakeFirst();
}

/** Events about any of the given objects, oldest first (dashboard timelines). */
export function findEventsForObjects(db: Executor, scope: Scope, objectIds: string[]) {
  return db
    .selectFrom('events')
    .selectAll()
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', scope.livemode)
    .where('object_id', 'in', objectIds)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}
