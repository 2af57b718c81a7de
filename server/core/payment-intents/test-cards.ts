import type { AuthorizationResult, CardProcessor } from './card-processor.js';

/**
 * DESIGN §4's test cards. `behavior` is stored on the payment method (payment_methods.test_behavior) so
 * the simulator, and later the refund job, know what to do without ever keeping the number.
 */
type TestBehavior =
  | 'succeed'
  | 'three_d_secure'
  | 'refund_fail'
  | 'dispute:fraudulent'
  | 'dispute:product_not_received'
  | 'dispute:inquiry'
  | 'decline:generic_decline'
  | 'decline:insufficient_funds'
  | 'decline:lost_card'
  | 'decline:stolen_card'
  | 'decline:fraudulent'
  | 'decline:expired_card'
  | 'decline:incorrect_cvc';

interface TestCard {
  number: string;
  brand: string;
  funding: 'credit' | 'debit';
  country: string;
  behavior: TestBehavior;
}

const card = (number: string, brand: string, behavior: TestBehavior, funding: 'credit' | 'debit' = 'credit', country = 'US'): TestCard => ({ number, brand, funding, country, behavior });

const TEST_CARDS: readonly TestCard[] = [
  card('4242424242424242', 'visa', 'succeed'),
  card('4000056655665556', 'visa', 'succeed', 'debit'),
  card('5555555555554444', 'mastercard', 'succeed'),
  card('378282246310005', 'amex', 'succeed'),
  card('4000000000000002', 'visa', 'decline:generic_decline'),
  card('4000000000009995', 'visa', 'decline:insufficient_funds'),
  card('4000000000009987', 'visa', 'decline:lost_card'),
  card('4000000000009979', 'visa', 'decline:stolen_card'),
  card('4100000000000019', 'visa', 'decline:fraudulent'),
  card('4000000000000069', 'visa', 'decline:expired_card'),
  card('4000000000000127', 'visa', 'decline:incorrect_cvc'),
  card('4000002500003155', 'visa', 'three_d_secure'),
  card('4000000000003220', 'visa', 'three_d_secure'),
  card('4000002760003184', 'visa', 'three_d_secure'),
  card('4000000000005126', 'visa', 'refund_fail'),
  // Succeed, then the cardholder disputes the payment (server/core/disputes).
  card('4000000000000259', 'visa', 'dispute:fraudulent'),
  card('4000000000002685', 'visa', 'dispute:product_not_received'),
  card('4000000000001976', 'visa', 'dispute:inquiry'),
];

const BY_NUMBER = new Map(TEST_CARDS.map((c) => [c.number, c]));

/** Stripe's test PaymentMethod ids; each stands for one of the numbers above. */
export const TEST_PAYMENT_METHODS: Record<string, string> = {
  pm_card_visa: '4242424242424242',
  pm_card_visa_debit: '4000056655665556',
  pm_card_mastercard: '5555555555554444',
  pm_card_amex: '378282246310005',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_chargeDeclinedLostCard: '4000000000009987',
  pm_card_chargeDeclinedStolenCard: '4000000000009979',
  pm_card_chargeDeclinedFraudulent: '4100000000000019',
  pm_card_chargeDeclinedExpiredCard: '4000000000000069',
  pm_card_chargeDeclinedIncorrectCvc: '4000000000000127',
  pm_card_authenticationRequired: '4000002760003184',
  pm_card_authenticationRequiredOnSetup: '4000002500003155',
  pm_card_threeDSecure2Required: '4000000000003220',
  pm_card_threeDSecureRequired: '4000000000003220',
  pm_card_refundFail: '4000000000005126',
  pm_card_createDispute: '4000000000000259',
  pm_card_createDisputeProductNotReceived: '4000000000002685',
  pm_card_createDisputeInquiry: '4000000000001976',
};

/** The test number behind a `pm_card_*` id; own keys only, so `constructor` or `__proto__` are not cards. */
export function testCardNumberFor(id: string): string | undefined {
  return Object.hasOwn(TEST_PAYMENT_METHODS, id) ? TEST_PAYMENT_METHODS[id] : undefined;
}

export function findTestCard(number: string): TestCard | undefined {
  return BY_NUMBER.get(number);
}

export function detectBrand(number: string): string {
  if (/^4/.test(number)) return 'visa';
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(number)) return 'discover';
  if (/^35/.test(number)) return 'jcb';
  if (/^3(0[0-5]|[68])/.test(number)) return 'diners';
  if (/^62/.test(number)) return 'unionpay';
  return 'unknown';
}

const DECLINE_MESSAGES: Record<string, { code: 'card_declined' | 'expired_card' | 'incorrect_cvc'; message: string }> = {
  generic_decline: { code: 'card_declined', message: 'Your card was declined.' },
  insufficient_funds: { code: 'card_declined', message: 'Your card has insufficient funds.' },
  lost_card: { code: 'card_declined', message: 'Your card was declined.' },
  stolen_card: { code: 'card_declined', message: 'Your card was declined.' },
  fraudulent: { code: 'card_declined', message: 'Your card was declined.' },
  expired_card: { code: 'expired_card', message: 'Your card has expired.' },
  incorrect_cvc: { code: 'incorrect_cvc', message: "Your card's security code is incorrect." },
};

/** What the simulator answers for a card with this behavior (null: not a test card). */
export function simulateAuthorization(behavior: string | null): AuthorizationResult {
  if (behavior === null) {
    return {
      status: 'declined',
      code: 'card_declined',
      declineCode: 'test_mode_live_card',
      message: 'Your card was declined. Your request was in test mode, but used a non test card. For a list of valid test cards, visit: https://docs.stripe.com/testing.',
    };
  }
  if (behavior === 'three_d_secure') return { status: 'requires_action' };
  if (behavior.startsWith('decline:')) {
    const declineCode = behavior.slice('decline:'.length);
    const known = DECLINE_MESSAGES[declineCode] ?? DECLINE_MESSAGES.generic_decline;
    return { status: 'declined', code: known.code, declineCode, message: known.message };
  }
  return { status: 'approved' };
}

export const testCardProcessor: CardProcessor = {
  async authorize(request) {
    return simulateAuthorization(request.card.testBehavior);
  },
  async refund(request) {
    return request.card?.testBehavior === 'refund_fail' ? { status: 'failed', failureReason: 'declined' } : { status: 'succeeded' };
  },
};
