import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow, Row, RowUpdate } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

/**
 * Takes a pending delivery for one attempt: committed before the call, so a second worker (a resend's
 * job, or a retry after a crash) leaves it alone until the lease lapses. Undefined when it is not pending
 * and due, another worker holds it, or it is a CLI listen session's: those are sent by the session's open
 * stream (leaseDueOfEndpoint, oldest first), and a worker's lease, however brief, would make the stream skip
 * one and send the next first.
 */
export function leaseDelivery(db: Executor, scope: Scope, id: string, leaseMs: number, options: { dueOnly?: boolean } = {}) {
  let query = db
    .updateTable('webhook_deliveries')
    .set({ lease_until: sql<Date>`now() + make_interval(secs => ${leaseMs / 1000})` })
    .$call(inScope(scope))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', sql<Date>`now()`)]))
    .where(sql<boolean>`not exists (select 1 from webhook_endpoints e where e.merchant_id = webhook_deliveries.merchant_id and e.id = webhook_deliveries.endpoint_id and e.kind = 'cli')`);
  // A job deferred behind a lease whose holder has since scheduled a retry leaves it to the retry's job.
  if (options.dueOnly) query = query.where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', sql<Date>`now() + interval '1 second'`)]));
  return query.returningAll().executeTakeFirst();
}

