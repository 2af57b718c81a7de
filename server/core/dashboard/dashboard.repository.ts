import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { ListSort, SortDirection } from '../../../shared/contracts/dashboard.js';
import type { DisplayStatus } from '../../../shared/payment-display-status.js';
import type { RefundStatus } from '../../../shared/status.js';
import type { SearchQuery } from '../../../shared/search/index.js';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';
import { compileSearch } from '../shared/search-sql.js';
import type { ListCursor } from './cursor.js';
import { inScope } from '../shared/scope.js';

/**
 * Every query behind the dashboard's lists, search box and command palette. Each leads with
 * (merchant_id, livemode) and pages by keyset on an index whose order matches the sort; see
 * migration 0007 for the indexes added for these screens and bench/dashboard-lists.ts for the plans
 * measured on a merchant with a million payments.
 */

type Condition = RawBuilder<boolean>;
/* eslint-disable @typescript-eslint/no-explicit-any */
type Query<R> = SelectQueryBuilder<Database, any, R>;

// ---------------------------------------------------------------------------------------------------
// Shared pieces

/** Escapes LIKE wildcards so "50%" matches literally; lowercased to match the lower(...) trigram indexes. */
export function likeNeedle(value: string): string {
  return `%${value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A date (YYYY-MM-DD) or a date-time without an offset is wall-clock time in the merchant's zone; with an
 * offset it is an instant. The result is a constant, so the comparison is an index range bound.
 */
function instant(value: string, timezone: string) {
  const v = value.replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return sql`(${v}::date::timestamp at time zone ${timezone})`;
  if (/(?:Z|[+-]\d{2}(?::?\d{2})?)$/.test(v.slice(16))) return sql`${v}::timestamptz`;
  return sql`(${v}::timestamp at time zone ${timezone})`;
}

export interface RangeFilters {
  from?: string;
  to?: string;
  amountMin?: number;
  amountMax?: number;
  currency?: string;
}

function rangeConditions(table: 'payment_intents' | 'refunds', timezone: string, f: RangeFilters): Condition[] {
  const out: Condition[] = [];
  const created = sql.ref(`${table}.created_at`);
  const amount = sql.ref(`${table}.amount`);
  if (f.from) out.push(sql<boolean>`${created} >= ${instant(f.from, timezone)}`);
  if (f.to) out.push(sql<boolean>`${created} < ${instant(f.to, timezone)}`);
  if (f.amountMin !== undefined) out.push(sql<boolean>`${amount} >= ${f.amountMin}`);
  if (f.amountMax !== undefined) out.push(sql<boolean>`${amount} <= ${f.amountMax}`);
  if (f.currency) out.push(sql<boolean>`${sql.ref(`${table}.currency`)} = ${f.currency}`);
  return out;
}

export interface Keyset {
  sort: ListSort;
  dir: SortDirection;
  limit: number;
  cursor?: ListCursor;
}

/**
 * Orders by (sort key, id) and continues from the cursor with a row comparison, which PostgreSQL turns
 * into an index range scan; going back reverses the order and the caller reverses the rows again.
 * Fetches limit + 1 rows so the caller knows whether there is more.
 */
function applyKeyset<R>(query: Query<R>, table: 'payment_intents' | 'refunds' | 'customers', keyset: Keyset) {
  const key = sql.ref(`${table}.${keyset.sort === 'amount' ? 'amount' : 'created_at'}`);
  const id = sql.ref(`${table}.id`);
  const backwards = keyset.cursor?.before === true;
  const ascending = (keyset.dir === 'asc') !== backwards;
  let q = query.select(sql<string>`${key}::text`.as('sort_key'));
  if (keyset.cursor) {
    const value = keyset.sort === 'amount' ? sql`${keyset.cursor.key}::bigint` : sql`${keyset.cursor.key}::timestamptz`;
    q = q.where(sql<boolean>`(${key}, ${id}) ${sql.raw(ascending ? '>' : '<')} (${value}, ${keyset.cursor.id})`);
  }
  const direction = ascending ? 'asc' : 'desc';
  return q.orderBy(key, direction).orderBy(id, direction).limit(keyset.limit + 1);
}

// ---------------------------------------------------------------------------------------------------
// Payments

/**
 * Display statuses as SQL, the same rules as shared/payment-display-status.ts. Each predicate pins the
 * raw status, so a filter on one display status is a range scan of payment_intents_status_idx (and the
 * refunded ones can use the partial index on amount_refunded > 0).
 */
const DISPLAY_STATUS_SQL: Record<DisplayStatus, { statuses: string[]; condition: Condition }> = {
  succeeded: { statuses: ['succeeded'], condition: sql<boolean>`(payment_intents.status = 'succeeded' and payment_intents.amount_refunded = 0)` },
  partially_refunded: {
    statuses: ['succeeded'],
    condition: sql<boolean>`(payment_intents.status = 'succeeded' and payment_intents.amount_refunded > 0 and payment_intents.amount_refunded < payment_intents.amount_received)`,
  },
  refunded: {
    statuses: ['succeeded'],
    condition: sql<boolean>`(payment_intents.status = 'succeeded' and payment_intents.amount_refunded > 0 and payment_intents.amount_refunded >= payment_intents.amount_received)`,
  },
  uncaptured: { statuses: ['requires_capture'], condition: sql<boolean>`payment_intents.status = 'requires_capture'` },
  requires_action: { statuses: ['requires_action'], condition: sql<boolean>`payment_intents.status = 'requires_action'` },
  incomplete: {
    statuses: ['requires_payment_method', 'requires_confirmation', 'processing'],
    condition: sql<boolean>`(payment_intents.status in ('requires_confirmation', 'processing') or (payment_intents.status = 'requires_payment_method' and payment_intents.last_payment_error is null))`,
  },
  failed: {
    statuses: ['requires_payment_method', 'canceled'],
    condition: sql<boolean>`((payment_intents.status = 'requires_payment_method' and payment_intents.last_payment_error is not null) or (payment_intents.status = 'canceled' and payment_intents.failed_attempts > 0))`,
  },
  canceled: { statuses: ['canceled'], condition: sql<boolean>`(payment_intents.status = 'canceled' and payment_intents.failed_attempts = 0)` },
};

export function displayStatusCondition(statuses: readonly DisplayStatus[]): Condition {
  const raw = [...new Set(statuses.flatMap((s) => DISPLAY_STATUS_SQL[s].statuses))];
  const conditions = statuses.map((s) => DISPLAY_STATUS_SQL[s].condition);
  // The redundant `status in (...)` lets the planner use the status index even when several display statuses are OR-ed.
  return sql<boolean>`(payment_intents.status in (${sql.join(raw)}) and (${sql.join(conditions, sql` or `)}))`;
}

/** What the search box asked for, already classified by the service. */
export type PaymentSearch =
  | { kind: 'email'; value: string }
  | { kind: 'last4'; value: string }
  | { kind: 'text'; value: string }
  | { kind: 'query'; query: SearchQuery };

export interface PaymentFilters extends RangeFilters {
  status?: readonly DisplayStatus[];
  last4?: string;
  /** A customer id or an email (the customer's or the receipt email, exact, case-insensitive). */
  customer?: string;
  search?: PaymentSearch;
}

/**
 * More customers than this match an email fragment: the fragment is common, matching payments are dense,
 * and walking the list index with a filter finds a page fastest, so the customer match stays a subquery.
 */
const MAX_INLINE_CUSTOMERS = 500;

/**
 * Payments whose payer email (the receipt email or the customer's) matches. The customers are looked up
 * first (trigram or btree index on customers) and passed as a list of ids, so PostgreSQL can combine the
 * receipt-email trigram index with payment_intents_customer_idx instead of scanning payments with a
 * subquery filter, which costs a full scan when only a few payments match.
 */
async function payerEmailCondition(db: Executor, scope: Scope, match: { like: string } | { equals: string }, extra?: Condition): Promise<Condition> {
  const customerMatch = 'like' in match ? sql<boolean>`lower(c.email) like ${match.like}` : sql<boolean>`lower(c.email) = ${match.equals}`;
  const receiptMatch = 'like' in match ? sql<boolean>`lower(payment_intents.receipt_email) like ${match.like}` : sql<boolean>`lower(payment_intents.receipt_email) = ${match.equals}`;
  const { rows } = await sql<{ id: string }>`select c.id from customers c where c.merchant_id = ${scope.merchantId} and c.livemode = ${scope.livemode} and ${customerMatch} limit ${MAX_INLINE_CUSTOMERS + 1}`.execute(db);
  const customers =
    rows.length > MAX_INLINE_CUSTOMERS
      ? sql<boolean>`payment_intents.customer_id in (select c.id from customers c where c.merchant_id = ${scope.merchantId} and c.livemode = ${scope.livemode} and ${customerMatch})`
      : rows.length
        ? sql<boolean>`payment_intents.customer_id in (${sql.join(rows.map((r) => r.id))})`
        : null;
  const parts = [receiptMatch, ...(customers ? [customers] : []), ...(extra ? [extra] : [])];
  return sql<boolean>`(${sql.join(parts, sql` or `)})`;
}

async function paymentConditions(db: Executor, scope: Scope, timezone: string, f: PaymentFilters): Promise<Condition[]> {
  const out = rangeConditions('payment_intents', timezone, f);
  if (f.status?.length) out.push(displayStatusCondition(f.status));
  if (f.last4) out.push(sql<boolean>`payment_intents.card_last4 = ${f.last4}`);
  if (f.customer) {
    out.push(f.customer.includes('@') ? await payerEmailCondition(db, scope, { equals: f.customer.toLowerCase() }) : sql<boolean>`payment_intents.customer_id = ${f.customer}`);
  }
  const s = f.search;
  if (s?.kind === 'email') out.push(await payerEmailCondition(db, scope, { like: likeNeedle(s.value) }));
  else if (s?.kind === 'last4') out.push(sql<boolean>`payment_intents.card_last4 = ${s.value}`);
  else if (s?.kind === 'text') {
    const like = likeNeedle(s.value);
    out.push(await payerEmailCondition(db, scope, { like }, sql<boolean>`lower(payment_intents.description) like ${like}`));
  } else if (s?.kind === 'query') out.push(compileSearch('payment_intents', scope, s.query));
  return out;
}

export interface PaymentListRow {
  id: string;
  amount: number;
  currency: string;
  amount_received: number;
  amount_refunded: number;
  status: string;
  has_payment_error: boolean;
  failed_attempts: number;
  description: string | null;
  customer_id: string | null;
  receipt_email: string | null;
  card_brand: string | null;
  card_last4: string | null;
  created_at: Date;
  livemode: boolean;
  sort_key: string;
}

function selectPaymentRows(db: Executor, scope: Scope) {
  return db
    .selectFrom('payment_intents')
    .select([
      'payment_intents.id', 'payment_intents.amount', 'payment_intents.currency', 'payment_intents.amount_received',
      'payment_intents.amount_refunded', 'payment_intents.status', 'payment_intents.failed_attempts', 'payment_intents.description',
      'payment_intents.customer_id', 'payment_intents.receipt_email', 'payment_intents.card_brand', 'payment_intents.card_last4',
      'payment_intents.created_at', 'payment_intents.livemode',
      sql<boolean>`payment_intents.last_payment_error is not null`.as('has_payment_error'),
    ])
    .where('payment_intents.merchant_id', '=', scope.merchantId)
    .where('payment_intents.livemode', '=', scope.livemode);
}

async function paymentListQuery(db: Executor, scope: Scope, timezone: string, filters: PaymentFilters, keyset: Keyset) {
  let query = selectPaymentRows(db, scope);
  for (const c of await paymentConditions(db, scope, timezone, filters)) query = query.where(c);
  return applyKeyset(query, 'payment_intents', keyset);
}

export async function findPaymentRows(db: Executor, scope: Scope, timezone: string, filters: PaymentFilters, keyset: Keyset): Promise<PaymentListRow[]> {
  return (await (await paymentListQuery(db, scope, timezone, filters, keyset)).execute()) as PaymentListRow[];
}

/** The compiled list query, for the benchmark's plan check. */
export async function compilePaymentListQuery(db: Executor, scope: Scope, timezone: string, filters: PaymentFilters, keyset: Keyset) {
  return (await paymentListQuery(db, scope, timezone, filters, keyset)).compile();
}

export async function findPaymentRowsByIds(db: Executor, scope: Scope, ids: string[]): Promise<PaymentListRow[]> {
  if (!ids.length) return [];
  return (await selectPaymentRows(db, scope)
    .select(sql<string>`payment_intents.created_at::text`.as('sort_key'))
    .where('payment_intents.id', 'in', ids)
    .execute()) as PaymentListRow[];
}

export function findCustomerEmails(db: Executor, scope: Scope, ids: string[]) {
  if (!ids.length) return Promise.resolve([] as { id: string; email: string | null; name: string | null }[]);
  return db
    .selectFrom('customers')
    .select(['id', 'email', 'name'])
    .$call(inScope(scope))
    .where('id', 'in', ids)
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Refunds

export interface RefundFilters extends RangeFilters {
  status?: readonly RefundStatus[];
  payment?: string;
  search?: RefundSearch;
}

/** The Refunds search box, read by refunds.service (amounts arrive as amountMin = amountMax). */
export type RefundSearch = { kind: 'id'; value: string } | { kind: 'payment'; value: string } | { kind: 'payer'; value: string } | { kind: 'query'; query: SearchQuery };

export interface RefundListRow {
  id: string;
  amount: number;
  currency: string;
  status: string;
  reason: string | null;
  failure_reason: string | null;
  note: string | null;
  payment_intent_id: string;
  created_by_user_id: string | null;
  created_at: Date;
  livemode: boolean;
  sort_key: string;
}

function selectRefundRows(db: Executor, scope: Scope) {
  return db
    .selectFrom('refunds')
    .select([
      'refunds.id', 'refunds.amount', 'refunds.currency', 'refunds.status', 'refunds.reason', 'refunds.failure_reason', 'refunds.note',
      'refunds.payment_intent_id', 'refunds.created_by_user_id', 'refunds.created_at', 'refunds.livemode',
    ])
    .where('refunds.merchant_id', '=', scope.merchantId)
    .where('refunds.livemode', '=', scope.livemode);
}

export async function findRefundRows(db: Executor, scope: Scope, timezone: string, filters: RefundFilters, keyset: Keyset): Promise<RefundListRow[]> {
  let query = selectRefundRows(db, scope);
  for (const c of rangeConditions('refunds', timezone, filters)) query = query.where(c);
  if (filters.status?.length) query = query.where('refunds.status', 'in', [...filters.status] as RefundStatus[]);
  if (filters.payment) query = query.where('refunds.payment_intent_id', '=', filters.payment);
  const s = filters.search;
  if (s?.kind === 'id') query = query.where('refunds.id', '=', s.value);
  else if (s?.kind === 'payment') query = query.where('refunds.payment_intent_id', '=', s.value);
  else if (s?.kind === 'query') query = query.where(compileSearch('refunds', scope, s.query));
  else if (s?.kind === 'payer') {
    // The payer's email lives on the payment (receipt email) or its customer: the same trigram-indexed match as the payments list.
    const payer = await payerEmailCondition(db, scope, { like: likeNeedle(s.value) });
    query = query.where(sql<boolean>`refunds.payment_intent_id in (select payment_intents.id from payment_intents where payment_intents.merchant_id = ${scope.merchantId} and payment_intents.livemode = ${scope.livemode} and ${payer})`);
  }
  return (await applyKeyset(query, 'refunds', keyset).execute()) as RefundListRow[];
}

export async function getRefundRow(db: Executor, scope: Scope, id: string): Promise<RefundListRow | undefined> {
  return (await selectRefundRows(db, scope)
    .select(sql<string>`refunds.created_at::text`.as('sort_key'))
    .where('refunds.id', '=', id)
    .executeTakeFirst()) as RefundListRow | undefined;
}

/** Payer emails for a page of refunds, via their payments. */
export function findPayerEmails(db: Executor, scope: Scope, paymentIds: string[]) {
  if (!paymentIds.length) return Promise.resolve([] as { id: string; email: string | null }[]);
  return db
    .selectFrom('payment_intents')
    .leftJoin('customers', (j) =>
      j.onRef('customers.id', '=', 'payment_intents.customer_id').on('customers.merchant_id', '=', scope.merchantId).on('customers.livemode', '=', scope.livemode),
    )
    .select(['payment_intents.id', sql<string | null>`coalesce(customers.email, payment_intents.receipt_email)`.as('email')])
    .where('payment_intents.merchant_id', '=', scope.merchantId)
    .where('payment_intents.livemode', '=', scope.livemode)
    .where('payment_intents.id', 'in', paymentIds)
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Customers

export type CustomerSearch = { kind: 'id'; value: string } | { kind: 'text'; value: string };

export interface CustomerListRow {
  id: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  description: string | null;
  created_at: Date;
  livemode: boolean;
  sort_key: string;
}

export async function findCustomerRows(db: Executor, scope: Scope, search: CustomerSearch | undefined, keyset: Keyset): Promise<CustomerListRow[]> {
  let query = db
    .selectFrom('customers')
    .select(['customers.id', 'customers.email', 'customers.name', 'customers.phone', 'customers.description', 'customers.created_at', 'customers.livemode'])
    .where('customers.merchant_id', '=', scope.merchantId)
    .where('customers.livemode', '=', scope.livemode)
    .where('customers.deleted_at', 'is', null);
  if (search?.kind === 'id') query = query.where('customers.id', '=', search.value);
  if (search?.kind === 'text') {
    const like = likeNeedle(search.value);
    query = query.where(sql<boolean>`(lower(customers.email) like ${like} or lower(customers.name) like ${like})`);
  }
  return (await applyKeyset(query, 'customers', keyset).execute()) as CustomerListRow[];
}

/** Per currency: what the customer paid (succeeded payments) and what was refunded to them (pending or succeeded refunds). */
export function customerTotals(db: Executor, scope: Scope, customerId: string) {
  return db
    .selectFrom('payment_intents')
    .select([
      'currency',
      sql<number>`coalesce(sum(amount_received) filter (where status = 'succeeded'), 0)::bigint`.as('spent'),
      sql<number>`coalesce(sum(amount_refunded), 0)::bigint`.as('refunded'),
      sql<number>`count(*) filter (where status = 'succeeded')::int`.as('payments'),
    ])
    .$call(inScope(scope))
    .where('customer_id', '=', customerId)
    .groupBy('currency')
    .orderBy(sql`sum(amount_received)`, 'desc')
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Lookup

const LOOKUP_TABLES = ['payment_intents', 'customers', 'refunds', 'events', 'webhook_endpoints'] as const;
export type LookupTable = (typeof LOOKUP_TABLES)[number];

export async function objectExists(db: Executor, scope: Scope, table: LookupTable, id: string): Promise<boolean> {
  let query = db
    .selectFrom(table as 'customers')
    .select('id')
    .$call(inScope(scope))
    .where('id', '=', id);
  if (table === 'customers' || table === 'webhook_endpoints') query = query.where('deleted_at', 'is', null);
  return Boolean(await query.executeTakeFirst());
}

export function getPaymentSummary(db: Executor, scope: Scope, id: string) {
  return selectPaymentRows(db, scope).where('payment_intents.id', '=', id).executeTakeFirst();
}

export function getRefundPaymentId(db: Executor, scope: Scope, id: string) {
  return db
    .selectFrom('refunds')
    .select(['payment_intent_id', 'amount', 'currency', 'status'])
    .$call(inScope(scope))
    .where('id', '=', id)
    .executeTakeFirst();
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

export function getCustomerSummary(db: Executor, scope: Scope, id: string) {
  return db
    .selectFrom('customers')
    .select(['id', 'email', 'name'])
    .$call(inScope(scope))
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** Customers whose email contains the needle, exact matches first. */
export function findCustomersByEmail(db: Executor, scope: Scope, needle: string, limit: number) {
  const value = needle.toLowerCase();
  return db
    .selectFrom('customers')
    .select(['id', 'email', 'name'])
    .$call(inScope(scope))
    .where('deleted_at', 'is', null)
    .where(sql<boolean>`lower(email) like ${likeNeedle(value)}`)
    .orderBy(sql`lower(email) = ${value}`, 'desc')
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

export async function findPaymentsByEmail(db: Executor, scope: Scope, needle: string, limit: number): Promise<PaymentListRow[]> {
  const rows = await findPaymentRows(db, scope, 'UTC', { search: { kind: 'email', value: needle } }, { sort: 'created', dir: 'desc', limit });
  return rows.slice(0, limit);
}
