import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Scope } from '../shared/deps.js';
import { applyKeyset, type Keyset } from '../shared/keyset.repository.js';
import { inScope } from '../shared/scope.js';
import { likeNeedle } from '../shared/search.repository.js';

/** The dashboard's customers list and customer page; every query leads with (merchant_id, livemode). */

export type CustomerSearch = { kind: 'id'; value: string } | { kind: 'text'; value: string };

interface CustomerListRow {
  id: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  description: string | null;
  created_at: Date;
  livemode: boolean;
  sort_key: string;
}

/** The customers list's search box as conditions on customers (exports stream the same rows). */
export function customerSearchConditions(search: CustomerSearch | undefined): RawBuilder<boolean>[] {
  if (search?.kind === 'id') return [sql<boolean>`customers.id = ${search.value}`];
  if (search?.kind === 'text') {
    const like = likeNeedle(search.value);
    return [sql<boolean>`(lower(customers.email) like ${like} or lower(customers.name) like ${like})`];
  }
  return [];
}

export async function findCustomerRows(db: Executor, scope: Scope, search: CustomerSearch | undefined, keyset: Keyset): Promise<CustomerListRow[]> {
  let query = db
    .selectFrom('customers')
    .select(['customers.id', 'customers.email', 'customers.name', 'customers.phone', 'customers.description', 'customers.created_at', 'customers.livemode'])
    .where('customers.merchant_id', '=', scope.merchantId)
    .where('customers.livemode', '=', scope.livemode)
    .where('customers.deleted_at', 'is', null);
  for (const c of customerSearchConditions(search)) query = query.where(c);
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

export function getCustomerSummary(db: Executor, scope: Scope, id: string) {
  return db
    .selectFrom('customers')
    .select(['id', 'email', 'name'])
    .$call(inScope(scope))
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