export function getDelivery(db: Executor, scope: Scope, id: string, options: { forUpdate?: boolean } = {}) {
  const query = db.selectFrom('webhook_deliveries').selectAll().$call(inScope(scope)).where('id', '=', id);
  return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

/** Writes the outcome of an attempt and releases the lease. */
export function updateDelivery(db: Executor, scope: Scope, id: string, changes: RowUpdate<'webhook_deliveries'>) {
  return db
    .updateTable('webhook_deliveries')
    .set({ ...changes, lease_until: null, updated_at: sql<Date>`now()` })
    .$call(inScope(scope))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Gives back leases this worker took but will not use (the deliveries stay as they were). */
export async function releaseLeases(db: Executor, scope: Scope, ids: string[]) {
  if (!ids.length) return;
  await db.updateTable('webhook_deliveries').set({ lease_until: null }).$call(inScope(scope)).where('id', 'in', ids).where('status', '=', 'pending').execute();
}

/** Attempts answered together, in one statement. */
export async function insertAttempts(db: Executor, rows: NewRow<'webhook_attempts'>[]) {
  if (rows.length) await db.insertInto('webhook_attempts').values(rows).execute();
}

export interface SucceededDelivery { id: string; attemptCount: number; statusCode: number }

/** Deliveries whose attempt succeeded, in one statement; each lease is released. */
export async function markSucceeded(db: Executor, scope: Scope, rows: SucceededDelivery[]) {
  if (!rows.length) return;
  await sql`
    update webhook_deliveries d
    set status = 'succeeded', attempt_count = v.attempt_count, last_status_code = v.status_code, next_attempt_at = null, lease_until = null, updated_at = now()
    from unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.attemptCount)}::int[], ${rows.map((r) => r.statusCode)}::int[]) as v(id, attempt_count, status_code)
    where d.merchant_id = ${scope.merchantId} and d.livemode = ${scope.livemode} and d.id = v.id`.execute(db);
}

/** Attempts of one delivery, oldest first; the delivery must be in scope. */
export function findAttempts(db: Executor, scope: Scope, deliveryId: string) {
  return db
    .selectFrom('webhook_attempts as a')
    .innerJoin('webhook_deliveries as d', 'd.id', 'a.delivery_id')
    .selectAll('a')
    .$call(inScope(scope, 'd'))
    .where('a.delivery_id', '=', deliveryId)
    .orderBy('a.created_at', 'asc')
    .orderBy('a.id', 'asc')
    .execute();
}

export type DeliveryRow = Row<'webhook_deliveries'>;
export type RecoveryRow = Row<'webhook_recoveries'>;

export interface DeliveryFilter {
  endpointId?: string;
  eventId?: string;
  status?: 'pending' | 'succeeded' | 'failed';
  eventType?: string;
  createdGte?: Date;
  createdLt?: Date;
  limit: number;
}

/** Deliveries with their event's type and endpoint's URL, newest first. */
export function findDeliveries(db: Executor, scope: Scope, filter: DeliveryFilter) {
  let query = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as ev', (j) => j.onRef('ev.id', '=', 'd.event_id').onRef('ev.merchant_id', '=', 'd.merchant_id'))
    .innerJoin('webhook_endpoints as e', (j) => j.onRef('e.id', '=', 'd.endpoint_id').onRef('e.merchant_id', '=', 'd.merchant_id'))
    .selectAll('d')
    .select(['ev.type as event_type', 'e.url as endpoint_url'])
    .$call(inScope(scope, 'd'));
  if (filter.endpointId) query = query.where('d.endpoint_id', '=', filter.endpointId);
  if (filter.eventId) query = query.where('d.event_id', '=', filter.eventId);
  if (filter.status) query = query.where('d.status', '=', filter.status);
  if (filter.eventType) query = query.where('ev.type', '=', filter.eventType);
  if (filter.createdGte) query = query.where('d.created_at', '>=', filter.createdGte);
  if (filter.createdLt) query = query.where('d.created_at', '<', filter.createdLt);
  return query.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(filter.limit).execute();
}

/**
 * Pending again, due now (a resend, a recovery). A lease held by a call in flight is kept: that call
 * records its answer, and the new job waits for the lease instead of calling a second time at once.
 */
export function requeueDelivery(db: Executor, scope: Scope, id: string) {
  return db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .$call(inScope(scope))
    .where('id', '=', id)
    .execute();
}

/**
 * "Failed" for a recovery: given up on, or still waiting for a retry after a failed attempt (a receiver
 * down for an hour has deliveries of both kinds; the schedule runs for three days).
 */
const lastAttemptFailed = sql<boolean>`(d.status = 'failed' or (d.status = 'pending' and d.attempt_count > 0))`;

/** What a recovery resends besides "failed since": the delivery log's other filters (event type, one event, an end). */
export interface RecoveryFilter { eventType?: string | null; eventId?: string | null; until?: Date | null }

/** The failed deliveries of an endpoint created in [since, until) that match the filter. */
function failedDeliveries(db: Executor, scope: Scope, endpointId: string, since: Date, filter: RecoveryFilter) {
  let query = db
    .selectFrom('webhook_deliveries as d')
    .$call(inScope(scope, 'd'))
    .where('d.endpoint_id', '=', endpointId)
    .where(lastAttemptFailed)
    .where('d.created_at', '>=', since);
  if (filter.until) query = query.where('d.created_at', '<', filter.until);
  if (filter.eventId) query = query.where('d.event_id', '=', filter.eventId);
  if (filter.eventType) {
    const type = filter.eventType;
    query = query.where((eb) => eb.exists(eb.selectFrom('events as ev').select('ev.id').whereRef('ev.id', '=', 'd.event_id').where('ev.type', '=', type)));
  }
  return query;
}

/**
 * The next failed deliveries of an endpoint created since `since` (matching the filter), oldest first,
 * after the keyset cursor, locked for a resend.
 */
export function findFailedSince(
  db: Executor,
  scope: Scope,
  endpointId: string,
  since: Date,
  options: RecoveryFilter & { afterId?: string | null; limit: number },
) {
  let query = failedDeliveries(db, scope, endpointId, since, options).selectAll('d');
  // The cursor's time is read here, to the microsecond (a Date would round it down to the millisecond, and the
  // row at the cursor, still failed or pending again, would come back).
  if (options.afterId) {
    query = query.where(sql<boolean>`(d.created_at, d.id) > (select c.created_at, c.id from webhook_deliveries c where c.merchant_id = ${scope.merchantId} and c.livemode = ${scope.livemode} and c.id = ${options.afterId})`);
  }
  return query.orderBy('d.created_at', 'asc').orderBy('d.id', 'asc').limit(options.limit).forUpdate().execute();
}

/** How many failed deliveries a recovery will resend (counted when it starts). */
export async function countFailedSince(db: Executor, scope: Scope, endpointId: string, since: Date, filter: RecoveryFilter) {
  return (await failedDeliveries(db, scope, endpointId, since, filter).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
}

export function insertRecovery(db: Executor, row: NewRow<'webhook_recoveries'>) {
  return db.insertInto('webhook_recoveries').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getRecovery(db: Executor, scope: Scope, id: string, options: { forUpdate?: boolean } = {}) {
  const query = db.selectFrom('webhook_recoveries').selectAll().$call(inScope(scope)).where('id', '=', id);
  return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

export function updateRecovery(db: Executor, scope: Scope, id: string, changes: RowUpdate<'webhook_recoveries'>) {
  return db.updateTable('webhook_recoveries').set(changes).$call(inScope(scope)).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** The endpoint's latest recovery (the dashboard shows its progress). */
export function findLatestRecovery(db: Executor, scope: Scope, endpointId: string) {
  return db.selectFrom('webhook_recoveries').selectAll().$call(inScope(scope)).where('endpoint_id', '=', endpointId).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}

/** Of the deliveries a recovery resent, how many have been delivered since it started. */
export async function countRecoveredDelivered(db: Executor, scope: Scope, recovery: Row<'webhook_recoveries'>) {
  let query = db
    .selectFrom('webhook_deliveries as d')
    .select(sql<number>`count(*)::int`.as('n'))
    .$call(inScope(scope, 'd'))
    .where('d.endpoint_id', '=', recovery.endpoint_id)
    .where('d.status', '=', 'succeeded')
    .where('d.created_at', '>=', recovery.since)
    .where('d.created_at', '<', recovery.created_at)
    .where('d.updated_at', '>=', recovery.created_at);
  if (recovery.event_type) {
    const type = recovery.event_type;
    query = query.where((eb) => eb.exists(eb.selectFrom('events as ev').select('ev.id').whereRef('ev.id', '=', 'd.event_id').where('ev.type', '=', type)));
  }
  return (await query.executeTakeFirstOrThrow()).n;
}

export function insertDelivery(db: Executor, row: NewRow<'webhook_deliveries'>) {
  return db.insertInto('webhook_deliveries').values(row).returningAll().executeTakeFirstOrThrow();
}

/** A test event: written for the log and the payload, delivered only to the endpoint that asked for it. */
export function insertTestEvent(db: Executor, row: NewRow<'events'>) {
  return db.insertInto('events').values(row).returningAll().executeTakeFirstOrThrow();
}

/**
 * Leases the oldest due deliveries of one endpoint (a drain of the deliver-webhook job, or a listen
 * session's stream), skipping rows another worker or stream holds, while the endpoint is enabled. Oldest
 * first, so they are started in creation order; one that dies before recording lets the lease lapse and is
 * sent again.
 */
export async function leaseDueOfEndpoint(db: Executor, scope: Scope, endpointId: string, limit: number, leaseMs: number) {
  if (limit <= 0) return [];
  // Sorted in SQL: created_at has microseconds (events written together are that far apart), Date has not.
  const { rows } = await sql<Row<'webhook_deliveries'>>`
    with leased as (
    update webhook_deliveries d set lease_until = now() + make_interval(secs => ${leaseMs / 1000})
    where d.id in (
      select id from webhook_deliveries
      where merchant_id = ${scope.merchantId} and livemode = ${scope.livemode} and endpoint_id = ${endpointId}
        and status = 'pending' and (lease_until is null or lease_until < now())
        and (next_attempt_at is null or next_attempt_at <= now())
        and exists (
          select 1 from webhook_endpoints e
          where e.merchant_id = ${scope.merchantId} and e.livemode = ${scope.livemode} and e.id = ${endpointId} and e.status = 'enabled' and e.deleted_at is null
        )
      order by created_at, id
      limit ${limit}
      for update skip locked
    )
    returning d.*
    )
    select * from leased order by created_at, id`.execute(db);
  return rows;
}

/** Pending deliveries of an endpoint created before `before` become failed (a listen session's backlog). */
export function failStalePending(db: Executor, scope: Scope, endpointId: string, before: Date) {
  return db
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', next_attempt_at: null, lease_until: null, updated_at: sql<Date>`now()` })
    .$call(inScope(scope))
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .where('created_at', '<', before)
    .execute();
}

/** The delivery outcomes of some events (a payment's timeline), oldest first, with the endpoint's URL. */
export function findDeliveryOutcomes(db: Executor, scope: Scope, eventIds: string[]) {
  if (!eventIds.length) return Promise.resolve([]);
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', (j) => j.onRef('e.id', '=', 'd.endpoint_id').onRef('e.merchant_id', '=', 'd.merchant_id'))
    .select(['d.id', 'd.event_id', 'd.status', 'd.attempt_count', 'd.last_status_code', 'd.updated_at', 'e.url as endpoint_url'])
    .$call(inScope(scope, 'd'))
    .where('d.event_id', 'in', eventIds)
    .orderBy('d.created_at')
    .orderBy('d.id')
    .execute();
}
