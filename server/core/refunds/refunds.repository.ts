import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow, RowUpdate } from '../../db/schema.js';
import { addJob } from '../jobs/jobs.repository.js';
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
    .$call(inScope(scope, 'refunds'));
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
/**
 * Leases due pending refunds for settlement: the lease is committed before the processor is called, so no
 * transaction stays open across the call, and another worker skips the refund until the lease lapses
 * (a worker that died mid-call). Cross-tenant on purpose: the job serves every merchant.
 */
export function leaseDueRefunds(db: Executor, olderThan: Date, limit: number, options: { includeLive: boolean; leaseMs: number }) {
  let due = db
    .selectFrom('refunds')
    .select('id')
    .where('status', '=', 'pending')
    .where('created_at', '<=', olderThan)
    .where((eb) => eb.or([eb('settle_lease_until', 'is', null), eb('settle_lease_until', '<', sql<Date>`now()`)]));
  if (!options.includeLive) due = due.where('livemode', '=', false);
  return db
    .updateTable('refunds')
    .set({ settle_lease_until: sql`now() + make_interval(secs => ${options.leaseMs / 1000})` })
    .where('id', 'in', due.orderBy('created_at').limit(limit).forUpdate().skipLocked())
    .returningAll()
    .execute();
}

/** The same lease for one refund (its settle-refund job); undefined when settled or leased elsewhere. */
export function leaseRefund(db: Executor, scope: Scope, id: string, leaseMs: number) {
  return db
    .updateTable('refunds')
    .set({ settle_lease_until: sql`now() + make_interval(secs => ${leaseMs / 1000})` })
    .$call(inScope(scope))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('settle_lease_until', 'is', null), eb('settle_lease_until', '<', sql<Date>`now()`)]))
    .returningAll()
    .executeTakeFirst();
}

/** Gives a lease back after a processor error, so the retry does not wait for it to lapse. */
export async function releaseRefundLease(db: Executor, scope: Scope, id: string) {
  await db.updateTable('refunds').set({ settle_lease_until: null }).$call(inScope(scope)).where('id', '=', id).execute();
}

/** The refund's settle-refund job, added in the transaction that creates the refund. */
export function scheduleSettlement(db: Executor, refund: { id: string; merchant_id: string; livemode: boolean }, runAt: Date) {
  return addJob(db, 'settle-refund', { merchantId: refund.merchant_id, livemode: refund.livemode, refundId: refund.id }, { runAt, jobKey: `settle-refund:${refund.id}` });
}

export function getIntentPaymentMethod(db: Executor, scope: Scope, paymentIntentId: string) {
  return db
    .selectFrom('payment_attempts as a')
    .innerJoin('payment_methods as pm', 'pm.id', 'a.payment_method_id')
    .selectAll('pm')
    .$call(inScope(scope, 'a'))
    .where('a.payment_intent_id', '=', paymentIntentId)
    .where('a.outcome', 'in', ['succeeded', 'authorized'])
    .$call(inScope(scope, 'pm'))
    .orderBy('a.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}
