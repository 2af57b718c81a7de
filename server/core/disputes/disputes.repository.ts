import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow, RowUpdate } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

export function insertDispute(db: Executor, row: NewRow<'disputes'>) {
  return db.insertInto('disputes').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getDispute(db: Executor, scope: Scope, id: string, options: { forUpdate?: boolean } = {}) {
  let query = db.selectFrom('disputes').selectAll().$call(inScope(scope)).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function findDisputeForIntent(db: Executor, scope: Scope, paymentIntentId: string) {
  return db.selectFrom('disputes').selectAll().$call(inScope(scope)).where('payment_intent_id', '=', paymentIntentId).executeTakeFirst();
}

export function updateDispute(db: Executor, scope: Scope, id: string, changes: RowUpdate<'disputes'>) {
  return db
    .updateTable('disputes')
    .set({ ...changes, updated_at: sql`now()` })
    .$call(inScope(scope))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** For keyset pagination (findPage). */
export function selectDisputes(db: Executor, scope: Scope, filters: { paymentIntent?: string; charge?: string; statuses?: readonly string[] } = {}) {
  let query = db.selectFrom('disputes').selectAll('disputes').$call(inScope(scope, 'disputes'));
  if (filters.paymentIntent !== undefined) query = query.where('disputes.payment_intent_id', '=', filters.paymentIntent);
  if (filters.charge !== undefined) query = query.where('disputes.charge_id', '=', filters.charge);
  if (filters.statuses !== undefined) query = query.where('disputes.status', 'in', [...filters.statuses]);
  return query;
}

/**
 * The dashboard's queue: disputes still waiting for a response first, soonest due first; then the rest,
 * newest first. Keyset on (rank, sort key, id).
 */
export function findDisputeQueue(db: Executor, scope: Scope, options: { statuses?: readonly string[]; limit: number; after?: { rank: number; key: number; id: string } }) {
  const rank = sql<number>`(case when disputes.status in ('needs_response', 'warning_needs_response') then 0 else 1 end)`;
  // Waiting ones by due date ascending; the others by creation descending (negated, so one ascending order serves).
  const key = sql<number>`(case when disputes.status in ('needs_response', 'warning_needs_response') then extract(epoch from disputes.evidence_due_by) else -extract(epoch from disputes.created_at) end)`;
  let query = db
    .selectFrom('disputes')
    .leftJoin('payment_intents as pi', (join) => join.onRef('pi.id', '=', 'disputes.payment_intent_id').onRef('pi.merchant_id', '=', 'disputes.merchant_id'))
    .leftJoin('customers as c', (join) => join.onRef('c.id', '=', 'pi.customer_id').onRef('c.merchant_id', '=', 'disputes.merchant_id'))
    .selectAll('disputes')
    .select([rank.as('queue_rank'), key.as('queue_key'), 'pi.description as payment_description', 'c.email as customer_email', 'c.name as customer_name'])
    .$call(inScope(scope, 'disputes'));
  if (options.statuses) query = query.where('disputes.status', 'in', [...options.statuses]);
  if (options.after) query = query.where(sql<boolean>`(${rank}, ${key}, disputes.id) > (${options.after.rank}, ${options.after.key}, ${options.after.id})`);
  return query.orderBy(rank).orderBy(key).orderBy('disputes.id').limit(options.limit + 1).execute();
}

export function countDisputesNeedingResponse(db: Executor, scope: Scope) {
  return db
    .selectFrom('disputes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .$call(inScope(scope))
    .where('status', 'in', ['needs_response', 'warning_needs_response'])
    .executeTakeFirstOrThrow();
}

/** The demo history's candidates: succeeded, unrefunded, undisputed payments made before `before`, newest first. */
export function findDisputablePayments(db: Executor, scope: Scope, before: Date, limit: number) {
  return db
    .selectFrom('payment_intents as pi')
    .select(['pi.id'])
    .$call(inScope(scope, 'pi'))
    .where('pi.status', '=', 'succeeded')
    .where('pi.amount_refunded', '=', 0)
    .where('pi.created_at', '<', before)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('disputes as d').select('d.id').whereRef('d.payment_intent_id', '=', 'pi.id').whereRef('d.merchant_id', '=', 'pi.merchant_id'))))
    .orderBy('pi.created_at', 'desc')
    .limit(limit)
    .execute();
}
