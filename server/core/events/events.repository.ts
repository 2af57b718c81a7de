import { sql } from 'kysely';
import { ID_PREFIXES } from '../../../shared/ids.js';
import type { Executor } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';
import { SqlText, Statement } from '../../db/statement.js';
import { addJobExpression } from '../jobs/jobs.repository.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

/**
 * Two CTEs for a larger statement (their values become placeholders of `statement`): `written_events`
 * inserts the events, `written_deliveries` one outbox row per enabled endpoint of the same merchant and
 * mode that listens to the event's type (or to everything), and per CLI listen session whose stream is open.
 * A change, its events and their notifications are then one statement: they commit or fail together even
 * outside a transaction, and the endpoints are read in the same snapshot as the write.
 *
 * Rows without created_at get clock_timestamp() plus their position in microseconds, so events written
 * together keep the order they happened in (and distinct times) even when the clock has not ticked.
 * Delivery ids are made here because how many there are depends on the endpoints found: the
 * webhookDelivery prefix and 24 characters (hex, a subset of the base62 of shared/ids.ts) from a random UUID.
 * An outbox row is created at its event's time, so an endpoint's deliveries sort in the order their events
 * happened (the drain starts them in that order). Each outbox row gets its deliver-webhook job in the same statement (from the insert's RETURNING list),
 * in the endpoint's own queue, so one endpoint's deliveries go out in the order the events happened.
 */
export function eventCtes(statement: Statement, events: NewRow<'events'>[]): string {
  const rows = events.map((e, i) => (e.created_at ? e : { ...e, created_at: new SqlText(`clock_timestamp() + interval '${i} microsecond'`) }));
  return `
    written_events as (${statement.insert('events', rows, '*')}),
    written_deliveries as (
      insert into webhook_deliveries (id, merchant_id, livemode, endpoint_id, event_id, next_attempt_at, created_at)
      select ${statement.param(ID_PREFIXES.webhookDelivery + '_')} || substr(md5(gen_random_uuid()::text), 1, 24), ev.merchant_id, ev.livemode, e.id, ev.id, ev.created_at, ev.created_at
      from written_events ev
      join webhook_endpoints e on e.merchant_id = ev.merchant_id and e.livemode = ev.livemode
      where e.deleted_at is null and e.status = 'enabled' and e.enabled_events && array['*', ev.type]::text[]
        and (e.kind = 'url' or e.listen_until > now())
      order by ev.created_at, ev.id, e.id
      returning event_id, ${addJobExpression('deliver-webhook', WEBHOOK_JOB_PAYLOAD, WEBHOOK_JOB_QUEUE, WEBHOOK_JOB_KEY)} as job
    )`;
}

/** The deliver-webhook job of an outbox row, over webhook_deliveries' columns. */
const WEBHOOK_JOB_PAYLOAD = `json_build_object('merchantId', merchant_id, 'livemode', livemode, 'deliveryId', id)`;
/** One job queue per endpoint: serial delivery in order for it, while other endpoints proceed. */
const WEBHOOK_JOB_QUEUE = `'webhooks:' || endpoint_id`;
/** Keyed by the delivery, so the drain that sends it with others removes it (webhookJobKey in webhooks.service.ts). */
const WEBHOOK_JOB_KEY = `'webhook:' || id`;

/** Written events with their count of outbox rows, oldest first. */
export async function insertEventsWithDeliveries(db: Executor, events: NewRow<'events'>[]) {
  const statement = new Statement();
  const { rows } = await statement.execute<Row<'events'> & { pending_webhooks: number }>(
    db,
    `with ${eventCtes(statement, events)}
    select ev.*, (select count(*)::int from written_deliveries d where d.event_id = ev.id) as pending_webhooks
    from written_events ev
    order by ev.created_at, ev.id`,
  );
  return rows;
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
        .$call(inScope(scope, 'd'))
        .whereRef('d.event_id', '=', 'events.id')
        .where('d.status', '=', 'pending')
        .as('pending_webhooks'),
    )
    .$call(inScope(scope, 'events'));
}

export function getEvent(db: Executor, scope: Scope, id: string) {
  return selectEvents(db, scope).where('events.id', '=', id).executeTakeFirst();
}

/** Events by id, in any order (the webhook drain's batch). */
export function findEventsByIds(db: Executor, scope: Scope, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return selectEvents(db, scope).where('events.id', 'in', ids).execute();
}

/** Events about any of the given objects, oldest first (dashboard timelines). */
export function findEventsForObjects(db: Executor, scope: Scope, objectIds: string[]) {
  return db
    .selectFrom('events')
    .selectAll()
    .$call(inScope(scope))
    .where('object_id', 'in', objectIds)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

/** `type` filters: exact types and `prefix.*` wildcards; null when one of them matches everything. */
export function eventTypeCondition(types: string[]) {
  const exact = types.filter((t) => !t.endsWith('*'));
  const prefixes = types.filter((t) => t.endsWith('*')).map((t) => t.slice(0, -1));
  if (prefixes.includes('')) return null;
  const parts = [];
  if (exact.length) parts.push(sql<boolean>`events.type in (${sql.join(exact)})`);
  for (const p of prefixes) parts.push(sql<boolean>`starts_with(events.type, ${p})`);
  return sql<boolean>`(${sql.join(parts, sql` or `)})`;
}

/**
 * Stripe's delivery_success: false matches events with a delivery still pending or failed; true, events with
 * deliveries that all succeeded.
 */
export function deliverySuccessCondition(scope: Scope, success: boolean) {
  const notDelivered = sql<boolean>`exists (select 1 from webhook_deliveries d where d.merchant_id = ${scope.merchantId} and d.livemode = ${scope.livemode} and d.event_id = events.id and d.status <> 'succeeded')`;
  if (!success) return notDelivered;
  return sql<boolean>`(not ${notDelivered} and exists (select 1 from webhook_deliveries d where d.merchant_id = ${scope.merchantId} and d.livemode = ${scope.livemode} and d.event_id = events.id))`;
}
