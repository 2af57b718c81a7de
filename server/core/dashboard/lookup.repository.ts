import type { Executor } from '../../db/database.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';
import { findPaymentRows, type PaymentListRow } from './payments.repository.js';

/** The command palette and the search box's id jumps: does an object exist here, and one line about it. */

export { getPaymentSummary } from './payments.repository.js';
export { getRefundPaymentId } from './refunds.repository.js';
export { findCustomersByEmail, getCustomerSummary } from './customers.repository.js';

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

export async function findPaymentsByEmail(db: Executor, scope: Scope, needle: string, limit: number): Promise<PaymentListRow[]> {
  const { rows } = await findPaymentRows(db, scope, 'UTC', { search: { kind: 'email', value: needle } }, { sort: 'created', dir: 'desc', limit });
  return rows.slice(0, limit);
}
