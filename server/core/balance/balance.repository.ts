import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';
import { Statement } from '../../db/statement.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

/**
 * Two CTEs for a larger statement: `written_balance_transactions` inserts the ledger rows and
 * `written_balance_totals` adds their net to the running totals per (merchant, mode, currency, status),
 * grouped first so one statement touches each totals row once. The ledger and its totals therefore
 * commit together, even outside a transaction, and /v1/balance reads the totals instead of the history.
 * Each total is spread over TOTAL_SLOTS rows and the writer adds to its connection's slot, so concurrent
 * charges of one merchant do not all wait for one row's lock until commit (see TOTAL_SLOT).
 */
function balanceTransactionCtes(statement: Statement, rows: NewRow<'balance_transactions'>[]): string {
  const values = rows.map((r) => ({ ...r, fee_details: JSON.stringify(r.fee_details ?? []) }));
  return `
    written_balance_transactions as (${statement.insert('balance_transactions', values, '*')}),
    ${TOTALS_CTE}`;
}

/**
 * How many rows each running total is spread over (the check constraint of migration 0029 allows 0..63). Pool
 * connections get nearby backend pids, so a pool of up to 64 connections lands on distinct slots (decision 022).
 */
const TOTAL_SLOTS = 64;

/**
 * The slot a statement adds to: the database connection's, so every statement of one transaction uses the same
 * slot (a transaction never holds two slots of one total, and cannot deadlock with another over them) while
 * concurrent transactions, on other connections, mostly touch other rows.
 */
export const TOTAL_SLOT = `(pg_backend_pid() % ${TOTAL_SLOTS})::smallint`;

const TOTALS_CTE = `written_balance_totals as (
      insert into balance_totals as t (merchant_id, livemode, currency, status, slot, amount)
      select merchant_id, livemode, currency, status, ${TOTAL_SLOT}, sum(net) from written_balance_transactions
      group by merchant_id, livemode, currency, status
      order by merchant_id, livemode, currency, status
      on conflict (merchant_id, livemode, currency, status, slot) do update set amount = t.amount + excluded.amount
      returning 1
    )`;

/**
 * cardFee (shared/contracts/balance.ts) as an SQL expression over bigint columns `amount`, `bps`, `fixed`:
 * the confirmation's single statement computes a charge's fee from the merchant's schedule without a
 * round trip to read it first. Integer division truncates like BigInt's on these non-negative values;
 * balance.integration.test.ts checks both agree on every currency class.
 */
function cardFeeSql(exponent: number): string {
  const fee = `(amount * bps + 5000) / 10000 + fixed`;
  return `least(amount, ${exponent === 3 ? `((${fee} + 5) / 10) * 10` : fee})`;
}

export interface ChargeLedgerEntry {
  id: string;
  chargeId: string;
  amount: number;
  currency: string;
  description: string | null;
  createdAt: Date;
  /** The currency's exponent (shared/money.ts): three-decimal currencies round the fee to 10. */
  exponent: number;
  /** The schedule to use when the merchant has none of its own (DEFAULT_BALANCE_SETTINGS). */
  defaults: { feePercentBps: number; feeFixed: number; delayDays: number };
}

/**
 * The ledger row of a captured charge, for a larger statement: the fee from the merchant's schedule (or
 * the defaults), pending for the schedule's delay in days (available at once with no delay), with the
 * running totals moved in the same statement (`written_balance_transactions`, `written_balance_totals`).
 */
export function chargeBalanceTransactionCtes(statement: Statement, scope: Scope, entry: ChargeLedgerEntry): string {
  const p = (value: unknown) => statement.param(value);
  const currency = p(entry.currency);
  return `
    charge_fee_schedule as (
      select coalesce(max(fee_percent_bps), ${p(entry.defaults.feePercentBps)}::int)::bigint as bps,
        coalesce(max(fee_fixed), ${p(entry.defaults.feeFixed)}::bigint)::bigint as fixed,
        coalesce(max(payout_delay_days), ${p(entry.defaults.delayDays)}::int)::int as delay_days
      from balance_settings where merchant_id = ${p(scope.merchantId)} and livemode = ${p(scope.livemode)}
    ),
    charge_fee as (
      select s.delay_days, a.amount, ${cardFeeSql(entry.exponent)} as fee
      from charge_fee_schedule s, (select ${p(entry.amount)}::bigint as amount) a
    ),
    written_balance_transactions as (
      insert into balance_transactions (id, merchant_id, livemode, type, reporting_category, amount, fee, net, currency, fee_details,
        source_id, description, status, available_on, created_at)
      select ${p(entry.id)}, ${p(scope.merchantId)}, ${p(scope.livemode)}, 'charge', 'charge', amount, fee, amount - fee, ${currency},
        case when fee > 0 then jsonb_build_array(jsonb_build_object('amount', fee, 'currency', ${currency}::text,
          'description', 'PaymentFlow processing fees', 'type', 'stripe_fee')) else '[]'::jsonb end,
        ${p(entry.chargeId)}, ${p(entry.description)}, case when delay_days = 0 then 'available' else 'pending' end,
        ${p(entry.createdAt)}::timestamptz + make_interval(days => delay_days), ${p(entry.createdAt)}::timestamptz
      from charge_fee
      returning *
    ),
    ${TOTALS_CTE}`;
}

