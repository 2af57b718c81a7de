/**
 * The status a person sees for a payment. The API's status says where an intent is in its state machine;
 * the dashboard answers "did I get paid?": a succeeded payment that was refunded in full shows as
 * Refunded, a payment whose card was declined shows as Failed even though the API keeps it open
 * (requires_payment_method) for another attempt. The server filters with the same rules in SQL
 * (server/core/dashboard/payments.repository.ts), so a filter never disagrees with the badge.
 */
export const DISPLAY_STATUSES = [
  'succeeded',
  'partially_refunded',
  'refunded',
  'uncaptured',
  'requires_action',
  'incomplete',
  'failed',
  'canceled',
] as const;
export type DisplayStatus = (typeof DISPLAY_STATUSES)[number];

type BadgeTone = 'neutral' | 'brand' | 'success' | 'warning' | 'danger' | 'info';

export const DISPLAY_STATUS_LABELS: Record<DisplayStatus, string> = {
  succeeded: 'Succeeded',
  partially_refunded: 'Partially refunded',
  refunded: 'Refunded',
  uncaptured: 'Uncaptured',
  requires_action: 'Waiting for customer',
  incomplete: 'Incomplete',
  failed: 'Failed',
  canceled: 'Canceled',
};

export const DISPLAY_STATUS_TONES: Record<DisplayStatus, BadgeTone> = {
  succeeded: 'success',
  partially_refunded: 'info',
  refunded: 'neutral',
  uncaptured: 'brand',
  requires_action: 'warning',
  incomplete: 'warning',
  failed: 'danger',
  canceled: 'neutral',
};

/** One sentence for a tooltip: what the status means and what, if anything, the merchant can do. */
export const DISPLAY_STATUS_DESCRIPTIONS: Record<DisplayStatus, string> = {
  succeeded: 'The payment is complete.',
  partially_refunded: 'Part of the payment was refunded to the customer.',
  refunded: 'The whole payment was refunded to the customer.',
  uncaptured: 'The card was authorized; capture the payment to collect the funds, or cancel it to release them.',
  requires_action: 'The customer has to complete authentication (3-D Secure).',
  incomplete: 'The customer has not finished paying yet.',
  failed: 'The card was declined or authentication failed.',
  canceled: 'The payment was canceled before it completed.',
};

/** The raw fields the display status depends on; both the API object and a list row have them. */
interface DisplayStatusInput {
  status: string;
  amountReceived: number;
  amountRefunded: number;
  /** True when the intent carries a last_payment_error (its latest attempt was declined). */
  hasPaymentError: boolean;
  /** Declined confirmations so far; a canceled intent with declines counts as failed. */
  failedAttempts: number;
}

export function paymentDisplayStatus(input: DisplayStatusInput): DisplayStatus {
  switch (input.status) {
    case 'succeeded':
      if (input.amountRefunded <= 0) return 'succeeded';
      return input.amountRefunded >= input.amountReceived ? 'refunded' : 'partially_refunded';
    case 'requires_capture':
      return 'uncaptured';
    case 'requires_action':
      return 'requires_action';
    case 'requires_payment_method':
      return input.hasPaymentError ? 'failed' : 'incomplete';
    case 'canceled':
      return input.failedAttempts > 0 ? 'failed' : 'canceled';
    default:
      // requires_confirmation, processing
      return 'incomplete';
  }
}

/** For a Stripe-shaped PaymentIntent; failedAttempts is not part of the API object, so pass it separately. */
export function intentDisplayStatus(
  intent: { status: string; amount_received: number; amount_refunded: number; last_payment_error: unknown },
  failedAttempts: number,
): DisplayStatus {
  return paymentDisplayStatus({
    status: intent.status,
    amountReceived: intent.amount_received,
    amountRefunded: intent.amount_refunded,
    hasPaymentError: intent.last_payment_error !== null && intent.last_payment_error !== undefined,
    failedAttempts,
  });
}
