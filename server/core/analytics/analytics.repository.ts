import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Scope } from '../shared/deps.js';

/**
 * Home analytics: reads of the 15-minute rollups (migration 0011, kept by triggers in the transaction of
 * each change) and the same figures computed from the base tables (the rebuild check, tests and the bench).
 * Periods are local calendar units in `timeZone`; bucket bounds are UTC instants on 15-minute boundaries.
 */
export type Granularity = 'minute' | 'hour' | 'day' | 'week' | 'month';

export interface RangeQuery {
  currency: string;
  /** Inclusive start and exclusive end, UTC instants on 15-minute boundaries. */
  from: Date;
  to: Date;
  granularity: Granularity;
  timeZone: string;
}

export interface PeriodRow {
  period: Date;
  payments: number;
  attempted_payments: number;
  succeeded_payments: number;
  gross_amount: number;
  refunds: number;
  refunded_amount: number;
  attempts: number;
  succeeded_attempts: number;
  failed_attempts: number;
  new_customers: number;
}

function scoped(alias: string, scope: Scope): RawBuilder<unknown> {
  return sql`${sql.ref(`${alias}.merchant_id`)} = ${scope.merchantId} and ${sql.ref(`${alias}.livemode`)} = ${scope.livemode}`;
}

const unit = (g: Granularity) => sql.lit(g);
const step = (g: Granularity) => sql.lit(`1 ${g}`);
const SUCCEEDED_ATTEMPT = sql.raw(`('succeeded','authorized')`);

/** Every period of the range (including empty ones), local to the zone. */
function periodsCte(q: RangeQuery) {
  return sql`periods as (
    select p as period from generate_series(
      date_trunc(${unit(q.granularity)}, ${q.from}::timestamptz, ${q.timeZone}),
      ${q.to}::timestamptz - interval '1 microsecond', ${step(q.granularity)}::interval, ${q.timeZone}) p)`;
}

const num = (row: Record<string, unknown>): PeriodRow =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, k === 'period' ? new Date(v as string) : Number(v)])) as unknown as PeriodRow;

/**
 * The series from the rollups. Each bucket finds its local period by a binary search of the periods' start
 * instants (width_bucket over a sorted array), so no bucket pays for a time-zone conversion.
 */
export async function selectRollupSeries(db: Executor, scope: Scope, q: RangeQuery): Promise<PeriodRow[]> {
  const { rows } = await sql<Record<string, unknown>>`
    with ${periodsCte(q)},
    starts as (select array_agg(period order by period) a from periods),
    p as (
      select starts.a[width_bucket(r.bucket, starts.a)] as period, sum(payments) payments, sum(attempted_payments) attempted_payments,
        sum(succeeded_payments) succeeded_payments, sum(gross_amount) gross_amount, sum(refunds) refunds, sum(refunded_amount) refunded_amount,
        sum(attempts) attempts, sum(succeeded_attempts) succeeded_attempts, sum(failed_attempts) failed_attempts
      from analytics_payment_buckets r, starts
      where ${scoped('r', scope)} and r.currency = ${q.currency} and r.bucket >= ${q.from} and r.bucket < ${q.to}
      group by 1),
    a as (select period, attempts, succeeded_attempts, failed_attempts from p),
    c as (
      select starts.a[width_bucket(r.bucket, starts.a)] as period, sum(new_customers) new_customers
      from analytics_customer_buckets r, starts
      where ${scoped('r', scope)} and r.bucket >= ${q.from} and r.bucket < ${q.to}
      group by 1)
    ${seriesSelect}`.execute(db);
  return rows.map(num);
}

const seriesSelect = sql`
    select periods.period,
      coalesce(p.payments, 0) payments, coalesce(p.attempted_payments, 0) attempted_payments,
      coalesce(p.succeeded_payments, 0) succeeded_payments, coalesce(p.gross_amount, 0) gross_amount,
      coalesce(p.refunds, 0) refunds, coalesce(p.refunded_amount, 0) refunded_amount,
      coalesce(a.attempts, 0) attempts, coalesce(a.succeeded_attempts, 0) succeeded_attempts,
      coalesce(a.failed_attempts, 0) failed_attempts, coalesce(c.new_customers, 0) new_customers
    from periods left join p using (period) left join a using (period) left join c using (period)
    order by periods.period`;

/**
 * The same series by a raw GROUP BY over the base tables: minute charts (ranges of at most 6 hours, each table
 * read through its (merchant, mode, created) index), and the baseline of the rebuild check, tests and bench.
 */