export async function insertChargeBalanceTransaction(db: Executor, scope: Scope, entry: ChargeLedgerEntry) {
  const statement = new Statement();
  const { rows } = await statement.execute<Row<'balance_transactions'>>(db, `with ${chargeBalanceTransactionCtes(statement, scope, entry)} select * from written_balance_transactions`);
  return rows[0];
}

/** For the test that keeps cardFeeSql and cardFee in agreement. */
export async function computeCardFeeInSql(db: Executor, cases: { amount: number; bps: number; fixed: number; exponent: number }[]) {
  const out: number[] = [];
  for (const c of cases) {
    const { rows } = await sql<{ fee: number }>`select ${sql.raw(cardFeeSql(c.exponent))}::bigint as fee from (select ${c.amount}::bigint as amount, ${c.bps}::bigint as bps, ${c.fixed}::bigint as fixed) v`.execute(db);
    out.push(Number(rows[0].fee));
  }
  return out;
}

export async function insertBalanceTransactions(db: Executor, rows: NewRow<'balance_transactions'>[]): Promise<Row<'balance_transactions'>[]> {
  const statement = new Statement();
  const result = await statement.execute<Row<'balance_transactions'>>(
    db,
    `with ${balanceTransactionCtes(statement, rows)} select * from written_balance_transactions order by created_at, id`,
  );
  return result.rows;
}

export function getBalanceTransaction(db: Executor, scope: Scope, id: string) {
  return db.selectFrom('balance_transactions').selectAll().$call(inScope(scope)).where('id', '=', id).executeTakeFirst();
}

export function selectBalanceTransactions(db: Executor, scope: Scope, filters: { type?: string; payout?: string; source?: string; currency?: string } = {}) {
  let query = db.selectFrom('balance_transactions').selectAll('balance_transactions').$call(inScope(scope, 'balance_transactions'));
  if (filters.type !== undefined) query = query.where('balance_transactions.type', '=', filters.type);
  if (filters.payout !== undefined) query = query.where('balance_transactions.payout_id', '=', filters.payout);
  if (filters.source !== undefined) query = query.where('balance_transactions.source_id', '=', filters.source);
  if (filters.currency !== undefined) query = query.where('balance_transactions.currency', '=', filters.currency);
  return query;
}

/**
 * The dashboard's list of balance transactions: the filters of selectBalanceTransactions, with the payment
 * a charge's transaction comes from (refunds, disputes and payouts link by their own id).
 */
export function selectBalanceTransactionsWithPayments(db: Executor, scope: Scope, filters: { type?: string; payout?: string; currency?: string } = {}) {
  return selectBalanceTransactions(db, scope, filters)
    .leftJoin('charges', (j) => j.onRef('charges.merchant_id', '=', 'balance_transactions.merchant_id').onRef('charges.id', '=', 'balance_transactions.source_id'))
    .select('charges.payment_intent_id');
}

