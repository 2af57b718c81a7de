import { z } from 'zod';

/**
 * Home analytics (tRPC analytics.overview). Ranges are local wall-clock bounds read in `timezone`
 * (the merchant's by default): a calendar day (2026-03-01) or a local date-time on a 15-minute boundary
 * (2026-03-01T14:15); `from` inclusive, `to` exclusive. Amounts are integers in the currency's minor units.
 */
export const ANALYTICS_GRANULARITIES = ['minute', 'hour', 'day', 'week', 'month'] as const;
/** The granularities the 15-minute rollups answer; `minute` reads the base tables over its short ranges. */
export const ROLLUP_GRANULARITIES = ['hour', 'day', 'week', 'month'] as const satisfies readonly AnalyticsGranularity[];
export type AnalyticsGranularity = (typeof ANALYTICS_GRANULARITIES)[number];
export const ANALYTICS_COMPARISONS = ['previous_period', 'previous_year', 'none'] as const;
export type AnalyticsComparison = (typeof ANALYTICS_COMPARISONS)[number];

/** How many periods one chart may have, per granularity (beyond it, pick a coarser one). */
export const MAX_PERIODS: Record<AnalyticsGranularity, number> = { minute: 6 * 60, hour: 24 * 31, day: 800, week: 260, month: 120 };

const LOCAL_BOUND = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2})?$/;
const localBound = z.string().trim().regex(LOCAL_BOUND, 'Use a date (2026-03-01) or a local date-time (2026-03-01T14:15).');

export const analyticsOverviewInput = z
  .object({
    from: localBound,
    to: localBound,
    granularity: z.enum(ANALYTICS_GRANULARITIES).default('day'),
    compare: z.enum(ANALYTICS_COMPARISONS).default('previous_period'),
    timezone: z.string().trim().min(1).max(64).optional(),
    currency: z.string().trim().toLowerCase().regex(/^[a-z]{3}$/, 'Use a three-letter ISO currency code.').optional(),
  })
  .strict();
export type AnalyticsOverviewInput = z.input<typeof analyticsOverviewInput>;

export interface AnalyticsFigures {
  gross_volume: number;
  /** Gross volume minus refunds, disputed amounts and fees. */
  net_volume: number;
  successful_payments: number;
  payments: number;
  attempted_payments: number;
  /** Payment level: succeeded payments / payments with at least one attempt (null without attempts). */
  payment_success_rate: number | null;
  attempts: number;
  succeeded_attempts: number;
  failed_attempts: number;
  /** Attempt level: authorised attempts / attempts. */
  attempt_success_rate: number | null;
  refunded_amount: number;
  refunds: number;
  /** Fees of the period's balance transactions: processing fees of charges, dispute fees (less those returned). */
  fees: number;
  /** What chargebacks withdrew in the period, less what won disputes reinstated. */
  disputed_amount: number;
  /** Disputes opened in the period (inquiries included). */
  disputes: number;
  /** Disputes opened / successful payments in the period (null without successful payments). */
  dispute_rate: number | null;
  new_customers: number;
  /** Gross volume / successful payments, rounded to a minor unit. */
  average_payment: number | null;
}

export interface AnalyticsPoint extends AnalyticsFigures {
  /** The period's exact bounds, Unix seconds (clipped to the range). */
  start: number;
  end: number;
}

export interface AnalyticsRange {
  start: number;
  end: number;
}

export interface AnalyticsBreakdown {
  key: string;
  attempts: number;
}

export interface AnalyticsOverviewDto {
  currency: string;
  currencies: string[];
  timezone: string;
  granularity: AnalyticsGranularity;
  compare: AnalyticsComparison;
  range: AnalyticsRange;
  compare_range: AnalyticsRange | null;
  totals: AnalyticsFigures;
  compare_totals: AnalyticsFigures | null;
  /** Relative change per figure against the comparison period (0.25 = +25 %); null when not comparable. */
  deltas: Partial<Record<keyof AnalyticsFigures, number | null>>;
  series: AnalyticsPoint[];
  /** The comparison period's series, index-aligned with `series`. */
  compare_series: AnalyticsPoint[] | null;
  decline_reasons: AnalyticsBreakdown[];
  card_brands: AnalyticsBreakdown[];
  three_d_secure: AnalyticsBreakdown[];
}
