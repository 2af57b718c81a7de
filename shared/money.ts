/**
 * Currencies and amounts. Amounts are always integers in the currency's minor unit; this module is the
 * one place that knows each currency's exponent and minimum charge.
 */
interface CurrencyInfo {
  code: string;
  exponent: 0 | 2 | 3;
  /** Smallest chargeable amount in minor units (Stripe's minimums; 50 cents or equivalent). */
  minimum: number;
}

const ZERO_DECIMAL = ['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf'];
const THREE_DECIMAL = ['bhd', 'jod', 'kwd', 'omr', 'tnd'];
const MINIMUMS: Record<string, number> = {
  usd: 50, eur: 50, gbp: 30, cad: 50, aud: 50, chf: 50, nzd: 50, sgd: 50, hkd: 400, sek: 300, nok: 300,
  dkk: 250, pln: 200, czk: 1500, huf: 17500, mxn: 1000, brl: 50, inr: 50, jpy: 50, krw: 500,
  kwd: 200, bhd: 200, jod: 300, omr: 200, tnd: 2000,
};
const OTHER = ['cad', 'aud', 'chf', 'nzd', 'sgd', 'hkd', 'sek', 'nok', 'dkk', 'pln', 'czk', 'huf', 'mxn', 'brl', 'inr', 'usd', 'eur', 'gbp'];

export const CURRENCIES: Record<string, CurrencyInfo> = Object.fromEntries(
  [...OTHER, ...ZERO_DECIMAL, ...THREE_DECIMAL].map((code) => [
    code,
    {
      code,
      exponent: ZERO_DECIMAL.includes(code) ? 0 : THREE_DECIMAL.includes(code) ? 3 : 2,
      minimum: MINIMUMS[code] ?? (ZERO_DECIMAL.includes(code) ? 1 : 50),
    } satisfies CurrencyInfo,
  ]),
);

export const MAX_AMOUNT = 99_999_999;

export function isSupportedCurrency(code: string): boolean {
  return Object.hasOwn(CURRENCIES, code.toLowerCase());
}

export function currencyInfo(code: string): CurrencyInfo {
  const info = CURRENCIES[code.toLowerCase()];
  if (!info) throw new Error(`Unsupported currency: ${code}`);
  return info;
}

/** Minor units to a major-unit decimal string without floating point: 1999 usd -> "19.99", 5 kwd -> "0.005". */
export function toMajorUnitString(amount: number | bigint, currency: string): string {
  const { exponent } = currencyInfo(currency);
  // Safe integers stay numbers (exports format millions of amounts; a BigInt per amount showed in the profile).
  const negative = amount < 0;
  const magnitude = typeof amount === 'number' && Number.isSafeInteger(amount) ? Math.abs(amount) : (negative ? -BigInt(amount) : BigInt(amount));
  const digits = magnitude.toString().padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : '.' + digits.slice(-exponent);
  return (negative ? '-' : '') + whole + fraction;
}

/**
 * Parses what a person types ("19.99", "1,000", "5") into minor units, refusing more decimals than the
 * currency has. Returns null when the text is not an amount.
 */
export function parseMajorUnits(text: string, currency: string): number | null {
  const { exponent } = currencyInfo(currency);
  const cleaned = text.trim().replace(/[,\s]/g, '');
  const match = /^(\d+)(?:\.(\d*))?$/.exec(cleaned);
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return null;
  const minor = BigInt(match[1] + fraction.padEnd(exponent, '0'));
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(minor);
}

/** Locale formatting for display: uses Intl with the currency's own exponent (never float arithmetic on the value). */
export function formatAmount(amount: number, currency: string, locale = 'en-US'): string {
  const { exponent } = currencyInfo(currency);
  const major = toMajorUnitString(amount, currency);
  // Intl accepts a decimal string and formats it exactly (no binary rounding on the way).
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(major as unknown as number);
}
