import { formatAmount, isSupportedCurrency } from '../../shared/money';

/** A money amount for display; unknown currencies (should not happen) fall back to the raw minor units. */
export function money(amount: number, currency: string): string {
  return isSupportedCurrency(currency) ? formatAmount(amount, currency) : `${amount} ${currency.toUpperCase()}`;
}

/** The exact instant with seconds and the zone's name, for title tooltips. */
export function exactTime(unixSeconds: number, zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeStyle: 'long', timeZone: zone }).format(unixSeconds * 1000);
  } catch {
    return new Date(unixSeconds * 1000).toISOString();
  }
}

/** "Visa", "Mastercard", "American Express" from the API's brand key. */
export function brandName(brand: string | null | undefined): string {
  if (!brand) return 'Card';
  const names: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', jcb: 'JCB', diners: 'Diners Club', unionpay: 'UnionPay' };
  return names[brand] ?? brand.charAt(0).toUpperCase() + brand.slice(1);
}
