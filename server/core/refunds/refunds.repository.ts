import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow, RowUpdate } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

export function insertRefund(db: Executor, row: NewRow<'refunds'>) {
  return db.insertInto('refunds').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getRefund(db: Executor, scope: Scope, id: string, options: { forUpdate?: boolean } = {}) {
  let query = db
    .selectFrom('refunds')
    .selectAll()
    .$call(inScope(scope))
    .where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function updateRefund(db: Executor, scope: Scope, id: string, changes: RowUpdate<'refunds'>, fromStatus?: string) {
  let query = db
    .updateTable('refunds')
    .set({ ...changes, updated_at: sql`now()` })
    .$call(inScope(scope))
    .where('id', '=', id);
  if (fromStatus) query = query.where('status', '=', fromStatus as 'pending');
  return query.returningAll().executeTakeFirst();
}

export function selectRefunds(db: Executor, scope: Scope, filters: { paymentIntent?: string; status?: string; condition?: RawBuilder<boolean> } = {}) {
  let query = db
    .selectFrom('refunds')
    .selectAll('refunds')
    .where('refunds.merchant_id', '=', scope.merchantId)
    .where('refunds.livemode', '=', scope.livemode);
  if (filters.paymentIntent !== undefined) query = query.where('refunds.payment_intent_id', '=', filters.paymentIntent);
  if (filters.status !== undefined) query = query.where('refunds.status', '=', filters.status as 'pending');
  if (filters.condition) query = query.where(filters.condition);
  return query;
}

export function findRefundsForIntent(db: Executor, scope: Scope, paymentIntentId: string) {
  return db
    .selectFrom('refunds')
    .selectAll()
    .$call(inScope(scope))
    .where('payment_intent_id', '=', paymentIntentId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

/** Across merchants: pending refunds old enough to settle, locked so instances split the batch. */
export function lockDueRefunds(db: Executor, olderThan: Date, limit: number, options: { includeLive: boolean }) {
  let query = db
    .selectFrom('refunds')
    .selectAll()
    .where('status', '=', 'pending')
    .where('created_at', '<=', olderThan);
  if (!options.includeLive) query = query.where('livemode', '=', false);
  return query
    .orderBy('created_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export function getIntentPaymentMethod(db: Executor, scope: Scope, paymentIntentId: string) {
  return db
    .selectFrom('payment_attempts as a')
    .innerJoin('payment_methods as pm', 'pm.id', 'a.payment_method_id')
    .selectAll('pm')
    .where('a.merchant_id', '=', scope.merchantId)
    .where('a.livemode', '=', scope.livemode)
    .where('a.payment_intent_id', '=', paymentIntentId)
    .where('a.outcome', 'in', ['succeeded', 'authorized'])
    .where('pm.merchant_id', '=', scope.merchantId)
    .where('pm.livemode', '=', scope.livemode)
    .orderBy('a.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}
