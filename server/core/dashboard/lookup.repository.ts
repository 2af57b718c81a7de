import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';
import { likeNeedle } from '../shared/search.repository.js';
import { findPaymentRows, type PaymentListRow } from './payments.repository.js';

/** The command palette and the search box's id jumps: does an object exist here, and one line about it. */

export { getPaymentSummary } from './payments.repository.js';
export { getRefundPaymentId } from './refunds.repository.js';
export { getCustomerSummary } from './customers.repository.js';

const LOOKUP_TABLES = ['payment_intents', 'customers', 'refunds', 'events', 'webhook_endpoints'] as const;
type LookupTable = (typeof LOOKUP_TABLES)[number];

export async function objectExists(db: Executor, scope: Scope, table: LookupTable, id: string): Promise<boolean> {
  let query = db
    .selectFrom(table as 'customers')
    .select('id')
    .$call(inScope(scope))
    .where('id', '=', id);
  if (table === 'customers' || table === 'webhook_endpoints') query = query.where('deleted_at', 'is', null);
  return Boolean(await query.executeTakeFirst());
}

export function getEventSummary(db: Executor, scope: Scope, id: string) {
  return db.selectFrom('events').select(['id', 'type']).where('merchant_id', '=', scope.merchantId).where('livemode', '=', scope.livemode).where('id', '=', id).executeTakeFirst();
}

export function getWebhookEndpointSummary(db: Executor, scope: Scope, id: string) {
  return db
    .selectFrom('webhook_endpoints')
    .select(['id', 'url'])
    .$call(inScope(scope))
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function findPaymentsByLast4(db: Executor, scope: Scope, last4: string, limit: number): Promise<PaymentListRow[]> {
  const { rows } = await findPaymentRows(db, scope, 'UTC', { last4 }, { sort: 'created', dir: 'desc', limit });
  return rows.slice(0, limit);
}

export async function findPaymentsByEmail(db: Executor, scope: Scope, needle: string, limit: number): Promise<PaymentListRow[]> {
  const { rows } = await findPaymentRows(db, scope, 'UTC', { search: { kind: 'email', value: needle } }, { sort: 'created', dir: 'desc', limit });
  return rows.slice(0, limit);
}

/** The palette reads at most this many matching customers before ranking them: a bounded heap read. */
const LOOKUP_CANDIDATES = 500;

/**
 * Customers whose "email name" contains the needle, through customers_lookup_trgm_idx (0009). The matches
 * are collected first (capped, in a subquery the planner cannot merge with the ordering) so PostgreSQL
 * cannot trade the trigram index for a walk of the merchant's whole list in created order; then exact
 * email or name matches and the newest come first.
 */
export async function findCustomersByText(db: Executor, scope: Scope, needle: string, limit: number) {
  const value = needle.trim().toLowerCase();
  // A subquery with LIMIT, not a WITH: it fences the match collection just the same, and statements starting
  // with WITH would run as prepared writes (server/db/database.ts) with a generic plan.
  const { rows } = await sql<{ id: string; email: string | null; name: string | null }>`
    select id, email, name from (
      select id, email, name, created_at from customers
      where merchant_id = ${scope.merchantId} and livemode = ${scope.livemode} and deleted_at is null
        and lower(coalesce(email, '') || ' ' || coalesce(name, '')) like ${likeNeedle(value)}
      limit ${LOOKUP_CANDIDATES}
    ) matches
    order by lower(email) = ${value} desc, lower(name) = ${value} desc, created_at desc, id desc
    limit ${limit}`.execute(db);
  return rows;
}
