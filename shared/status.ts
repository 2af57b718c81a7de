/** Status enums and plain-language wording shared by the API, the dashboard and the checkout page. */

export const PAYMENT_INTENT_STATUSES = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
  'requires_capture',
  'canceled',
  'succeeded',
] as const;
type PaymentIntentStatus = (typeof PAYMENT_INTENT_STATUSES)[number];

/** Statuses from which an intent may still be canceled (DESIGN §4). */
export const CANCELABLE_STATUSES = ['requires_payment_method', 'requires_confirmation', 'requires_action', 'requires_capture'] as const;
/** Not yet confirmed: these expire after an hour and may still be updated. */
export const UNCONFIRMED_STATUSES = ['requires_payment_method', 'requires_confirmation', 'requires_action'] as const;
export const CONFIRMABLE_STATUSES = ['requires_payment_method', 'requires_confirmation'] as const;

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed', 'canceled'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/** `abandoned` is set only by expiry; a person canceling picks one of the others. */
export const CANCELLATION_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] as const;
type CancellationReason = (typeof CANCELLATION_REASONS)[number];
export const REQUESTABLE_CANCELLATION_REASONS = ['requested_by_customer', 'duplicate', 'fraudulent'] as const satisfies readonly CancellationReason[];


export const REFUND_STATUS_LABELS: Record<RefundStatus, string> = {
  pending: 'Pending',
  succeeded: 'Refunded',
  failed: 'Failed',
  canceled: 'Canceled',
};

/** Decline and error codes in words a merchant's support team can read out to a customer. */
const DECLINE_CODE_DESCRIPTIONS: Record<string, string> = {
  generic_decline: 'The card was declined for an unknown reason.',
  insufficient_funds: 'The card has insufficient funds.',
  expired_card: 'The card has expired.',
  incorrect_cvc: "The card's security code is incorrect.",
  incorrect_number: 'The card number is incorrect.',
  invalid_expiry_month: "The card's expiration month is invalid.",
  invalid_expiry_year: "The card's expiration year is invalid.",
  lost_card: 'The card was reported lost.',
  stolen_card: 'The card was reported stolen.',
  fraudulent: 'The payment was declined because it looked fraudulent.',
  do_not_honor: 'The card issuer declined the payment without giving a reason.',
  processing_error: 'An error occurred while processing the card.',
  authentication_required: 'The payment needs the cardholder to authenticate (3-D Secure).',
  payment_intent_authentication_failure: 'The cardholder failed 3-D Secure authentication.',
  test_mode_live_card: 'A real card was used in test mode; use a test card number instead.',
  live_mode_test_card: 'A test card was used in live mode.',
  card_declined: 'The card was declined.',
};

export function describeDeclineCode(code: string | null | undefined): string {
  if (!code) return 'The payment failed.';
  return DECLINE_CODE_DESCRIPTIONS[code] ?? `The card was declined (${code.replace(/_/g, ' ')}).`;
}

export const REFUND_FAILURE_REASONS: Record<string, string> = {
  declined: "The customer's bank declined the refund.",
  expired_or_canceled_card: 'The card was closed or has expired.',
  lost_or_stolen_card: 'The card was reported lost or stolen.',
  unknown: 'The refund failed for an unknown reason.',
};
