import { z } from 'zod';
import type { DashboardTransactionListInput } from '../../../shared/contracts/balance';
import { BALANCE_TRANSACTION_TYPES } from '../../../shared/contracts/url-enums';
import { pageSizeParam } from '../../../shared/contracts/dashboard';
import { DEFAULT_PAGE_SIZE } from '../../../shared/limits';
import { resolveDateRange, startOfDayIn } from '../../lib/date-range';
import { dateSearchShape } from '../../lib/search-params';
import { isSupportedCurrency } from '../../../shared/money';
import { trpc } from '../../lib/trpc';

/**
 * The balance transactions list's URL state: filters (type, currency, date range as a preset or calendar
 * days, payout) and the keyset cursor (`after` / `before` a transaction id). Anything hand-edited that does
 * not parse falls back to the default view.
 */
export const transactionsSearchSchema = z.object({
  type: z.enum(BALANCE_TRANSACTION_TYPES).optional().catch(undefined),
  currency: z.string().trim().toLowerCase().refine(isSupportedCurrency).optional().catch(undefined),
  ...dateSearchShape,
  payout: z.string().trim().regex(/^po_[A-Za-z0-9]+$/).optional().catch(undefined),
  after: z.string().trim().max(255).optional().catch(undefined),
  before: z.string().trim().max(255).optional().catch(undefined),
  limit: pageSizeParam.catch(DEFAULT_PAGE_SIZE),
});
export type TransactionsSearch = z.output<typeof transactionsSearchSchema>;
export const TRANSACTIONS_SEARCH_DEFAULTS = { limit: DEFAULT_PAGE_SIZE } as const;
export const TRANSACTION_FILTER_KEYS = ['type', 'currency', 'date', 'from', 'to', 'payout'] as const;

/** The procedure's input: calendar days become the merchant zone's midnights (from inclusive, to exclusive). */
export function transactionListInput(search: TransactionsSearch, zone: string, now = new Date()): DashboardTransactionListInput {
  const range = resolveDateRange({ date: search.date ?? 'all', from: search.from, to: search.to }, zone, now);
  const created = range.from || range.to
    ? { ...(range.from ? { gte: startOfDayIn(zone, range.from) } : {}), ...(range.to ? { lt: startOfDayIn(zone, range.to) } : {}) }
    : undefined;
  return {
    type: search.type,
    currency: search.currency,
    payout: search.payout,
    created,
    starting_after: search.before ? undefined : search.after,
    ending_before: search.before,
    limit: search.limit,
  };
}

export const transactionsQuery = (input: DashboardTransactionListInput) => trpc.balances.transactions.queryOptions(input);
