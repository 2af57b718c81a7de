import { TZDate } from '@date-fns/tz';
import { addDays, addYears, differenceInCalendarDays } from 'date-fns';
import {
  analyticsOverviewInput,
  MAX_PERIODS,
  type AnalyticsComparison,
  type AnalyticsFigures,
  type AnalyticsGranularity,
  type AnalyticsOverviewDto,
  type AnalyticsOverviewInput,
  type AnalyticsPoint,
} from '../../../shared/contracts/analytics.js';
import { PaymentError } from '../../../shared/errors.js';
import type { Executor } from '../../db/database.js';
import type { CoreDeps, Scope } from '../shared/deps.js';
import { parseParams } from '../shared/params.js';
import * as repo from './analytics.repository.js';

const BUCKET_MS = 15 * 60 * 1000;
const PERIOD_MS: Record<AnalyticsGranularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 31 * 86_400_000 };

/** Zones known valid, by the name asked: a new Intl.DateTimeFormat per check showed in Home's profile. */
const knownZones = new Map<string, string>();

export function checkTimeZone(zone: string): string {
  const known = knownZones.get(zone);
  if (known !== undefined) return known;
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new PaymentError('invalid_request', `Unknown time zone "${zone}". Use an IANA name such as Europe/London or Asia/Kolkata.`, { param: 'timezone' });
  }
  // Only valid names are kept, and there are a few hundred of them (aliases and case variants bounded too).
  if (knownZones.size < 2000) knownZones.set(zone, canonical);
  return canonical;
}

/** A local bound (2026-03-01 or 2026-03-01T14:15) as the instant it names in the zone. */
function localBoundToInstant(bound: string, zone: string, param: string): TZDate {
  const [day, time = '00:00'] = bound.split('T');
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const at = new TZDate(y, m - 1, d, hh, mm, zone);
  if (Number.isNaN(at.getTime()) || at.getFullYear() !== y || at.getMonth() !== m - 1 || at.getDate() !== d || hh > 23 || mm > 59) {
    throw new PaymentError('invalid_request', `${param} is not a valid date.`, { param });
  }
  if (mm % 15 !== 0 || at.getTime() % BUCKET_MS !== 0) {
    throw new PaymentError('invalid_request', `${param} must fall on a quarter hour (:00, :15, :30 or :45).`, { param });
  }
  return at;
}