export async function selectBaseSeries(db: Executor, scope: Scope, q: RangeQuery): Promise<PeriodRow[]> {
  const period = (col: string) => sql`date_trunc(${unit(q.granularity)}, ${sql.ref(col)}, ${q.timeZone})`;
  const { rows } = await sql<Record<string, unknown>>`
    with ${periodsCte(q)},
    pi as (
      select ${period('pi.created_at')} as period, count(*) payments,
        count(*) filter (where exists (select 1 from payment_attempts x where ${scoped('x', scope)} and x.payment_intent_id = pi.id)) attempted_payments,
        count(*) filter (where status = 'succeeded') succeeded_payments,
        coalesce(sum(amount_received) filter (where status = 'succeeded'), 0) gross_amount
      from payment_intents pi
      where ${scoped('pi', scope)} and pi.currency = ${q.currency} and pi.created_at >= ${q.from} and pi.created_at < ${q.to}
      group by 1),
    re as (
      select ${period('re.created_at')} as period, count(*) refunds, sum(amount) refunded_amount
      from refunds re
      where ${scoped('re', scope)} and re.currency = ${q.currency} and re.status in ('pending', 'succeeded')
        and re.created_at >= ${q.from} and re.created_at < ${q.to}
      group by 1),
    p as (
      select period, coalesce(pi.payments, 0) payments, coalesce(pi.attempted_payments, 0) attempted_payments,
        coalesce(pi.succeeded_payments, 0) succeeded_payments, coalesce(pi.gross_amount, 0) gross_amount,
        coalesce(re.refunds, 0) refunds, coalesce(re.refunded_amount, 0) refunded_amount
      from pi full join re using (period)),
    a as (
      select ${period('x.created_at')} as period, count(*) attempts,
        count(*) filter (where x.outcome in ${SUCCEEDED_ATTEMPT}) succeeded_attempts,
        count(*) filter (where x.outcome = 'failed') failed_attempts
      from payment_attempts x join payment_intents pi on pi.id = x.payment_intent_id and ${scoped('pi', scope)}
      where ${scoped('x', scope)} and pi.currency = ${q.currency} and x.created_at >= ${q.from} and x.created_at < ${q.to}
      group by 1),
    c as (
      select ${period('c.created_at')} as period, count(*) new_customers
      from customers c
      where ${scoped('c', scope)} and c.created_at >= ${q.from} and c.created_at < ${q.to}
      group by 1)
    ${seriesSelect}`.execute(db);
  return rows.map(num);
}

export interface BreakdownRow {
  key: string;
  attempts: number;
}

export interface Breakdowns {
  decline_code: BreakdownRow[];
  card_brand: BreakdownRow[];
  three_d_secure: BreakdownRow[];
}

/**
 * Attempts in the range by decline code (failed ones), card brand and 3-D Secure outcome (challenged ones),
 * in one scan of the attempt rollup (grouping sets), the 20 largest of each.
 */
export async function selectAttemptBreakdowns(db: Executor, scope: Scope, q: Omit<RangeQuery, 'granularity' | 'timeZone'>): Promise<Breakdowns> {
  const { rows } = await sql<{ dim: keyof Breakdowns; key: string; attempts: string }>`
    with g as (
      select case when grouping(decline_code, outcome) = 0 then 'decline_code' when grouping(card_brand) = 0 then 'card_brand' else 'three_d_secure' end dim,
        coalesce(case when grouping(decline_code, outcome) = 0 then decline_code when grouping(card_brand) = 0 then card_brand else three_d_secure end, '') key,
        outcome, sum(attempts) attempts
      from analytics_attempt_buckets r
      where ${scoped('r', scope)} and r.currency = ${q.currency} and r.bucket >= ${q.from} and r.bucket < ${q.to}
      group by grouping sets ((outcome, decline_code), (card_brand), (three_d_secure))),
    kept as (
      select dim, key, attempts, row_number() over (partition by dim order by attempts desc, key) n from g
      where attempts <> 0 and (dim <> 'decline_code' or outcome = 'failed') and (dim <> 'three_d_secure' or key <> ''))
    select dim, key, attempts from kept where n <= 20 order by dim, n`.execute(db);
  const out: Breakdowns = { decline_code: [], card_brand: [], three_d_secure: [] };
  for (const r of rows) out[r.dim].push({ key: r.key, attempts: Number(r.attempts) });
  return out;
}

/** Currencies the merchant has taken payments in: a skip scan of the rollup's key index (one probe per currency). */
export async function selectCurrencies(db: Executor, scope: Scope): Promise<string[]> {
  const { rows } = await sql<{ currency: string }>`
    with recursive c as (
      (select currency from analytics_payment_buckets r where ${scoped('r', scope)} order by currency limit 1)
      union all
      select (select currency from analytics_payment_buckets r where ${scoped('r', scope)} and r.currency > c.currency order by currency limit 1)
      from c where c.currency is not null)
    select currency from c where currency is not null`.execute(db);
  return rows.map((r) => r.currency);
}

