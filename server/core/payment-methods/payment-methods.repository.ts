import type { Executor } from '../../db/database.js';
import type { NewRow, RowUpdate } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

export function insertPaymentMethod(db: Executor, row: NewRow<'payment_methods'>) {
  return db.insertInto('payment_methods').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getPaymentMethod(db: Executor, scope: Scope, id: string) {
  return db
    .selectFrom('payment_methods')
    .selectAll()
    .$call(inScope(scope))
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Locks a payment method's row until the caller's transaction ends, so two confirmations racing for one
 * single-use card are decided one after the other.
 */
export function lockPaymentMethod(db: Executor, scope: Scope, id: string) {
  return db.selectFrom('payment_methods').select('id').$call(inScope(scope)).where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Whether a confirmation has used this payment method, successful or not; an attempt still waiting for
 * 3-D Secure on `pendingIntentId` does not count (confirming that intent again is the same use).
 */
export async function hasConfirmationAttempt(db: Executor, scope: Scope, paymentMethodId: string, pendingIntentId?: string): Promise<boolean> {
  const row = await db
    .selectFrom('payment_attempts')
    .select('id')
    .$call(inScope(scope))
    .where('payment_method_id', '=', paymentMethodId)
    .$if(pendingIntentId !== undefined, (q) =>
      q.where((eb) => eb.not(eb.and([eb('payment_intent_id', '=', pendingIntentId!), eb('outcome', '=', 'requires_action')]))),
    )
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export function getPaymentMethodForUpdate(db: Executor, scope: Scope, id: string) {
  return db.selectFrom('payment_methods').selectAll().$call(inScope(scope)).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updatePaymentMethod(db: Executor, scope: Scope, id: string, changes: RowUpdate<'payment_methods'>) {
  return db.updateTable('payment_methods').set(changes).$call(inScope(scope)).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** For keyset pagination (findPage): the account's payment methods, or one customer's. */
export function selectPaymentMethods(db: Executor, scope: Scope, filters: { customerId?: string } = {}) {
  let query = db.selectFrom('payment_methods').selectAll('payment_methods').$call(inScope(scope, 'payment_methods'));
  if (filters.customerId !== undefined) query = query.where('payment_methods.customer_id', '=', filters.customerId);
  return query;
}

/** A customer's cards that have not expired, newest first (the hosted checkout offers them). */
export function findUnexpiredCustomerCards(db: Executor, scope: Scope, customerId: string, now: Date, limit: number) {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  return db
    .selectFrom('payment_methods')
    .select(['id', 'card_brand', 'card_last4', 'card_exp_month', 'card_exp_year'])
    .$call(inScope(scope))
    .where('customer_id', '=', customerId)
    .where((eb) => eb.or([eb('card_exp_year', '>', year), eb.and([eb('card_exp_year', '=', year), eb('card_exp_month', '>=', month)])]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
