/** Plain words for what the card network said; what a buyer can do next, not what the code means. */

interface DeclineInfo {
  code?: string | null;
  decline_code?: string | null;
  message?: string | null;
}

export type DeclineField = 'number' | 'expiry' | 'cvc' | null;

interface DeclineMessage {
  text: string;
  /** The field the buyer should fix, if the problem is in one. */
  field: DeclineField;
}

export const CANCELED_AFTER_FAILURES = 'This payment was canceled after too many failed attempts';

const BY_DECLINE_CODE: Record<string, DeclineMessage> = {
  insufficient_funds: { text: 'Your card has insufficient funds. Try another card.', field: null },
  expired_card: { text: 'Your card has expired. Check the expiry date or use another card.', field: 'expiry' },
  incorrect_cvc: { text: 'Your card’s security code is incorrect. Check it and try again.', field: 'cvc' },
  incorrect_number: { text: 'Your card number is incorrect. Check it and try again.', field: 'number' },
  invalid_expiry_month: { text: 'Your card’s expiry month is invalid.', field: 'expiry' },
  invalid_expiry_year: { text: 'Your card’s expiry year is invalid.', field: 'expiry' },
  invalid_cvc: { text: 'Your card’s security code is invalid.', field: 'cvc' },
  processing_error: { text: 'Something went wrong while processing your card. Please try again.', field: null },
  authentication_required: { text: 'Your bank needs to authenticate this payment. Please try again.', field: null },
  payment_intent_authentication_failure: {
    text: 'Your bank could not authenticate this payment (authentication failed). Try again or use another card.',
    field: null,
  },
  generic_decline: { text: 'Your card was declined. Try another card or contact your bank.', field: null },
  card_declined: { text: 'Your card was declined. Try another card or contact your bank.', field: null },
};

// Lost, stolen or suspected fraud: a buyer hears only "declined", as with every processor.
const AS_GENERIC = new Set(['lost_card', 'stolen_card', 'fraudulent', 'pickup_card', 'restricted_card', 'do_not_honor', 'card_not_supported']);

export function declineMessage(error: DeclineInfo): DeclineMessage {
  const specific = error.decline_code && !AS_GENERIC.has(error.decline_code) ? BY_DECLINE_CODE[error.decline_code] : undefined;
  if (specific) return specific;
  if (error.code && BY_DECLINE_CODE[error.code] && error.code !== 'card_declined') return BY_DECLINE_CODE[error.code];
  return BY_DECLINE_CODE.generic_decline;
}