/** Of the given currencies, the one with the most payments over the rollups (when the default one is unused). */
export async function selectMostUsedCurrency(db: Executor, scope: Scope): Promise<string | undefined> {
  const { rows } = await sql<{ currency: string }>`
    select currency from analytics_payment_buckets r where ${scoped('r', scope)}
    group by 1 order by sum(payments) desc, 1 limit 1`.execute(db);
  return rows[0]?.currency;
}

export async function getMerchantSettings(db: Executor, merchantId: string) {
  return db.selectFrom('merchants').select(['timezone', 'default_currency']).where('id', '=', merchantId).executeTakeFirst();
}

const ROLLUP_TABLES = ['analytics_payment_buckets', 'analytics_attempt_buckets', 'analytics_customer_buckets'] as const;
type RollupTable = (typeof ROLLUP_TABLES)[number];

/** Each rollup table's key columns and summed figures: a key's figures are the sum of its (delta) rows. */
const ROLLUP_COLUMNS: Record<RollupTable, { keys: string[]; figures: string[] }> = {
  analytics_payment_buckets: {
    keys: ['merchant_id', 'livemode', 'currency', 'bucket'],
    figures: ['payments', 'attempted_payments', 'succeeded_payments', 'gross_amount', 'refunds', 'refunded_amount', 'attempts', 'succeeded_attempts', 'failed_attempts'],
  },
  analytics_attempt_buckets: {
    keys: ['merchant_id', 'livemode', 'currency', 'bucket', 'outcome', 'decline_code', 'card_brand', 'three_d_secure'],
    figures: ['attempts'],
  },
  analytics_customer_buckets: { keys: ['merchant_id', 'livemode', 'bucket'], figures: ['new_customers'] },
};

/** `select <keys>, sum(<figure>)::bigint <figure>... from <from> group by <keys>`: one row per key. */
function groupedByKey(table: RollupTable, from: RawBuilder<unknown>) {
  const { keys, figures } = ROLLUP_COLUMNS[table];
  const keyList = sql.join(keys.map((k) => sql.ref(k)));
  const sums = sql.join(figures.map((f) => sql`sum(${sql.ref(f)})::bigint as ${sql.ref(f)}`));
  return sql`select ${keyList}, ${sums} from ${from} group by ${keyList}`;
}

/**
 * Folds rollup rows into one per key, up to `limit` rows per table, in one statement per table: the deleted
 * rows are summed and inserted back, so every figure is unchanged. Rows locked by another compaction are
 * skipped (SKIP LOCKED), so it is safe on several workers at once, and it is idempotent. Returns, per
 * table, how many rows were deleted and how many (one per key) were written in their place.
 */
export async function compactRollups(db: Executor, limit: number): Promise<{ table: string; deleted: number; inserted: number }[]> {
  const result: { table: string; deleted: number; inserted: number }[] = [];
  for (const table of ROLLUP_TABLES) {
    const t = sql.table(table);
    const { keys, figures } = ROLLUP_COLUMNS[table];
    const columns = sql.join([...keys, ...figures].map((c) => sql.ref(c)));
    const keyList = sql.join(keys.map((k) => sql.ref(k)));
    // Only keys with several rows: a folded key is left alone, so each pass reaches the new deltas.
    const { rows } = await sql<{ deleted: string; inserted: string }>`
      with d as (
        delete from ${t} where ctid in (
          select ctid from ${t} where (${keyList}) in (select ${keyList} from ${t} group by ${keyList} having count(*) > 1)
          limit ${limit} for update skip locked)
        returning *),
      ins as (insert into ${t} (${columns}) ${groupedByKey(table, sql`d`)} returning 1)
      select (select count(*) from d) deleted, (select count(*) from ins) inserted`.execute(db);
    result.push({ table, deleted: Number(rows[0]?.deleted ?? 0), inserted: Number(rows[0]?.inserted ?? 0) });
  }
  return result;
}

/**
 * Recomputes every rollup of one merchant (or all) from the base tables and returns how many bucket rows
 * differed before (missing, extra or with other figures). Call in a transaction; it locks the rollups.
 */
