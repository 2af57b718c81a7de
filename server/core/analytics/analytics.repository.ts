import { sql, type RawBuilder } from 'kysely';
import { PREPARED_READ, type Executor } from '../../db/database.js';
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

/**
 * Which rollup layer a read uses: the 15-minute UTC buckets answer any zone and any 15-minute-aligned range;
 * the daily layer answers ranges of whole local days in the zone its rows were cut in (the merchant's).
 */
export type RollupLayer = 'quarter_hour' | 'daily';

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
  fee_amount: number;
  disputes: number;
  disputed_amount: number;
  new_customers: number;
}

/** The summed figures of the payment rollups (both layers). */
const PAYMENT_FIGURES = [
  'payments', 'attempted_payments', 'succeeded_payments', 'gross_amount', 'refunds', 'refunded_amount',
  'fee_amount', 'disputes', 'disputed_amount',
] as const;

/**
 * The attempt figures of a period, summed from the attempt rollups (both layers; migration 0032): every
 * attempt, the authorised ones (succeeded or authorized) and the failed ones.
 */
const ATTEMPT_FIGURES = ['attempts', 'succeeded_attempts', 'failed_attempts'] as const;

function scoped(alias: string, scope: Scope): RawBuilder<unknown> {
  return sql`${sql.ref(`${alias}.merchant_id`)} = ${scope.merchantId} and ${sql.ref(`${alias}.livemode`)} = ${scope.livemode}`;
}

const unit = (g: Granularity) => sql.lit(g);
const step = (g: Granularity) => sql.lit(`1 ${g}`);
const SUCCEEDED_ATTEMPT = sql.raw(`('succeeded','authorized')`);
const NOT_PAYOUT = sql.raw(`('payout','payout_reversal')`);
const DISPUTE_MONEY = sql.raw(`('dispute','dispute_reversal')`);

/** Every period of the range (including empty ones), local to the zone, as CTE `periods<n>`. */
function periodsCte(q: RangeQuery, n = '') {
  return sql`${sql.raw(`periods${n}`)} as (
    select p as period from generate_series(
      date_trunc(${unit(q.granularity)}, ${q.from}::timestamptz, ${q.timeZone}),
      ${q.to}::timestamptz - interval '1 microsecond', ${step(q.granularity)}::interval, ${q.timeZone}) p)`;
}

const PERIOD_FIGURES = [...PAYMENT_FIGURES, ...ATTEMPT_FIGURES, 'new_customers'] as const;

/** A series row as numbers (a year's chart and its comparison are 730 of them: no per-row entry arrays). */
const num = (row: Record<string, unknown>): PeriodRow => {
  const out = { period: new Date(row.period as string) } as PeriodRow;
  for (const f of PERIOD_FIGURES) out[f] = Number(row[f]);
  return out;
};

/**
 * Where a layer's rows of one range lie, and the instant each row's figures belong to. The daily layer holds
 * the days before the merchant's cut (migration 0030, decision 023): the rest of the range, written since,
 * comes from the 15-minute buckets in the same statement, so nothing is missed or counted twice.
 */
function layerSource(layer: RollupLayer, table: 'payment' | 'attempt' | 'customer', scope: Scope, q: { from: Date; to: Date; timeZone?: string }) {
  const quarterHours = { payment: 'analytics_payment_buckets', attempt: 'analytics_attempt_buckets', customer: 'analytics_customer_buckets' } as const;
  if (layer === 'quarter_hour') {
    return { table: sql.table(quarterHours[table]), at: sql`r.bucket`, within: sql`r.bucket >= ${q.from} and r.bucket < ${q.to}` };
  }
  const days = { payment: 'analytics_daily_payment_buckets', attempt: 'analytics_daily_attempt_buckets', customer: 'analytics_daily_customer_buckets' } as const;
  const zone = q.timeZone!;
  const { keys, figures } = ROLLUP_COLUMNS[quarterHours[table]];
  const columns = sql.join([...keys.filter((k) => k !== 'bucket'), ...figures].map((c) => sql.ref(c)));
  const cut = sql`coalesce((select cut_until from analytics_day_cuts where merchant_id = ${scope.merchantId}), '-infinity'::timestamptz)`;
  return {
    table: sql`(
      select ${columns}, (d.day::timestamp at time zone ${zone}) as at from ${sql.table(days[table])} d
      where ${scoped('d', scope)} and d.time_zone = ${zone}
        and d.day >= (${q.from}::timestamptz at time zone ${zone})::date and d.day < (${q.to}::timestamptz at time zone ${zone})::date
      union all
      select ${columns}, q.bucket as at from ${sql.table(quarterHours[table])} q
      where ${scoped('q', scope)} and q.bucket >= greatest(${q.from}::timestamptz, ${cut}) and q.bucket < ${q.to})`,
    at: sql`r.at`,
    within: sql`true`,
  };
}