/** The comparison range: the same local length just before, or the same local dates a year earlier. */
export function comparisonRange(from: TZDate, to: TZDate, compare: AnalyticsComparison): { from: TZDate; to: TZDate } | null {
  if (compare === 'none') return null;
  if (compare === 'previous_year') return { from: addYears(from, -1), to: addYears(to, -1) };
  const localMidnights = from.getHours() === 0 && from.getMinutes() === 0 && to.getHours() === 0 && to.getMinutes() === 0;
  if (localMidnights) {
    const days = differenceInCalendarDays(to, from);
    return { from: addDays(from, -days), to: from };
  }
  const length = to.getTime() - from.getTime();
  return { from: new TZDate(from.getTime() - length, from.timeZone!), to: from };
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

type Sums = Omit<repo.PeriodRow, 'period'>;

function sumRows(rows: repo.PeriodRow[]): Sums {
  const s: Sums = { payments: 0, attempted_payments: 0, succeeded_payments: 0, gross_amount: 0, refunds: 0, refunded_amount: 0, attempts: 0, succeeded_attempts: 0, failed_attempts: 0, fee_amount: 0, disputes: 0, disputed_amount: 0, new_customers: 0 };
  for (const r of rows) for (const k in s) s[k as keyof Sums] += r[k as keyof Sums];
  return s;
}

/** The key figures of some periods (one chart point, or a whole range). */
function figuresOf(rows: repo.PeriodRow[]): AnalyticsFigures {
  return figuresOfSums(rows.length === 1 ? rows[0]! : sumRows(rows));
}

function figuresOfSums(s: Sums): AnalyticsFigures {
  const gross = s.gross_amount;
  const refunded = s.refunded_amount;
  const succeeded = s.succeeded_payments;
  const attempted = s.attempted_payments;
  const attempts = s.attempts;
  const succeededAttempts = s.succeeded_attempts;
  const fees = s.fee_amount;
  const disputed = s.disputed_amount;
  const disputes = s.disputes;
  return {
    gross_volume: gross,
    net_volume: gross - refunded - disputed - fees,
    successful_payments: succeeded,
    payments: s.payments,
    attempted_payments: attempted,
    payment_success_rate: ratio(succeeded, attempted),
    attempts,
    succeeded_attempts: succeededAttempts,
    failed_attempts: s.failed_attempts,
    attempt_success_rate: ratio(succeededAttempts, attempts),
    refunded_amount: refunded,
    refunds: s.refunds,
    fees,
    disputed_amount: disputed,
    disputes,
    dispute_rate: ratio(disputes, succeeded),
    new_customers: s.new_customers,
    average_payment: succeeded > 0 ? Math.round(gross / succeeded) : null,
  };
}

function deltasOf(current: AnalyticsFigures, previous: AnalyticsFigures | null): AnalyticsOverviewDto['deltas'] {
  if (!previous) return {};
  const out: AnalyticsOverviewDto['deltas'] = {};
  for (const key of Object.keys(current) as (keyof AnalyticsFigures)[]) {
    const a = current[key];
    const b = previous[key];
    out[key] = a === null || b === null || b === 0 ? null : (a - b) / Math.abs(b);
  }
  return out;
}

function toPoints(rows: repo.PeriodRow[], from: Date, to: Date): AnalyticsPoint[] {
  return rows.map((row, i) => {
    const start = Math.max(row.period.getTime(), from.getTime());
    const end = i + 1 < rows.length ? rows[i + 1].period.getTime() : to.getTime();
    return { start: start / 1000, end: end / 1000, ...figuresOf([row]) };
  });
}

export interface ResolvedRange {
  timeZone: string;
  from: TZDate;
  to: TZDate;
  granularity: AnalyticsGranularity;
}

export function resolveRange(input: { from: string; to: string; granularity: AnalyticsGranularity }, timeZone: string): ResolvedRange {
  const from = localBoundToInstant(input.from, timeZone, 'from');
  const to = localBoundToInstant(input.to, timeZone, 'to');
  if (to.getTime() <= from.getTime()) throw new PaymentError('invalid_request', '`to` must be after `from`.', { param: 'to' });
  const periods = Math.ceil((to.getTime() - from.getTime()) / PERIOD_MS[input.granularity]);
  if (periods > MAX_PERIODS[input.granularity]) {
    throw new PaymentError('invalid_request', `This range has too many ${input.granularity}s for one chart (at most ${MAX_PERIODS[input.granularity]}); pick a coarser granularity.`, { param: 'granularity' });
  }
  return { timeZone, from, to, granularity: input.granularity };
}

/**
 * The daily layer answers a chart of days, weeks or months whose ranges are whole local days in the zone the
 * merchant's days are cut in (its Settings zone); anything else reads the 15-minute buckets.
 */
function dailyLayerFits(granularity: AnalyticsGranularity, ranges: { from: TZDate; to: TZDate }[], timeZone: string, merchantZone: string | undefined): boolean {
  if (granularity === 'minute' || granularity === 'hour' || merchantZone === undefined || checkTimeZone(merchantZone) !== timeZone) return false;
  const midnight = (d: TZDate) => d.getHours() === 0 && d.getMinutes() === 0;
  return ranges.every((r) => midnight(r.from) && midnight(r.to));
}

/**
 * The range, its comparison and their rows: minutes from the base tables; days, weeks and months from the
 * daily layer when it fits (`dayZone`: the zone the merchant's days are cut in, as Settings spells it), else
 * from the 15-minute buckets.
 */
async function readFigures(db: Executor, scope: Scope, params: ReturnType<typeof analyticsOverviewInput.parse>, timeZone: string, dayZone: string | undefined, currency: string) {
  const range = resolveRange(params, timeZone);
  const compare = comparisonRange(range.from, range.to, params.compare);
  const ranges = compare ? [range, compare] : [range];
  const queries = ranges.map((r): repo.RangeQuery => ({ currency, from: r.from, to: r.to, granularity: range.granularity, timeZone }));
  let overview: repo.OverviewRows;
  if (range.granularity === 'minute') {
    // Minutes are finer than the rollups' 15-minute buckets: their short ranges read the base tables.
    const [series, breakdowns] = await Promise.all([
      Promise.all(queries.map((q) => repo.selectBaseSeries(db, scope, q))),
      repo.selectAttemptBreakdowns(db, scope, queries[0]!),
    ]);
    overview = { series, breakdowns, zoneCurrent: true };
  } else {
    const daily = dailyLayerFits(range.granularity, ranges, timeZone, dayZone);
    // The days carry the zone as Settings spells it (Asia/Kolkata), which may differ from the canonical name.
    overview = await repo.selectOverviewRows(db, scope, daily ? queries.map((q) => ({ ...q, timeZone: dayZone! })) : queries, daily ? 'daily' : 'quarter_hour');
    // The merchant's days are cut in another zone (or it changed between two reads): the 15-minute buckets answer.
    if (daily && !overview.zoneCurrent) overview = await repo.selectOverviewRows(db, scope, queries, 'quarter_hour');
  }
  return { range, compare, overview };
}

/** Home: key figures with their change against the comparison period, the charts' series and breakdowns. */
export async function getOverview(deps: CoreDeps, scope: Scope, input: AnalyticsOverviewInput, db: Executor = deps.db): Promise<AnalyticsOverviewDto> {
  const params = parseParams(analyticsOverviewInput, input);
  // With the zone and currency given (the page sends them once it has loaded), the figures need nothing from
  // the merchant's settings first: the daily layer is assumed to be cut in the given zone (the statement
  // itself checks that, and the 15-minute buckets answer when it is not).
  // The rollup statement reads the settings too: then Home is one round trip.
  const given = params.timezone !== undefined && params.currency !== undefined ? { timeZone: checkTimeZone(params.timezone), currency: params.currency } : null;
  const speculative = given ? await readFigures(db, scope, params, given.timeZone, params.timezone!, given.currency) : null;
  const context = speculative?.overview.context ?? (await repo.selectMerchantAnalyticsContext(db, scope));
  const timeZone = given?.timeZone ?? checkTimeZone(params.timezone ?? context?.timezone ?? 'UTC');
  const used = context?.currencies ?? [];
  const currency =
    given?.currency ??
    (context && (used.length === 0 || used.includes(context.default_currency)) ? context.default_currency : ((await repo.selectMostUsedCurrency(db, scope)) ?? 'usd'));
  const currencies = [...new Set([...used, context?.default_currency ?? 'usd', currency])];
  const { range, compare, overview } = speculative ?? (await readFigures(db, scope, params, timeZone, context?.timezone, currency));
  const [rows, compareRows] = [overview.series[0]!, compare ? overview.series[1]! : null];
  const { breakdowns } = overview;
  const totals = figuresOf(rows);
  const compareTotals = compareRows ? figuresOf(compareRows) : null;
  return {
    currency,
    currencies,
    // As asked or as Settings spells it (Asia/Kolkata), not Intl's canonical alias (Asia/Calcutta).
    timezone: params.timezone ?? context?.timezone ?? timeZone,
    granularity: range.granularity,
    compare: params.compare,
    range: { start: range.from.getTime() / 1000, end: range.to.getTime() / 1000 },
    compare_range: compare ? { start: compare.from.getTime() / 1000, end: compare.to.getTime() / 1000 } : null,
    totals,
    compare_totals: compareTotals,
    deltas: deltasOf(totals, compareTotals),
    series: toPoints(rows, range.from, range.to),
    compare_series: compareRows && compare ? toPoints(compareRows, compare.from, compare.to) : null,
    decline_reasons: breakdowns.decline_code.map((d) => ({ key: d.key || 'unknown', attempts: d.attempts })),
    card_brands: breakdowns.card_brand.map((d) => ({ key: d.key || 'unknown', attempts: d.attempts })),
    three_d_secure: breakdowns.three_d_secure,
  };
}

/** Recomputes the rollups from the base tables (one merchant or all) and reports the differences found. */
export async function rebuildAnalytics(deps: CoreDeps, merchantId?: string) {
  return deps.db.transaction().execute((t) => repo.rebuildRollups(t, merchantId));
}

/**
 * Folds the rollups' delta rows into one row per key (the job `compact-analytics`), in batches of `limit`
 * rows per table until a pass finds less than a full batch or `maxPasses` is reached. Figures never change.
 */
export async function compactAnalytics(deps: CoreDeps, { limit = 10_000, maxPasses = 10 } = {}) {
  let deleted = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    const report = await repo.compactRollups(deps.db, limit);
    deleted += report.reduce((s, r) => s + r.deleted, 0);
    if (report.every((r) => r.deleted < limit)) break;
  }
  return deleted;
}

/**
 * Moves each merchant's day cut to its last local midnight (the job `cut-analytics-days`, decision 023): the days
 * passed are folded from the 15-minute buckets into the daily layer. Returns how many merchants' cuts moved.
 */
export async function advanceAnalyticsDays(deps: CoreDeps) {
  return repo.advanceDayCuts(deps.db);
}
