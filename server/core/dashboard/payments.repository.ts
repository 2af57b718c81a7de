import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { DisplayStatus } from '../../../shared/payment-display-status.js';
import type { SearchQuery } from '../../../shared/search/index.js';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';
import { applyKeyset, fetchSearchPage, walkFilter, type Keyset } from '../shared/keyset.repository.js';
import { type WalkEnd } from '../shared/cursor.js';
import { inScope } from '../shared/scope.js';
import { compileSearch, likeNeedle, payerEmailCondition } from '../shared/search.repository.js';
import { dateConditions, rangeConditions, type RangeFilters } from './filters.repository.js';

/**
 * The dashboard's payments list and search box. Every query leads with (merchant_id, livemode) and pages
 * by keyset on an index whose order matches the sort; bench/dashboard-lists.ts and bench/search.ts measure
 * the plans on a merchant with a million payments.
 */

type Condition = RawBuilder<boolean>;
/* eslint-disable @typescript-eslint/no-explicit-any */
type Query<R> = SelectQueryBuilder<Database, any, R>;

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

/** The display status of each row as text (reports write it; the list filters by the same predicates). */
export function paymentDisplayStatusSql(): RawBuilder<string> {
  const cases = (Object.entries(DISPLAY_STATUS_SQL) as [DisplayStatus, { condition: Condition }][]).map(([status, { condition }]) => sql`when ${condition} then ${sql.lit(status)}`);
  // requires_confirmation and processing fall through to incomplete, as in paymentDisplayStatus.
  return sql<string>`(case ${sql.join(cases, sql` `)} else 'incomplete' end)`;
}

function displayStatusCondition(statuses: readonly DisplayStatus[]): Condition {
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

/** The list's filters apart from the search box, each answered by an index of payment_intents. */
function filterConditions(scope: Scope, timezone: string, f: PaymentFilters): Condition[] {
  const out = rangeConditions('payment_intents', timezone, f);
  if (f.status?.length) out.push(displayStatusCondition(f.status));
  if (f.last4) out.push(sql<boolean>`payment_intents.card_last4 = ${f.last4}`);
  if (f.customer) {
    out.push(f.customer.includes('@') ? payerEmailCondition(scope, { equals: f.customer.toLowerCase() }) : sql<boolean>`payment_intents.customer_id = ${f.customer}`);
  }
  return out;
}

function searchCondition(scope: Scope, s: Exclude<PaymentSearch, { kind: 'query' }>): Condition {
  if (s.kind === 'email') return payerEmailCondition(scope, { like: likeNeedle(s.value) });
  if (s.kind === 'last4') return sql<boolean>`payment_intents.card_last4 = ${s.value}`;
  const like = likeNeedle(s.value);
  return sql<boolean>`(${payerEmailCondition(scope, { like })} or lower(payment_intents.description) like ${like})`;
}

/** The list's filters and search box as conditions on payment_intents: an export streams exactly the rows the list shows. */
export function paymentListConditions(scope: Scope, timezone: string, f: PaymentFilters): Condition[] {
  const out = filterConditions(scope, timezone, f);
  const s = f.search;
  if (s) out.push(s.kind === 'query' ? compileSearch('payment_intents', scope, s.query).condition : searchCondition(scope, s));
  return out;
}

function where<R>(query: Query<R>, conditions: (Condition | undefined)[]): Query<R> {
  return conditions.reduce<Query<R>>((q, c) => (c ? q.where(c) : q), query);
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

/**
 * One page of the list. A query in the search language goes through fetchSearchPage (keyset.repository.ts):
 * the matches collected through the indexes when they narrow the list (with the other filters) to few
 * rows, else a walk of the sort's index bounded at SEARCH_WALK_ROWS rows per page. Everything else is
 * one query whose plan the indexes decide.
 */
export async function findPaymentRows(db: Executor, scope: Scope, timezone: string, f: PaymentFilters, keyset: Keyset): Promise<{ rows: PaymentListRow[]; end?: WalkEnd }> {
  const filters = filterConditions(scope, timezone, f);
  const s = f.search;
  if (s?.kind !== 'query') {
    const query = where(selectPaymentRows(db, scope), [...filters, s ? searchCondition(scope, s) : undefined]);
    return { rows: (await applyKeyset(query, 'payment_intents', keyset).execute()) as PaymentListRow[] };
  }
  const compiled = compileSearch('payment_intents', scope, s.query);
  // The walk's own range on the list index: the date filter and the query's created clauses.
  const walkRange = [...dateConditions('payment_intents', timezone, f), ...(keyset.sort === 'created' && compiled.walkRange ? [compiled.walkRange] : [])];
  const narrowing = [...filters, compiled.narrowing].filter((c): c is Condition => c !== undefined);
  return (await fetchSearchPage(
    db,
    'payment_intents',
    {
      matches: where(selectPaymentRows(db, scope), [...filters, compiled.condition]),
      walked: where(selectPaymentRows(db, scope), [...walkRange, walkFilter(sql<boolean>`(${sql.join([...filters, compiled.condition], sql` and `)})`)]),
      walkBase: where(selectPaymentRows(db, scope), walkRange),
      narrowed: narrowing.length ? where(selectPaymentRows(db, scope), narrowing) : undefined,
      scoped: selectPaymentRows(db, scope),
    },
    keyset,
  )) as { rows: PaymentListRow[]; end?: WalkEnd };
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

export function getPaymentSummary(db: Executor, scope: Scope, id: string) {
  return selectPaymentRows(db, scope).where('payment_intents.id', '=', id).executeTakeFirst();
}
