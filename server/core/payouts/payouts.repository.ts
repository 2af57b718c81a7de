import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow, RowUpdate } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

export function insertPayout(db: Executor, row: NewRow<'payouts'>) {
  return db.insertInto('payouts').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Marks every unsettled available transaction of the currency as settled by the payout; returns their sum. */
export async function settleAvailableTransactions(db: Executor, scope: Scope, currency: string, payoutId: string) {
  const { rows } = await sql<{ amount: number; count: number }>`
    with settled as (
      update balance_transactions set payout_id = ${payoutId}
      where merchant_id = ${scope.merchantId} and livemode = ${scope.livemode} and currency = ${currency}
        and status = 'available' and payout_id is null
      returning net
    )
    select coalesce(sum(net), 0)::bigint as amount, count(*)::int as count from settled
  `.execute(db);
  return rows[0];
}

export function getPayout(db: Executor, scope: Scope, id: string, options: { forUpdate?: boolean } = {}) {
  let query = db.selectFrom('payouts').selectAll().$call(inScope(scope)).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function selectPayouts(db: Executor, scope: Scope, filters: { status?: string } = {}) {
  let query = db.selectFrom('payouts').selectAll('payouts').$call(inScope(scope, 'payouts'));
  if (filters.status !== undefined) query = query.where('payouts.status', '=', filters.status as 'paid');
  return query;
}

export function updatePayout(db: Executor, scope: Scope, id: string, fromStatus: string, changes: RowUpdate<'payouts'>) {
  return db
    .updateTable('payouts')
    .set({ ...changes, updated_at: sql`now()` })
    .$call(inScope(scope))
    .where('id', '=', id)
    .where('status', '=', fromStatus as 'pending')
    .returningAll()
    .executeTakeFirst();
}

/** Across merchants (the job): open test-mode payouts due to move on, locked so instances split them. */
export function lockDuePayouts(db: Executor, now: Date, limit: number) {
  return db
    .selectFrom('payouts')
    .selectAll()
    .where('livemode', '=', false)
    .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'in_transit'), eb('arrival_date', '<=', now)])]))
    .orderBy('created_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/**
 * Across merchants (the job): the currencies with a positive available balance whose merchant pays out
 * automatically (no settings row: the default, daily), with the schedule and the last automatic payout's time.
 */
export async function findPayoutCandidates(db: Executor) {
  const { rows } = await sql<{
    merchant_id: string; livemode: boolean; currency: string; amount: number;
    payout_interval: string | null; payout_weekly_anchor: string | null; payout_monthly_anchor: number | null; last_automatic: Date | null;
  }>`
    select t.merchant_id, t.livemode, t.currency, t.amount, s.payout_interval, s.payout_weekly_anchor, s.payout_monthly_anchor,
      (select max(p.created_at) from payouts p
        where p.merchant_id = t.merchant_id and p.livemode = t.livemode and p.currency = t.currency and p.automatic) as last_automatic
    from (
      select merchant_id, livemode, currency, sum(amount)::bigint as amount from balance_totals
      where status = 'available' group by merchant_id, livemode, currency
    ) t
    left join balance_settings s on s.merchant_id = t.merchant_id and s.livemode = t.livemode
    where t.amount > 0 and coalesce(s.payout_interval, 'daily') <> 'manual'
  `.execute(db);
  return rows;
}