export async function rebuildRollups(db: Executor, merchantId?: string): Promise<{ table: string; differences: number }[]> {
  const only = (alias: string) => (merchantId === undefined ? sql`true` : sql`${sql.ref(`${alias}.merchant_id`)} = ${merchantId}`);
  const fresh = {
    analytics_payment_buckets: sql`
      select merchant_id, livemode, currency, bucket, sum(payments)::bigint payments, sum(attempted_payments)::bigint attempted_payments,
        sum(succeeded_payments)::bigint succeeded_payments, sum(gross_amount)::bigint gross_amount, sum(refunds)::bigint refunds, sum(refunded_amount)::bigint refunded_amount,
        sum(attempts)::bigint attempts, sum(succeeded_attempts)::bigint succeeded_attempts, sum(failed_attempts)::bigint failed_attempts
      from (
        select pi.merchant_id, pi.livemode, pi.currency, analytics_bucket(pi.created_at) bucket, 1 payments,
          (pi.card_brand is not null)::int attempted_payments, (pi.status = 'succeeded')::int succeeded_payments,
          case when pi.status = 'succeeded' then pi.amount_received else 0 end gross_amount, 0 refunds, 0 refunded_amount,
          0 attempts, 0 succeeded_attempts, 0 failed_attempts
        from payment_intents pi where ${only('pi')}
        union all
        select re.merchant_id, re.livemode, re.currency, analytics_bucket(re.created_at), 0, 0, 0, 0, 1, re.amount, 0, 0, 0
        from refunds re where ${only('re')} and re.status in ('pending', 'succeeded')
        union all
        select x.merchant_id, x.livemode, pi.currency, analytics_bucket(x.created_at), 0, 0, 0, 0, 0, 0,
          1, (x.outcome in ('succeeded', 'authorized'))::int, (x.outcome = 'failed')::int
        from payment_attempts x join payment_intents pi on pi.id = x.payment_intent_id and pi.merchant_id = x.merchant_id and pi.livemode = x.livemode
        where ${only('x')}
      ) x group by 1, 2, 3, 4`,
    analytics_attempt_buckets: sql`
      select x.merchant_id, x.livemode, pi.currency, analytics_bucket(x.created_at) bucket, x.outcome, coalesce(x.decline_code, '') decline_code,
        coalesce(x.card_brand, '') card_brand, coalesce(x.three_d_secure, '') three_d_secure, count(*)::bigint attempts
      from payment_attempts x join payment_intents pi on pi.id = x.payment_intent_id and pi.merchant_id = x.merchant_id and pi.livemode = x.livemode
      where ${only('x')} group by 1, 2, 3, 4, 5, 6, 7, 8`,
    analytics_customer_buckets: sql`
      select c.merchant_id, c.livemode, analytics_bucket(c.created_at) bucket, count(*)::bigint new_customers
      from customers c where ${only('c')} group by 1, 2, 3`,
  };
  const result: { table: string; differences: number }[] = [];
  for (const table of ROLLUP_TABLES) {
    const t = sql.table(table);
    await sql`lock table ${t} in exclusive mode`.execute(db);
    // Rows with all-zero figures are equivalent to missing rows.
    const { rows } = await sql<{ differences: string }>`
      with fresh as (${fresh[table]}),
      current as (${groupedByKey(table, sql`${t} r where ${only('r')}`)}),
      a as (select * from current except select * from fresh),
      b as (select * from fresh except select * from current)
      select (select count(*) from a where to_jsonb(a) - array['merchant_id','livemode','currency','bucket','outcome','decline_code','card_brand','three_d_secure'] <> ${zeroJson(table)}::jsonb)
        + (select count(*) from b) differences`.execute(db);
    await sql`delete from ${t} r where ${only('r')}`.execute(db);
    await sql`insert into ${t} ${fresh[table]}`.execute(db);
    result.push({ table, differences: Number(rows[0]?.differences ?? 0) });
  }
  return result;
}

function zeroJson(table: RollupTable): string {
  if (table === 'analytics_payment_buckets') {
    return JSON.stringify({ payments: 0, attempted_payments: 0, succeeded_payments: 0, gross_amount: 0, refunds: 0, refunded_amount: 0, attempts: 0, succeeded_attempts: 0, failed_attempts: 0 });
  }
  if (table === 'analytics_attempt_buckets') return JSON.stringify({ attempts: 0 });
  return JSON.stringify({ new_customers: 0 });
}

/** Rollup figures of a scope, one row per key (its rows summed), for the equality check in tests. */
export async function selectRollupRows(db: Executor, scope: Scope, table: RollupTable) {
  const { rows } = await sql<Record<string, unknown>>`${groupedByKey(table, sql`${sql.table(table)} r where ${scoped('r', scope)}`)}`.execute(db);
  return rows;
}

/** How many physical rows a rollup table holds for a scope (compaction folds them). */
export async function countRollupRows(db: Executor, scope: Scope, table: RollupTable): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) n from ${sql.table(table)} r where ${scoped('r', scope)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
