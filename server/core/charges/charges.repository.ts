import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { RowUpdate } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

export function getCharge(db: Executor, scope: Scope, id: string, options: { forUpdate?: boolean } = {}) {
  let query = db.selectFrom('charges').selectAll().$call(inScope(scope)).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function selectCharges(db: Executor, scope: Scope, filters: { paymentIntent?: string; customer?: string; condition?: RawBuilder<boolean> } = {}) {
  let query = db.selectFrom('charges').selectAll('charges').$call(inScope(scope, 'charges'));
  if (filters.condition) query = query.where(filters.condition);
  if (filters.paymentIntent !== undefined) query = query.where('charges.payment_intent_id', '=', filters.paymentIntent);
  if (filters.customer !== undefined) query = query.where('charges.customer_id', '=', filters.customer);
  return query;
}

export function findChargesForIntent(db: Executor, scope: Scope, paymentIntentId: string) {
  return db
    .selectFrom('charges')
    .selectAll()
    .$call(inScope(scope))
    .where('payment_intent_id', '=', paymentIntentId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

export function updateCharge(db: Executor, scope: Scope, id: string, changes: RowUpdate<'charges'>) {
  return db
    .updateTable('charges')
    .set({ ...changes, updated_at: sql`now()` })
    .$call(inScope(scope))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** amount_refunded moves with the refunds (a failed refund gives its amount back); the table's check keeps it within amount_captured. */
export function adjustChargeRefunded(db: Executor, scope: Scope, id: string, delta: number) {
  return db
    .updateTable('charges')
    .set({ amount_refunded: sql`amount_refunded + ${delta}`, updated_at: sql`now()` })
    .$call(inScope(scope))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Stripe's charge.disputed: true from the moment a dispute exists on the charge. */
export function markChargeDisputed(db: Executor, scope: Scope, id: string) {
  return db.updateTable('charges').set({ disputed: true, updated_at: sql`now()` }).$call(inScope(scope)).where('id', '=', id).execute();
}

/** The hosted receipt: a succeeded charge by its receipt token, with its merchant's name and time zone. */
export function findChargeByReceiptToken(db: Executor, scope: Scope, token: string) {
  return db
    .selectFrom('charges')
    .innerJoin('merchants', 'merchants.id', 'charges.merchant_id')
    .selectAll('charges')
    .select(['merchants.name as merchant_name', 'merchants.timezone as merchant_timezone'])
    .$call(inScope(scope, 'charges'))
    .where('charges.receipt_token', '=', token)
    .where('charges.status', '=', 'succeeded')
    .executeTakeFirst();
}
