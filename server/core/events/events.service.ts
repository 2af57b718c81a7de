import { listEventsParams, API_VERSION, type EventDto, type ListEventsInput } from '../../../shared/contracts/events.js';
import type { ListResult } from '../../../shared/contracts/common.js';
import { notFound } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import type { Executor } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { findPage } from '../shared/keyset.repository.js';
import { parseParams } from '../shared/params.js';
import { toUnix } from '../shared/tx.js';
import * as repo from './events.repository.js';

export { API_VERSION };

export function toEventDto(row: Row<'events'> & { pending_webhooks?: number | null }): EventDto {
  const data = row.data as EventDto['data'];
  return {
    id: row.id,
    object: 'event',
    api_version: row.api_version,
    created: toUnix(row.created_at),
    data,
    livemode: row.livemode,
    pending_webhooks: row.pending_webhooks ?? 0,
    request: { id: row.request_id, idempotency_key: row.idempotency_key },
    type: row.type,
  };
}

/**
 * The event row for one change, built the same way whether it is written now or by the demo seed.
 * previous_attributes only accompanies *.updated events, as in Stripe.
 */
export function eventData(object: { id: string }, previousAttributes?: Record<string, unknown>): EventDto['data'] {
  const data: EventDto['data'] = { object: object as unknown as Record<string, unknown> };
  if (previousAttributes) data.previous_attributes = previousAttributes;
  return data;
}

export function buildEventRow(actor: Actor, type: string, object: { id: string }, previousAttributes?: Record<string, unknown>, at?: Date): NewRow<'events'> {
  const data = eventData(object, previousAttributes);
  return {
    id: newId('event'),
    merchant_id: actor.merchantId,
    livemode: actor.livemode,
    type,
    api_version: API_VERSION,
    object_id: object.id,
    data: JSON.stringify(data),
    request_id: actor.requestId ?? null,
    idempotency_key: actor.idempotencyKey ?? null,
    ...(at ? { created_at: at } : {}),
  };
}

export interface EventToEmit {
  type: string;
  object: { id: string };
  previousAttributes?: Record<string, unknown>;
}

/**
 * Writes the event and, in the same statement, one outbox row per subscribed webhook endpoint, so a
 * change and its notification commit or roll back together.
 */
export async function emitEvent(tx: Executor, actor: Actor, type: string, object: { id: string }, previousAttributes?: Record<string, unknown>, at?: Date): Promise<EventDto> {
  const [event] = await emitEvents(tx, actor, [{ type, object, previousAttributes }], at);
  return event;
}

/** Several events of one change, in order, with their outbox rows: one statement. */
export async function emitEvents(tx: Executor, actor: Actor, events: EventToEmit[], at?: Date): Promise<EventDto[]> {
  const rows = await repo.insertEventsWithDeliveries(tx, buildEventRows(actor, events, at));
  return rows.map(toEventDto);
}

export function buildEventRows(actor: Actor, events: EventToEmit[], at?: Date): NewRow<'events'>[] {
  return events.map((e) => buildEventRow(actor, e.type, e.object, e.previousAttributes, at));
}

export async function getEvent(deps: CoreDeps, scope: Scope, id: string): Promise<EventDto> {
  const row = await repo.getEvent(deps.db, scope, id);
  if (!row) throw notFound('event', id);
  return toEventDto(row);
}

/** Events by id (missing ones are left out), for sending several at once. */
export async function getEventsById(deps: CoreDeps, scope: Scope, ids: string[]): Promise<Map<string, EventDto>> {
  return new Map((await repo.findEventsByIds(deps.db, scope, ids)).map((row) => [row.id, toEventDto(row)]));
}

export async function listEvents(deps: CoreDeps, scope: Scope, input: ListEventsInput = {}, url = '/v1/events'): Promise<ListResult<EventDto>> {
  const params = parseParams(listEventsParams, input);
  let query = repo.selectEvents(deps.db, scope);
  const types = [...(params.type ? [params.type] : []), ...(params.types ?? [])];
  const condition = types.length ? repo.eventTypeCondition(types) : null;
  if (condition) query = query.where(condition);
  if (params.delivery_success !== undefined) query = query.where(repo.deliverySuccessCondition(scope, params.delivery_success));
  const { rows, hasMore } = await findPage(deps.db, 'events', scope, query, params);
  return { object: 'list', data: rows.map(toEventDto), has_more: hasMore, url };
}
