import { currencyInfo, parseMajorUnits, toMajorUnitString } from '../../../shared/money';
import { money } from './format';

export type CaptureAmountCheck = { ok: true; amount: number } | { ok: false; error: string };

/**
 * Checks a partial capture typed in major units ("12.50") against what the authorization allows: a
 * positive amount with no more decimals than the currency has, at most `capturable`, and at least the
 * currency's minimum charge. Converts with parseMajorUnits, never float arithmetic.
 */
export function checkCaptureAmount(text: string, currency: string, capturable: number): CaptureAmountCheck {
  const { exponent, minimum } = currencyInfo(currency);
  const minor = parseMajorUnits(text, currency);
  if (minor === null || minor <= 0) {
    return {
      ok: false,
      error: exponent === 0
        ? `Enter a whole amount in ${currency.toUpperCase()}.`
        : `Enter an amount like ${toMajorUnitString(1000 * 10 ** (exponent - 2), currency)} (at most ${exponent} decimals).`,
    };
  }
  if (minor > capturable) return { ok: false, error: `At most ${money(capturable, currency)} can be captured.` };
  if (minor < minimum) return { ok: false, error: `At least ${money(minimum, currency)} must be captured.` };
  return { ok: true, amount: minor };
}