/** The CTE of range `n`'s attempt rows per period and attempt key, in a statement of rollupSeriesParts. */
const seriesAttemptRows = (n: number) => sql.raw(`att${n}`);

/**
 * The CTEs of one range's series from a rollup layer (`periods<n>`, `starts<n>`, `p<n>`, `att<n>`, `a<n>`,
 * `c<n>`) and the select of its one row: `part = n` and `series`, the whole series as text (see decodeSeries).
 * Each row finds its local period by a binary search of the periods' start instants (width_bucket over a sorted
 * array), so no 15-minute bucket pays for a time-zone conversion. `att<n>` is the range's attempt rows summed per
 * period and attempt key: the period's attempt figures come from it, and so can the range's breakdowns (one scan
 * of the attempt rollup for both).
 */
function rollupSeriesParts(scope: Scope, q: RangeQuery, layer: RollupLayer, n: number) {
  const id = (name: string) => sql.raw(`${name}${n}`);
  const pay = layerSource(layer, 'payment', scope, q);
  const att = layerSource(layer, 'attempt', scope, q);
  const cus = layerSource(layer, 'customer', scope, q);
  const sums = sql.join(PAYMENT_FIGURES.map((f) => sql`sum(${sql.ref(f)}) ${sql.ref(f)}`));
  const ctes = sql`${periodsCte(q, String(n))},
    ${id('starts')} as (select array_agg(period order by period) a from ${id('periods')}),
    ${id('p')} as (
      select s.a[width_bucket(${pay.at}, s.a)] as period, ${sums}
      from ${pay.table} r, ${id('starts')} s
      where ${scoped('r', scope)} and r.currency = ${q.currency} and ${pay.within}
      group by 1),
    ${seriesAttemptRows(n)} as (
      select s.a[width_bucket(${att.at}, s.a)] as period, outcome, decline_code, card_brand, three_d_secure, sum(attempts) attempts
      from ${att.table} r, ${id('starts')} s
      where ${scoped('r', scope)} and r.currency = ${q.currency} and ${att.within}
      group by 1, 2, 3, 4, 5),
    ${id('a')} as (
      select period, sum(attempts) attempts,
        sum(attempts) filter (where outcome in ${SUCCEEDED_ATTEMPT}) succeeded_attempts,
        sum(attempts) filter (where outcome = 'failed') failed_attempts
      from ${seriesAttemptRows(n)} group by 1),
    ${id('c')} as (
      select s.a[width_bucket(${cus.at}, s.a)] as period, sum(new_customers) new_customers
      from ${cus.table} r, ${id('starts')} s
      where ${scoped('r', scope)} and ${cus.within}
      group by 1)`;
  // In PERIOD_FIGURES' order, as decodeSeries reads them.
  const figures = sql.join([
    ...PAYMENT_FIGURES.map((f) => sql`coalesce(p.${sql.ref(f)}, 0)`),
    ...ATTEMPT_FIGURES.map((f) => sql`coalesce(a.${sql.ref(f)}, 0)`),
    sql`coalesce(c.new_customers, 0)`,
  ]);
  const select = sql`select ${sql.lit(n)} part, string_agg(concat_ws(',',
      (extract(epoch from periods.period) * 1000)::bigint, ${figures}), ' ' order by periods.period) series
    from ${id('periods')} periods left join ${id('p')} p using (period) left join ${id('a')} a using (period)
      left join ${id('c')} c using (period)`;
  return { ctes, select };
}

