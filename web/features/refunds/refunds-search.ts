import { z } from 'zod';
import type { RefundListFiltersInput } from '../../../shared/contracts/dashboard';
import { REFUND_STATUSES } from '../../../shared/contracts/refunds';
import { isSupportedCurrency } from '../../../shared/money';
import { DATE_PRESETS, DAY_PATTERN, resolveDateRange } from '../payments/date-range';
import { amountBound, listOf } from '../payments/payments-search';
import { trpc } from '../../lib/trpc';

type RefundStatus = (typeof REFUND_STATUSES)[number];

/** The Refunds list's URL state; see payments-search.ts for the reasoning. */
export const refundsSearchSchema = z.object({
  status: z.string().regex(listOf(REFUND_STATUSES)).optional().catch(undefined),
  date: z.enum(DATE_PRESETS).optional().catch(undefined),
  from: z.string().regex(DAY_PATTERN).optional().catch(undefined),
  to: z.string().regex(DAY_PATTERN).optional().catch(undefined),
  amountMin: z.string().trim().max(24).optional().catch(undefined),
  amountMax: z.string().trim().max(24).optional().catch(undefined),
  currency: z.string().trim().toLowerCase().refine(isSupportedCurrency).optional().catch(undefined),
  payment: z.string().trim().max(255).optional().catch(undefined),
  q: z.string().trim().max(2000).optional().catch(undefined),
  sort: z.enum(['created', 'amount']).catch('created').default('created'),
  dir: z.enum(['asc', 'desc']).catch('desc').default('desc'),
  limit: z.union([z.literal(10), z.literal(25), z.literal(50), z.literal(100)]).catch(25).default(25),
  cursor: z.string().max(1000).optional().catch(undefined),
});
export type RefundsSearch = z.output<typeof refundsSearchSchema>;
export const REFUNDS_SEARCH_DEFAULTS = { sort: 'created', dir: 'desc', limit: 25 } as const;
export const REFUND_FILTER_KEYS = ['status', 'date', 'from', 'to', 'amountMin', 'amountMax', 'currency', 'payment', 'q'] as const;

/** "12.50" in the search box is an amount, read in the chosen currency (or the merchant's default). */
export const looksLikeAmount = (q: string | undefined) => Boolean(q && /^[\d.,]+$/.test(q.trim()));

export function refundStatusList(search: { status?: string }): RefundStatus[] {
  const given = search.status?.split(',') ?? [];
  return REFUND_STATUSES.filter((s) => given.includes(s));
}

export function refundListInput(search: RefundsSearch, merchant: { timezone: string; defaultCurrency: string }): RefundListFiltersInput {
  const range = resolveDateRange({ date: search.date ?? 'all', from: search.from, to: search.to }, merchant.timezone);
  const currency = search.currency ?? merchant.defaultCurrency;
  const status = refundStatusList(search);
  return {
    status: status.length ? status : undefined,
    from: range.from,
    to: range.to,
    amountMin: amountBound(search.amountMin, currency),
    amountMax: amountBound(search.amountMax, currency),
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
