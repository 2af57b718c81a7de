import { isSupportedCurrency, parseMajorUnits } from '../../shared/money';

/** A pattern for a comma-separated list of known values. */
export function listOf(values: readonly string[]): RegExp {
  const one = `(?:${values.join('|')})`;
  return new RegExp(`^${one}(?:,${one})*$`);
}

/** An amount typed in major units of a currency, in minor units. */
export function amountBound(text: string | undefined, currency: string): number | undefined {
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