export function findBalanceTransactionsBySource(db: Executor, scope: Scope, sourceIds: string[]) {
  if (!sourceIds.length) return Promise.resolve([]);
  return db
    .selectFrom('balance_transactions')
    .selectAll()
    .$call(inScope(scope))
    .where('source_id', 'in', sourceIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The running totals per currency and status: the sum of each total's slots (at most TOTAL_SLOTS rows each). */
export function findBalanceTotals(db: Executor, scope: Scope) {
  return db
    .selectFrom('balance_totals')
    .select(['currency', 'status', sql<number>`sum(amount)::bigint`.as('amount')])
    .$call(inScope(scope))
    .groupBy(['currency', 'status'])
    .orderBy('currency')
    .orderBy('status')
    .execute();
}

/**
 * Every slot of a currency's available total, created at zero where missing, then locked in slot order: while
 * the caller's transaction holds them, no ledger write can change the available balance (an insert of a missing
 * slot would wait on the uncommitted zero row), so the unsettled available transactions sum to the returned
 * amount. Ledger writers hold one slot each, so locking them in order cannot deadlock with them.
 */
export async function lockAvailableTotalSlots(db: Executor, scope: Scope, currency: string): Promise<number> {
  await sql`
    insert into balance_totals (merchant_id, livemode, currency, status, slot, amount)
    select ${scope.merchantId}, ${scope.livemode}, ${currency}, 'available', s, 0 from generate_series(0, ${TOTAL_SLOTS - 1}) s
    on conflict (merchant_id, livemode, currency, status, slot) do nothing
  `.execute(db);
  const { rows } = await sql<{ amount: number }>`
    select amount from balance_totals
    where merchant_id = ${scope.merchantId} and livemode = ${scope.livemode} and currency = ${currency} and status = 'available'
    order by slot
    for update
  `.execute(db);
  return rows.reduce((sum, r) => sum + Number(r.amount), 0);
}

/** The bench's baseline and the property test's oracle: the plain SUM over the whole history. */
export function sumBalanceHistory(db: Executor, scope: Scope) {
  return db
    .selectFrom('balance_transactions')
    .select(['currency', 'status', sql<number>`sum(net)::bigint`.as('amount')])
    .$call(inScope(scope))
    .groupBy(['currency', 'status'])
    .orderBy('currency')
    .orderBy('status')
    .execute();
}

/**
 * Across merchants (the job serves every one): moves a batch of due pending transactions to available
 * and the totals with them, in one statement. Locked rows are skipped so several workers share the work.
 * Returns the (merchant, mode, currency) groups that received funds.
 */
export async function releaseDueBalanceTransactions(db: Executor, now: Date, limit: number) {
  const { rows } = await sql<{ merchant_id: string; livemode: boolean; currency: string; amount: number; count: number }>`
    with due as (
      select merchant_id, id from balance_transactions
      where status = 'pending' and available_on <= ${now}
      order by available_on
      limit ${limit}
      for update skip locked
    ),
    released as (
      update balance_transactions b set status = 'available'
      from due where b.merchant_id = due.merchant_id and b.id = due.id
      returning b.merchant_id, b.livemode, b.currency, b.net
    ),
    groups as (
      select merchant_id, livemode, currency, sum(net)::bigint as amount, count(*)::int as count
      from released group by merchant_id, livemode, currency
    ),
    moved as (
      insert into balance_totals as t (merchant_id, livemode, currency, status, slot, amount)
      select merchant_id, livemode, currency, s.status, ${sql.raw(TOTAL_SLOT)}, case when s.status = 'available' then amount else -amount end
      from groups cross join (values ('available'), ('pending')) s(status)
      -- A fixed order, so two runs touching the same totals rows cannot deadlock.
      order by merchant_id, livemode, currency, s.status
      on conflict (merchant_id, livemode, currency, status, slot) do update set amount = t.amount + excluded.amount
      returning 1
    )
    select * from groups
  `.execute(db);
  return rows;
}

export function getBalanceSettingsRow(db: Executor, scope: Scope) {
  return db.selectFrom('balance_settings').selectAll().$call(inScope(scope)).executeTakeFirst();
}

export function upsertBalanceSettings(db: Executor, row: NewRow<'balance_settings'>) {
  const { merchant_id: _m, livemode: _l, ...changes } = row;
  return db
    .insertInto('balance_settings')
    .values(row)
    .onConflict((oc) => oc.columns(['merchant_id', 'livemode']).doUpdateSet({ ...changes, updated_at: sql`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A payout's transactions with the payment each comes from (a charge's or a refund's intent), oldest first. */
export function findPayoutTransactionsWithPayments(db: Executor, scope: Scope, payoutId: string, limit: number) {
  return db
    .selectFrom('balance_transactions as b')
    .leftJoin('charges as c', (j) => j.onRef('c.merchant_id', '=', 'b.merchant_id').onRef('c.id', '=', 'b.source_id'))
    .leftJoin('refunds as r', (j) => j.onRef('r.merchant_id', '=', 'b.merchant_id').onRef('r.id', '=', 'b.source_id'))
    .selectAll('b')
    .select(sql<string | null>`coalesce(c.payment_intent_id, r.payment_intent_id)`.as('payment_intent_id'))
    .$call(inScope(scope, 'b'))
    .where('b.payout_id', '=', payoutId)
    .orderBy('b.created_at')
    .orderBy('b.id')
    .limit(limit + 1)
    .execute();
}

/** For bulk seeds that write ledger rows directly: the running totals of a tenant rebuilt from its history. */
export async function rebuildBalanceTotals(db: Executor, scope: Scope) {
  await sql`
    with cleared as (delete from balance_totals where merchant_id = ${scope.merchantId} and livemode = ${scope.livemode})
    insert into balance_totals (merchant_id, livemode, currency, status, amount)
    select merchant_id, livemode, currency, status, sum(net) from balance_transactions
    where merchant_id = ${scope.merchantId} and livemode = ${scope.livemode}
    group by merchant_id, livemode, currency, status
  `.execute(db);
}
