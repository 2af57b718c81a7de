import { sql, type RawBuilder } from 'kysely';
import type { SearchQuery } from '../../../shared/search/index.js';
import type { RefundStatus } from '../../../shared/status.js';
import type { Executor } from '../../db/database.js';
import type { Scope } from '../shared/deps.js';
import { applyKeyset, type Keyset } from '../shared/keyset.repository.js';
import { inScope } from '../shared/scope.js';
import { compileSearch, likeNeedle, payerEmailCondition } from '../shared/search.repository.js';
import { rangeConditions, type RangeFilters } from './filters.repository.js';

/** The dashboard's refunds list and refund page; every query leads with (merchant_id, livemode). */

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

/** The list's filters and search box as conditions on refunds: an export streams exactly the rows the list shows. */
export function refundListConditions(scope: Scope, timezone: string, filters: RefundFilters): RawBuilder<boolean>[] {
  const out = rangeConditions('refunds', timezone, filters);
  if (filters.status?.length) out.push(sql<boolean>`refunds.status in (${sql.join([...filters.status])})`);
  if (filters.payment) out.push(sql<boolean>`refunds.payment_intent_id = ${filters.payment}`);
  const s = filters.search;
  if (s?.kind === 'id') out.push(sql<boolean>`refunds.id = ${s.value}`);
  else if (s?.kind === 'payment') out.push(sql<boolean>`refunds.payment_intent_id = ${s.value}`);
  else if (s?.kind === 'query') out.push(compileSearch('refunds', scope, s.query).condition);
  else if (s?.kind === 'payer') {
    // The payer's email lives on the payment (receipt email) or its customer: the same trigram-indexed match as the payments list.
    const payer = payerEmailCondition(scope, { like: likeNeedle(s.value) });
    out.push(sql<boolean>`refunds.payment_intent_id in (select payment_intents.id from payment_intents where payment_intents.merchant_id = ${scope.merchantId} and payment_intents.livemode = ${scope.livemode} and ${payer})`);
  }
  return out;
}

export async function findRefundRows(db: Executor, scope: Scope, timezone: string, filters: RefundFilters, keyset: Keyset): Promise<RefundListRow[]> {
  let query = selectRefundRows(db, scope);
  for (const c of refundListConditions(scope, timezone, filters)) query = query.where(c);
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

export function getRefundPaymentId(db: Executor, scope: Scope, id: string) {
  return db
    .selectFrom('refunds')
    .select(['payment_intent_id', 'amount', 'currency', 'status'])
    .$call(inScope(scope))
    .where('id', '=', id)
    .executeTakeFirst();
}

