import { parseMajorUnits } from '../../shared/money';

/** A pattern for a comma-separated list of known values. */
export function listOf(values: readonly string[]): RegExp {
  const one = `(?:${values.join('|')})`;
  return new RegExp(`^${one}(?:,${one})*$`);
}

/** Amounts typed in major units of the filtered currency (or the merchant's default currency). */
export function amountBound(text: string | undefined, currency: string): number | undefined {
  if (!text) return undefined;
  return parseMajorUnits(text, currency) ?? undefined;
}

