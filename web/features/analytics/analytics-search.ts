import { TZDate } from '@date-fns/tz';
import { addDays as addCalendarDays, addMonths, startOfMonth, startOfQuarter, startOfYear } from 'date-fns';
import { z } from 'zod';
import { ANALYTICS_COMPARISONS, ANALYTICS_GRANULARITIES, MAX_PERIODS, type AnalyticsGranularity } from '../../../shared/contracts/analytics';
import { addDays, DAY_PATTERN } from '../../lib/date-range';

/**
 * Home's controls, all in the URL (so a view can be bookmarked and shared): a preset or a custom range of
 * calendar days, the granularity, the comparison, the time zone (the merchant's when absent) and the currency
 * (the merchant's default when absent). Bad values fall back to the defaults instead of failing the page.
 */
export const ANALYTICS_PRESETS = ['1h', 'today', '7d', '4w', '3m', '12m', 'mtd', 'qtd', 'ytd', 'custom'] as const;
export type AnalyticsPreset = (typeof ANALYTICS_PRESETS)[number];
export const ANALYTICS_PRESET_LABELS: Record<AnalyticsPreset, string> = {
  '1h': 'Last hour',
  today: 'Today',
  '7d': 'Last 7 days',
  '4w': 'Last 4 weeks',
  '3m': 'Last 3 months',
  '12m': 'Last 12 months',
  mtd: 'Month to date',
  qtd: 'Quarter to date',
  ytd: 'Year to date',
  custom: 'Custom range',
};

export const homeSearchSchema = z.object({
  range: z.enum(ANALYTICS_PRESETS).optional().catch(undefined),
  from: z.string().regex(DAY_PATTERN).optional().catch(undefined),
  to: z.string().regex(DAY_PATTERN).optional().catch(undefined),
  granularity: z.enum(ANALYTICS_GRANULARITIES).optional().catch(undefined),
  compare: z.enum(ANALYTICS_COMPARISONS).optional().catch(undefined),
  tz: z.string().max(64).optional().catch(undefined),
  currency: z.string().regex(/^[a-z]{3}$/).optional().catch(undefined),
});
export type HomeSearch = z.output<typeof homeSearchSchema>;

const pad = (n: number) => String(n).padStart(2, '0');
const localDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localMinute = (d: Date) => `${localDay(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

const DEFAULT_GRANULARITY: Record<AnalyticsPreset, AnalyticsGranularity> = {
  '1h': 'minute', today: 'hour', '7d': 'day', '4w': 'day', '3m': 'week', '12m': 'month', mtd: 'day', qtd: 'week', ytd: 'month', custom: 'day',
};
const PERIOD_HOURS: Record<AnalyticsGranularity, number> = { minute: 1 / 60, hour: 1, day: 24, week: 168, month: 744 };

/** The granularities that make sense for a range: not one period only (unless nothing finer fits), not beyond the limit. */
export function allowedGranularities(from: number, to: number): AnalyticsGranularity[] {
  const hours = (to - from) / 3_600_000;
  return ANALYTICS_GRANULARITIES.filter((g) => hours / PERIOD_HOURS[g] <= MAX_PERIODS[g] && (g === ANALYTICS_GRANULARITIES[0] || hours > PERIOD_HOURS[g]));
}

export interface ResolvedHomeRange {
  preset: AnalyticsPreset;
  /** Local bounds for analytics.overview (to exclusive). */
  from: string;
  to: string;
  granularity: AnalyticsGranularity;
  granularities: AnalyticsGranularity[];
}

/** The range a preset or custom range stands for, read in the zone at `now`. */
export function resolveHomeRange(search: HomeSearch, zone: string, now: Date = new Date()): ResolvedHomeRange {
  const preset: AnalyticsPreset = search.range === 'custom' && !(search.from && search.to) ? '4w' : (search.range ?? '4w');
  const at = new TZDate(+now, zone);
  const today = new TZDate(at.getFullYear(), at.getMonth(), at.getDate(), zone);
  const tomorrow = addCalendarDays(today, 1);
  let from: TZDate;
  let to: TZDate = tomorrow;
  let fromText: string | undefined;
  let toText: string | undefined;
  switch (preset) {
    case '1h': {
      const quarter = Math.ceil(now.getTime() / 900_000) * 900_000;
      to = new TZDate(quarter, zone);
      from = new TZDate(quarter - 3_600_000, zone);
      fromText = localMinute(from);
      toText = localMinute(to);
      break;
    }
    case 'today': from = today; break;
    case '7d': from = addCalendarDays(today, -6); break;
    case '4w': from = addCalendarDays(today, -27); break;
    case '3m': from = addCalendarDays(addMonths(today, -3), 1); break;
    case '12m': from = addCalendarDays(addMonths(today, -12), 1); break;
    case 'mtd': from = startOfMonth(today); break;
    case 'qtd': from = startOfQuarter(today); break;
    case 'ytd': from = startOfYear(today); break;
    case 'custom': {
      const [a, b] = [search.from!, search.to!].sort();
      fromText = a;
      toText = addDays(b, 1);
      const [y1, m1, d1] = a.split('-').map(Number);
      const [y2, m2, d2] = toText.split('-').map(Number);
      from = new TZDate(y1, m1 - 1, d1, zone);
      to = new TZDate(y2, m2 - 1, d2, zone);
      break;
    }
  }
  const granularities = allowedGranularities(from.getTime(), to.getTime());
  const wanted = search.granularity ?? DEFAULT_GRANULARITY[preset];
  const granularity = granularities.includes(wanted) ? wanted : (granularities.find((g) => g === DEFAULT_GRANULARITY[preset]) ?? granularities[granularities.length - 1] ?? 'day');
  return { preset, from: fromText ?? localDay(from), to: toText ?? localDay(to), granularity, granularities };
}

/** The payments list search that shows the payments behind one bucket (exact instants, any zone). */
export function drillDownSearch(start: number, end: number, currency: string, status?: 'succeeded' | 'failed') {
  return { q: `created>=${start} AND created<${end}`, currency, ...(status ? { status } : {}) };
}
