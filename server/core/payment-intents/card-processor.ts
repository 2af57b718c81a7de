/**
 * The seam between the payment core and whoever moves money. Test mode uses the simulator in
 * test-cards.ts; a live connector (an acquirer, a PSP) implements the same interface and is passed in
 * CoreDeps.liveCardProcessor. The processor never sees the card number: cards are tokenised into
 * payment_methods first, and a live connector would hold its own token.
 */
export interface ProcessorCard {
  paymentMethodId: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  fingerprint: string;
  /** Only for test cards: what the simulator should do. */
  testBehavior: string | null;
}

interface AuthorizationRequest {
  paymentIntentId: string;
  amount: number;
  currency: string;
  livemode: boolean;
  card: ProcessorCard;
}

export type AuthorizationResult =
  | { status: 'approved' }
  | { status: 'requires_action' }
  | { status: 'declined'; code: 'card_declined' | 'expired_card' | 'incorrect_cvc' | 'processing_error'; declineCode: string; message: string };

interface RefundRequest {
  refundId: string;
  paymentIntentId: string;
  amount: number;
  currency: string;
  livemode: boolean;
  card: ProcessorCard | null;
}

type RefundResult = { status: 'succeeded' } | { status: 'failed'; failureReason: string };

export interface CardProcessor {
  authorize(request: AuthorizationRequest): Promise<AuthorizationResult>;
  /** Called by the refund job, outside the request that created the refund. */
  refund(request: RefundRequest): Promise<RefundResult>;
}
