import { z } from 'zod';
import { DISPLAY_STATUSES, type DisplayStatus } from '../../../shared/payment-display-status';
import { isSupportedCurrency } from '../../../shared/money';
import { amountRange, listOf } from '../../lib/search-params';
import { DATE_PRESETS, DAY_PATTERN, resolveDateRange } from '../../lib/date-range';
import { type PaymentListFiltersInput } from '../../../shared/contracts/dashboard';

/**
 * Everything the Payments list shows is in the URL, so back/forward, reload, bookmarks and shared links
 * reproduce the view. Each field falls back to its default on a bad value instead of failing the page.
 * Amounts stay as typed (major units, "19.99") and become minor units only when the query is built.
 */
const optionalText = (max: number) => z.string().trim().max(max).optional().catch(undefined);

export const paymentsSearchSchema = z.object({
  /** Comma-separated display statuses ("failed,refunded"); a value with an unknown status is dropped. */
  status: z.string().regex(listOf(DISPLAY_STATUSES)).optional().catch(undefined),
  date: z.enum(DATE_PRESETS).optional().catch(undefined),
  from: z.string().regex(DAY_PATTERN).optional().catch(undefined),
  to: z.string().regex(DAY_PATTERN).optional().catch(undefined),
  amountMin: optionalText(24),
  amountMax: optionalText(24),
  currency: z.string().trim().toLowerCase().refine(isSupportedCurrency).optional().catch(undefined),
  last4: z.string().regex(/^\d{4}$/).optional().catch(undefined),
  customer: optionalText(255),
  q: optionalText(500),
  sort: z.enum(['created', 'amount']).catch('created').default('created'),
  dir: z.enum(['asc', 'desc']).catch('desc').default('desc'),
  limit: z.union([z.literal(10), z.literal(25), z.literal(50), z.literal(100)]).catch(25).default(25),
  cursor: optionalText(1000),
});
export type PaymentsSearch = z.output<typeof paymentsSearchSchema>;
export const PAYMENTS_SEARCH_DEFAULTS = { sort: 'created', dir: 'desc', limit: 25 } as const;

/** The filter keys a "Clear filters" removes (sorting and page size are preferences, not filters). */
export const FILTER_KEYS = ['status', 'date', 'from', 'to', 'amountMin', 'amountMax', 'currency', 'last4', 'customer', 'q'] as const;

export function hasFilters(search: PaymentsSearch): boolean {
  return FILTER_KEYS.some((k) => search[k] !== undefined);
}

export function statusList(search: { status?: string }): DisplayStatus[] {
  const given = search.status?.split(',') ?? [];
  return DISPLAY_STATUSES.filter((s) => given.includes(s));
}

/** The payments.list input for a URL state, in the merchant's time zone. */
export function paymentListInput(search: PaymentsSearch, merchant: { timezone: string; defaultCurrency: string }): PaymentListFiltersInput {
  const range = resolveDateRange({ date: search.date ?? 'all', from: search.from, to: search.to }, merchant.timezone);
  const status = statusList(search);
  return {
    status: status.length ? status : undefined,
    from: range.from,
    to: range.to,
    ...amountRange(search),
    currency: search.currency,
    last4: search.last4,
    customer: search.customer,
    q: search.q,
    sort: search.sort,
    dir: search.dir,
    limit: search.limit,
    cursor: search.cursor,
  };
}
