import { z } from 'zod';
import { DEFAULT_PAGE_SIZE } from '../../../shared/limits';
import { DISPLAY_STATUSES, type DisplayStatus } from '../../../shared/payment-display-status';
import { paymentListFilters, type PaymentListFiltersInput } from '../../../shared/contracts/dashboard';
import { resolveDateRange } from '../../lib/date-range';
import { amountRange, amountSearchShape, currencySearchParam, dateSearchShape, listOf, pageSearchShape } from '../../lib/search-params';

/**
 * Everything the Payments list shows is in the URL, so back/forward, reload, bookmarks and shared links
 * reproduce the view. Each field is the payments.list contract's own schema, falling back to its default on
 * a bad value instead of failing the page. Amounts stay as typed (major units, "19.99") and become minor
 * units only when the query is built; statuses and dates are kept in a URL-friendly form.
 */
const f = paymentListFilters.shape;

export const paymentsSearchSchema = z.object({
  /** Comma-separated display statuses ("failed,refunded"); a value with an unknown status is dropped. */
  status: z.string().regex(listOf(DISPLAY_STATUSES)).optional().catch(undefined),
  ...dateSearchShape,
  ...amountSearchShape,
  currency: currencySearchParam(f.currency),
  last4: f.last4.catch(undefined),
  customer: f.customer.catch(undefined),
  q: f.q.catch(undefined),
  ...pageSearchShape(f),
});
export type PaymentsSearch = z.output<typeof paymentsSearchSchema>;
export const PAYMENTS_SEARCH_DEFAULTS = { sort: 'created', dir: 'desc', limit: DEFAULT_PAGE_SIZE } as const;

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
