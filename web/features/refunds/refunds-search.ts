import { z } from 'zod';
import { DEFAULT_PAGE_SIZE } from '../../../shared/limits';
import { refundListFilters, type RefundListFiltersInput } from '../../../shared/contracts/dashboard';
import { REFUND_STATUSES, type RefundStatus } from '../../../shared/status';
import { resolveDateRange } from '../../lib/date-range';
import { amountRange, amountSearchShape, currencySearchParam, dateSearchShape, listOf, pageSearchShape } from '../../lib/search-params';
import { trpc } from '../../lib/trpc';


/** The Refunds list's URL state; see payments-search.ts for the reasoning. */
const f = refundListFilters.shape;

export const refundsSearchSchema = z.object({
  status: z.string().regex(listOf(REFUND_STATUSES)).optional().catch(undefined),
  ...dateSearchShape,
  ...amountSearchShape,
  currency: currencySearchParam(f.currency),
  payment: f.payment.catch(undefined),
  q: f.q.catch(undefined),
  ...pageSearchShape(f),
});
export type RefundsSearch = z.output<typeof refundsSearchSchema>;
export const REFUNDS_SEARCH_DEFAULTS = { sort: 'created', dir: 'desc', limit: DEFAULT_PAGE_SIZE } as const;
export const REFUND_FILTER_KEYS = ['status', 'date', 'from', 'to', 'amountMin', 'amountMax', 'currency', 'payment', 'q'] as const;

/** "12.50" in the search box is an amount, read in the chosen currency (or the merchant's default). */
const looksLikeAmount = (q: string | undefined) => Boolean(q && /^[\d.,]+$/.test(q.trim()));

export function refundStatusList(search: { status?: string }): RefundStatus[] {
  const given = search.status?.split(',') ?? [];
  return REFUND_STATUSES.filter((s) => given.includes(s));
}

export function refundListInput(search: RefundsSearch, merchant: { timezone: string; defaultCurrency: string }): RefundListFiltersInput {
  const range = resolveDateRange({ date: search.date ?? 'all', from: search.from, to: search.to }, merchant.timezone);
  const status = refundStatusList(search);
  return {
    status: status.length ? status : undefined,
    from: range.from,
    to: range.to,
    ...amountRange(search),
    currency: search.currency ?? (looksLikeAmount(search.q) ? merchant.defaultCurrency : undefined),
    payment: search.payment,
    q: search.q,
    sort: search.sort,
    dir: search.dir,
    limit: search.limit,
    cursor: search.cursor,
  };
}

export const refundDetailQuery = (id: string) => trpc.refunds.get.queryOptions({ id });
