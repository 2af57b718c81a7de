import { currencyInfo, parseMajorUnits, toMajorUnitString } from '../../shared/money';
import { money } from './money';

export type AmountVerb = 'captured' | 'refunded' | 'paid out';

export type AmountCheck = { ok: true; amount: number } | { ok: false; error: string };

/**
 * Checks an amount typed in major units ("12.50") for the capture and refund dialogs: a positive amount with
 * no more decimals than the currency has, at most `max`, at least `minimum`. Converts with parseMajorUnits,
 * never float arithmetic.
 */
function checkTypedAmount(text: string, currency: string, max: number, verb: AmountVerb, minimum = 1): AmountCheck {
  const { exponent } = currencyInfo(currency);
  // "0", "0.00" and "-5" are amounts, just not positive ones: say that, not how to write decimals.
  if (/^\s*(-\s*[\d.,]+|[0.,\s]*0[0.,\s]*)\s*$/.test(text)) return { ok: false, error: 'Enter an amount greater than zero.' };
  const minor = parseMajorUnits(text, currency);
  if (minor === null || minor <= 0) {
    return {
      ok: false,
      error: exponent === 0
        ? `Enter a whole amount in ${currency.toUpperCase()}.`
        : `Enter an amount like ${toMajorUnitString(1000 * 10 ** (exponent - 2), currency)} (at most ${exponent} decimals).`,
    };
  }
  if (minor > max) return { ok: false, error: amountTooLarge(max, currency, verb) };
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

/** A manual payout: up to the available balance of its currency. */
export function checkPayoutAmount(text: string, currency: string, available: number): AmountCheck {
  return checkTypedAmount(text, currency, available, 'paid out');
}

/** What the dialogs say when the server refuses an amount (someone refunded or captured in the meantime). */
export function amountTooLarge(max: number, currency: string, verb: AmountVerb): string {
  return max > 0 ? `At most ${money(max, currency)} can be ${verb}.` : `Nothing is left to be ${verb}.`;
}
