import { currencyInfo, parseMajorUnits, toMajorUnitString } from '../../../shared/money';
import { money } from '../../lib/money';

export type AmountCheck = { ok: true; amount: number } | { ok: false; error: string };

/**
 * Checks an amount typed in major units ("12.50") for the capture and refund dialogs: a positive amount with
 * no more decimals than the currency has, at most `max`, at least `minimum`. Converts with parseMajorUnits,
 * never float arithmetic.
 */
function checkTypedAmount(text: string, currency: string, max: number, verb: 'captured' | 'refunded', minimum = 1): AmountCheck {
  const { exponent } = currencyInfo(currency);
  const minor = parseMajorUnits(text, currency);
  if (minor === null || minor <= 0) {
    return {
      ok: false,
      error: exponent === 0
        ? `Enter a whole amount in ${currency.toUpperCase()}.`
        : `Enter an amount like ${toMajorUnitString(1000 * 10 ** (exponent - 2), currency)} (at most ${exponent} decimals).`,
    };
  }
  if (minor > max) return { ok: false, error: `At most ${money(max, currency)} can be ${verb}.` };
  if (minor < minimum) return { ok: false, error: `At least ${money(minimum, currency)} must be ${verb}.` };
  return { ok: true, amount: minor };
}

/** A capture must also reach the currency's minimum charge. */
export function checkCaptureAmount(text: string, currency: string, capturable: number): AmountCheck {
  return checkTypedAmount(text, currency, capturable, 'captured', currencyInfo(currency).minimum);
}

/** Refunds have no minimum beyond one minor unit. */
export function checkRefundAmount(text: string, currency: string, refundable: number): AmountCheck {
  return checkTypedAmount(text, currency, refundable, 'refunded');
}