/**
 * A series sent as one text: periods separated by spaces, each its start in epoch milliseconds and then
 * PeriodRow's figures, by commas. A year of days and its comparison as 730 rows of 15 columns cost Home more
 * in the driver's row parsing than PostgreSQL spent reading them.
 */
function decodeSeries(text: string | null): PeriodRow[] {
  if (!text) return [];
  return text.split(' ').map((period) => {
    const values = period.split(',');
    const row = { period: new Date(Number(values[0])) } as PeriodRow;
    for (let i = 0; i < PERIOD_FIGURES.length; i++) row[PERIOD_FIGURES[i]!] = Number(values[i + 1]);
    return row;
  });
}

/** The series of several ranges from one layer in one statement (one snapshot): `part` tags each range. */
function rollupSeriesStatement(scope: Scope, queries: RangeQuery[], layer: RollupLayer) {
  const parts = queries.map((q, n) => rollupSeriesParts(scope, q, layer, n));
  return {
    ctes: sql.join(parts.map((p) => p.ctes)),
    select: sql.join(parts.map((p) => p.select), sql` union all `),
  };
}

/**
 * One range's series from the rollups. With the daily layer, the range must be whole local days of
 * `timeZone` and the merchant's days must be cut in that zone (the overview checks both).
 */
export async function selectRollupSeries(db: Executor, scope: Scope, q: RangeQuery, layer: RollupLayer = 'quarter_hour'): Promise<PeriodRow[]> {
  const { ctes, select } = rollupSeriesStatement(scope, [q], layer);
  const { rows } = await sql<{ series: string | null }>`with ${ctes} ${select}`.execute(db);
  return decodeSeries(rows[0]?.series ?? null);
}

export interface AnalyticsContext {
  timezone: string;
  default_currency: string;
  /** The currencies the merchant has taken payments in. */
  currencies: string[];
}

export interface OverviewRows {
  /** One series per range asked for, in the same order. */
  series: PeriodRow[][];
  breakdowns: Breakdowns;
  /** Daily layer only: whether the merchant's days are cut in the zone read (false during a zone change). */
  zoneCurrent: boolean;
  /** The merchant's settings and currencies, read in the same statement (absent for base-table reads). */
  context?: AnalyticsContext;
}

/** The merchant's currencies by a skip scan of the rollup's key index (one probe per currency), as CTE `used`. */
function usedCurrenciesCte(scope: Scope) {
  return sql`used as (
      (select currency from analytics_payment_buckets r where ${scoped('r', scope)} order by currency limit 1)
      union all
      select (select currency from analytics_payment_buckets r where ${scoped('r', scope)} and r.currency > used.currency order by currency limit 1)
      from used where used.currency is not null)`;
}

/**
 * Home in one statement (one round trip, one snapshot): the series of every range (the chart and its
 * comparison, whose sums are the key figures), the attempt breakdowns of the first range (from its series'
 * attempt rows), and the merchant's zone, default currency and currencies. Rows tagged by `part` (JSON
 * aggregation cost more than the reads):
 * n >= 0 a range's series (`label`, as decodeSeries reads it), -1 a breakdown (`label` its dimension, `label2`
 * its key, `value` its attempts), -2 a currency (`label`), -3 the merchant (`label` its zone, `label2` its
 * default currency, `value` 1 when its days are cut in the zone read).
 */
