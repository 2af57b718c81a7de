import { z } from 'zod';
import type { paymentListFilters } from '../../shared/contracts/dashboard';
import { isSupportedCurrency, parseMajorUnits } from '../../shared/money';
import { DATE_PRESETS, DAY_PATTERN } from './date-range';

/*
 * URL search params of the filtered lists. Where the URL holds what the list procedure takes, the param
 * is that contract's own schema (shared/contracts/dashboard.ts) with a fallback, so a hand-edited or old
 * link shows the default view instead of an error page. Dates (a preset or calendar days) and amounts
 * (as typed, in major units) have a URL form of their own and are converted when the query is built.
 */

type ListShape = Pick<typeof paymentListFilters.shape, 'sort' | 'dir' | 'limit' | 'cursor' | 'currency'>;

/** Sort, direction, page size and cursor, from the list contract. */
export function pageSearchShape(shape: Omit<ListShape, 'currency'>) {
  return {
    sort: shape.sort.catch('created'),
    dir: shape.dir.catch('desc'),
    limit: shape.limit.catch(25),
    cursor: shape.cursor.catch(undefined),
  };
}

/** The contract's currency, limited to the currencies PaymentFlow knows. */
export function currencySearchParam(currency: ListShape['currency']) {
  return currency.refine((c) => c === undefined || isSupportedCurrency(c)).catch(undefined);
}

export const dateSearchShape = {
  date: z.enum(DATE_PRESETS).optional().catch(undefined),
  from: z.string().regex(DAY_PATTERN).optional().catch(undefined),
  to: z.string().regex(DAY_PATTERN).optional().catch(undefined),
};

export const amountSearchShape = {
  amountMin: z.string().trim().max(24).optional().catch(undefined),
  amountMax: z.string().trim().max(24).optional().catch(undefined),
};

/** A pattern for a comma-separated list of known values. */
export function listOf(values: readonly string[]): RegExp {
  const one = `(?:${values.join('|')})`;
  return new RegExp(`^${one}(?:,${one})*$`);
}

/** An amount typed in major units of a currency, in minor units. */
function amountBound(text: string | undefined, currency: string): number | undefined {
  if (!text) return undefined;
  return parseMajorUnits(text, currency) ?? undefined;
}

/**
 * The list query's amount range: only together with the currency it is typed in (the server refuses an
 * amount range without one, since minor units of different currencies are not comparable).
 */
export function amountRange(search: { amountMin?: string; amountMax?: string; currency?: string }): { amountMin?: number; amountMax?: number } {
  if (!search.currency || !isSupportedCurrency(search.currency)) return {};
  return { amountMin: amountBound(search.amountMin, search.currency), amountMax: amountBound(search.amountMax, search.currency) };
}