export async function selectOverviewRows(db: Executor, scope: Scope, queries: RangeQuery[], layer: RollupLayer): Promise<OverviewRows> {
  const { ctes, select } = rollupSeriesStatement(scope, queries, layer);
  const zone = layer === 'daily' ? sql`m.timezone = ${queries[0]!.timeZone}` : sql`true`;
  // Prepared (every filter is the rollups' key by merchant, so the generic plan fits every merchant): planning
  // this statement took longer than running it.
  const { rows } = await sql<{ part: number; label: string | null; label2: string | null; value: string | null }>`${sql.raw(PREPARED_READ)}with recursive ${usedCurrenciesCte(scope)}, ${ctes}, ${breakdownCtes(seriesAttemptRows(0))},
    series as (${select})
    select part, series label, null::text label2, null::numeric value from series
    union all select -1, dim, key, attempts from kept where n <= 20
    union all select -2, currency, null, null from used where currency is not null
    union all select -3, m.timezone, m.default_currency, (${zone})::int from merchants m where m.id = ${scope.merchantId}`.execute(db);
  const series: PeriodRow[][] = queries.map(() => []);
  const breakdowns: BreakdownJson[] = [];
  const currencies: string[] = [];
  let merchant: (typeof rows)[number] | undefined;
  for (const row of rows) {
    const part = Number(row.part);
    if (part >= 0) series[part] = decodeSeries(row.label);
    else if (part === -1) breakdowns.push({ dim: row.label as keyof Breakdowns, key: row.label2 ?? '', attempts: row.value ?? 0 });
    else if (part === -2) currencies.push(row.label!);
    else merchant = row;
  }
  breakdowns.sort((a, b) => (a.dim < b.dim ? -1 : a.dim > b.dim ? 1 : Number(b.attempts) - Number(a.attempts) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  return {
    series,
    breakdowns: toBreakdowns(breakdowns),
    zoneCurrent: Number(merchant?.value ?? 0) === 1,
    context: merchant && { timezone: merchant.label!, default_currency: merchant.label2!, currencies: currencies.sort() },
  };
}

const seriesSelect = sql`
    select periods.period,
      coalesce(p.payments, 0) payments, coalesce(p.attempted_payments, 0) attempted_payments,
      coalesce(p.succeeded_payments, 0) succeeded_payments, coalesce(p.gross_amount, 0) gross_amount,
      coalesce(p.refunds, 0) refunds, coalesce(p.refunded_amount, 0) refunded_amount,
      coalesce(a.attempts, 0) attempts, coalesce(a.succeeded_attempts, 0) succeeded_attempts,
      coalesce(a.failed_attempts, 0) failed_attempts, coalesce(f.fee_amount, 0) fee_amount,
      coalesce(d.disputes, 0) disputes, coalesce(f.disputed_amount, 0) disputed_amount, coalesce(c.new_customers, 0) new_customers
    from periods left join p using (period) left join a using (period) left join f using (period)
      left join d using (period) left join c using (period)
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
    f as (
      select ${period('bt.created_at')} as period, sum(bt.fee) fee_amount,
        coalesce(sum(-bt.amount) filter (where bt.reporting_category in ${DISPUTE_MONEY}), 0) disputed_amount
      from balance_transactions bt
      where ${scoped('bt', scope)} and bt.currency = ${q.currency} and bt.reporting_category not in ${NOT_PAYOUT}
        and bt.created_at >= ${q.from} and bt.created_at < ${q.to}
      group by 1),
    d as (
      select ${period('dp.created_at')} as period, count(*) disputes
      from disputes dp
      where ${scoped('dp', scope)} and dp.currency = ${q.currency} and dp.created_at >= ${q.from} and dp.created_at < ${q.to}
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

type BreakdownJson = { dim: keyof Breakdowns; key: string; attempts: number | string };

/** The attempt rows of a range (outcome, decline_code, card_brand, three_d_secure, attempts) from a layer. */
function attemptRows(scope: Scope, q: { currency: string; from: Date; to: Date; timeZone?: string }, layer: RollupLayer) {
  const src = layerSource(layer, 'attempt', scope, q);
  return sql`(select outcome, decline_code, card_brand, three_d_secure, attempts from ${src.table} r
    where ${scoped('r', scope)} and r.currency = ${q.currency} and ${src.within})`;
}

/**
 * Attempts in the range by decline code (failed ones), card brand and 3-D Secure outcome (challenged ones),
 * in one scan of the range's attempt rows (`rows`, from attemptRows or a series' `att<n>`; grouping sets), as
 * CTEs `g` and `kept` (rank `n` within each dimension).
 */
function breakdownCtes(rows: RawBuilder<unknown>) {
  return sql`g as (
      select case when grouping(decline_code, outcome) = 0 then 'decline_code' when grouping(card_brand) = 0 then 'card_brand' else 'three_d_secure' end dim,
        coalesce(case when grouping(decline_code, outcome) = 0 then decline_code when grouping(card_brand) = 0 then card_brand else three_d_secure end, '') key,
        outcome, sum(attempts) attempts
      from ${rows} r
      group by grouping sets ((outcome, decline_code), (card_brand), (three_d_secure))),
    kept as (
      select dim, key, attempts, row_number() over (partition by dim order by attempts desc, key) n from g
      where attempts <> 0 and (dim <> 'decline_code' or outcome = 'failed') and (dim <> 'three_d_secure' or key <> ''))`;
}

function toBreakdowns(rows: BreakdownJson[]): Breakdowns {
  const out: Breakdowns = { decline_code: [], card_brand: [], three_d_secure: [] };
  for (const r of rows) out[r.dim].push({ key: r.key, attempts: Number(r.attempts) });
  return out;
}

/** The breakdowns of one range, the 20 largest of each dimension. */
export async function selectAttemptBreakdowns(
  db: Executor,
  scope: Scope,
  q: { currency: string; from: Date; to: Date; timeZone?: string },
  layer: RollupLayer = 'quarter_hour',
): Promise<Breakdowns> {
  const { rows } = await sql<BreakdownJson>`with ${breakdownCtes(attemptRows(scope, q, layer))} select dim, key, attempts from kept where n <= 20 order by dim, n`.execute(db);
  return toBreakdowns(rows);
}

/** The merchant's settings and the currencies it has taken payments in, in one round trip. */
export async function selectMerchantAnalyticsContext(db: Executor, scope: Scope): Promise<AnalyticsContext | undefined> {
  const { rows } = await sql<{ timezone: string; default_currency: string; currencies: string[] | null }>`
    with recursive ${usedCurrenciesCte(scope)}
    select m.timezone, m.default_currency, (select array_agg(currency order by currency) from used where currency is not null) currencies
    from merchants m where m.id = ${scope.merchantId}`.execute(db);
  const row = rows[0];
  return row && { timezone: row.timezone, default_currency: row.default_currency, currencies: row.currencies ?? [] };
}

/** Of the merchant's currencies, the one with the most payments over the rollups (when the default one is unused). */
export async function selectMostUsedCurrency(db: Executor, scope: Scope): Promise<string | undefined> {
  const { rows } = await sql<{ currency: string }>`
    select currency from analytics_payment_buckets r where ${scoped('r', scope)}
    group by 1 order by sum(payments) desc, 1 limit 1`.execute(db);
  return rows[0]?.currency;
}

const ROLLUP_TABLES = [
  'analytics_payment_buckets',
  'analytics_attempt_buckets',
  'analytics_customer_buckets',
  'analytics_daily_payment_buckets',
  'analytics_daily_attempt_buckets',
  'analytics_daily_customer_buckets',
] as const;
export type RollupTable = (typeof ROLLUP_TABLES)[number];

const ATTEMPT_KEYS = ['outcome', 'decline_code', 'card_brand', 'three_d_secure'];

/** Each rollup table's key columns and summed figures: a key's figures are the sum of its (delta) rows. */
const ROLLUP_COLUMNS: Record<RollupTable, { keys: string[]; figures: readonly string[] }> = {
  analytics_payment_buckets: { keys: ['merchant_id', 'livemode', 'currency', 'bucket'], figures: PAYMENT_FIGURES },
  analytics_attempt_buckets: { keys: ['merchant_id', 'livemode', 'currency', 'bucket', ...ATTEMPT_KEYS], figures: ['attempts'] },
  analytics_customer_buckets: { keys: ['merchant_id', 'livemode', 'bucket'], figures: ['new_customers'] },
  analytics_daily_payment_buckets: { keys: ['merchant_id', 'livemode', 'time_zone', 'currency', 'day'], figures: PAYMENT_FIGURES },
  analytics_daily_attempt_buckets: { keys: ['merchant_id', 'livemode', 'time_zone', 'currency', 'day', ...ATTEMPT_KEYS], figures: ['attempts'] },
  analytics_daily_customer_buckets: { keys: ['merchant_id', 'livemode', 'time_zone', 'day'], figures: ['new_customers'] },
};

/** The 15-minute table a daily table is cut from. */
const QUARTER_HOUR_OF: Partial<Record<RollupTable, RollupTable>> = {
  analytics_daily_payment_buckets: 'analytics_payment_buckets',
  analytics_daily_attempt_buckets: 'analytics_attempt_buckets',
  analytics_daily_customer_buckets: 'analytics_customer_buckets',
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
 * The 15-minute rollups recomputed from the base tables: every payment, refund, attempt, fee, dispute
 * movement and dispute, and every customer, at its bucket.
 */
function freshQuarterHours(only: (alias: string) => RawBuilder<unknown>): Record<'analytics_payment_buckets' | 'analytics_attempt_buckets' | 'analytics_customer_buckets', RawBuilder<unknown>> {
  const row = (values: Partial<Record<(typeof PAYMENT_FIGURES)[number], RawBuilder<unknown>>>) =>
    sql.join(PAYMENT_FIGURES.map((f) => sql`${values[f] ?? sql`0`}::bigint as ${sql.ref(f)}`));
  return {
    analytics_payment_buckets: sql`
      select merchant_id, livemode, currency, bucket, ${sql.join(PAYMENT_FIGURES.map((f) => sql`sum(${sql.ref(f)})::bigint ${sql.ref(f)}`))}
      from (
        select pi.merchant_id, pi.livemode, pi.currency, analytics_bucket(pi.created_at) bucket, ${row({
          payments: sql`1`,
          attempted_payments: sql`(pi.card_brand is not null)::int`,
          succeeded_payments: sql`(pi.status = 'succeeded')::int`,
          gross_amount: sql`case when pi.status = 'succeeded' then pi.amount_received else 0 end`,
        })}
        from payment_intents pi where ${only('pi')}
        union all
        select re.merchant_id, re.livemode, re.currency, analytics_bucket(re.created_at), ${row({ refunds: sql`1`, refunded_amount: sql`re.amount` })}
        from refunds re where ${only('re')} and re.status in ('pending', 'succeeded')
        union all
        select bt.merchant_id, bt.livemode, bt.currency, analytics_bucket(bt.created_at), ${row({
          fee_amount: sql`bt.fee`,
          disputed_amount: sql`case when bt.reporting_category in ${DISPUTE_MONEY} then -bt.amount else 0 end`,
        })}
        from balance_transactions bt where ${only('bt')} and bt.reporting_category not in ${NOT_PAYOUT}
          and (bt.fee <> 0 or bt.reporting_category in ${DISPUTE_MONEY})
        union all
        select dp.merchant_id, dp.livemode, dp.currency, analytics_bucket(dp.created_at), ${row({ disputes: sql`1` })}
        from disputes dp where ${only('dp')}
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
}

/**
 * A daily table's rows from its 15-minute rows (`source`): the days before each merchant's cut (decision 023),
 * cut at local midnight in the zone of its cut.
 */
function daysFrom(table: RollupTable, source: RawBuilder<unknown>) {
  const { keys, figures } = ROLLUP_COLUMNS[table];
  const keyList = keys.map((k) => (k === 'time_zone' ? sql`c.time_zone` : k === 'day' ? sql`(q.bucket at time zone c.time_zone)::date as day` : sql.ref(`q.${k}`)));
  const sums = sql.join(figures.map((f) => sql`sum(${sql.ref(`q.${f}`)})::bigint as ${sql.ref(f)}`));
  return sql`select ${sql.join(keyList)}, ${sums} from (${source}) q join analytics_day_cuts c on c.merchant_id = q.merchant_id and q.bucket < c.cut_until
    group by ${sql.join(keys.map((_, i) => sql.lit(i + 1)))}`;
}

/**
 * Recomputes every rollup of one merchant (or all) from the base tables (the daily layer from the rebuilt
 * 15-minute buckets, up to each merchant's cut), and returns how many key rows of each table differed before
 * (missing, extra or with other figures). A merchant whose days were never cut gets its first cut, at today's
 * local midnight. Call in a transaction; it locks the rollups.
 */
export async function rebuildRollups(db: Executor, merchantId?: string): Promise<{ table: string; differences: number }[]> {
  const only = (alias: string) => (merchantId === undefined ? sql`true` : sql`${sql.ref(`${alias}.merchant_id`)} = ${merchantId}`);
  const quarterHours = freshQuarterHours(only);
  // The 15-minute tables come first in ROLLUP_TABLES: the days are cut from them once they are rebuilt.
  const fresh = (table: RollupTable, where = only) => {
    const source = QUARTER_HOUR_OF[table];
    return source ? daysFrom(table, groupedByKey(source, sql`${sql.table(source)} r where ${where('r')}`)) : quarterHours[table as keyof typeof quarterHours];
  };
  const result: { table: string; differences: number }[] = [];
  for (const table of ROLLUP_TABLES) {
    const t = sql.table(table);
    const { keys, figures } = ROLLUP_COLUMNS[table];
    await sql`lock table ${t} in exclusive mode`.execute(db);
    const zero = JSON.stringify(Object.fromEntries(figures.map((f) => [f, 0])));
    // Rows with all-zero figures are equivalent to missing rows.
    const { rows } = await sql<{ differences: string }>`
      with fresh as (${fresh(table)}),
      current as (${groupedByKey(table, sql`${t} r where ${only('r')}`)}),
      a as (select * from current except select * from fresh),
      b as (select * from fresh except select * from current)
      select (select count(*) from a where to_jsonb(a) - ${sql.val(keys)}::text[] <> ${zero}::jsonb)
        + (select count(*) from b) differences`.execute(db);
    await sql`delete from ${t} r where ${only('r')}`.execute(db);
    await sql`insert into ${t} (${sql.join([...keys, ...figures].map((c) => sql.ref(c)))}) ${fresh(table)}`.execute(db);
    result.push({ table, differences: Number(rows[0]?.differences ?? 0) });
  }
  // First cuts (after the check: a merchant never cut has no day rows to compare). The rollup tables are
  // locked until the transaction ends, so no writer slips between the cut and its days.
  const { rows: cut } = await sql<{ merchant_id: string }>`
    insert into analytics_day_cuts (merchant_id, time_zone, cut_until)
    select m.id, m.timezone, date_trunc('day', now(), m.timezone) from merchants m where ${merchantId === undefined ? sql`true` : sql`m.id = ${merchantId}`}
    on conflict (merchant_id) do nothing returning merchant_id`.execute(db);
  if (cut.length > 0) {
    const ids = cut.map((r) => r.merchant_id);
    const newlyCut = (alias: string) => sql`${sql.ref(`${alias}.merchant_id`)} = any(${ids}::text[])`;
    for (const table of ROLLUP_TABLES.filter((t) => QUARTER_HOUR_OF[t])) {
      const { keys, figures } = ROLLUP_COLUMNS[table];
      await sql`insert into ${sql.table(table)} (${sql.join([...keys, ...figures].map((c) => sql.ref(c)))}) ${fresh(table, newlyCut)}`.execute(db);
    }
  }
  return result;
}

/**
 * Moves each merchant's cut (decision 023) to its local midnight once a day has passed there, folding the days
 * passed into day rows; a merchant never cut gets its first cut. One short transaction per merchant that is
 * behind; returns how many moved.
 */
export async function advanceDayCuts(db: Executor): Promise<number> {
  const { rows } = await sql<{ id: string }>`
    select m.id from merchants m left join analytics_day_cuts c on c.merchant_id = m.id
    where c.merchant_id is null or c.cut_until < date_trunc('day', now(), c.time_zone)`.execute(db);
  let moved = 0;
  for (const { id } of rows) {
    const { rows: done } = await sql<{ moved: boolean }>`select analytics_advance_days(${id}) moved`.execute(db);
    if (done[0]?.moved) moved++;
  }
  return moved;
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
