import type { CheckoutLineItemView } from './checkout-sessions.js';

/**
 * What the checkout page hands its client in a `<script type="application/json">`: only the public bits a
 * buyer's browser needs to show the order and confirm it. The client imports this type only.
 */
export interface CheckoutBootstrap {
  intent: {
    id: string;
    clientSecret: string;
    amount: number;
    currency: string;
    description: string | null;
    livemode: boolean;
  };
  merchant: { name: string };
  /** Set when the intent belongs to a checkout session: the items the buyer is paying for. */
  session: {
    id: string;
    lineItems: CheckoutLineItemView[];
    /** The merchant named the buyer (customer or customer_email): the email is shown, not asked for. */
    emailFixed: boolean;
  } | null;
  receiptEmail: string | null;
  publishableKey: string;
  /** success_url with `payment_intent=pi_…` appended; null when the merchant gave none. */
  successRedirectUrl: string | null;
  cancelUrl: string | null;
  /** The 3-D Secure challenge still waiting for the buyer (the intent is in requires_action). */
  pendingActionUrl: string | null;
  /** The intent's customer's saved cards, newest first (a returning customer may pay with one). */
  savedCards: SavedCard[];
  /** Set when the buyer comes back from a failed 3-D Secure challenge, so the page can say why. */
  returnedError: { code: string | null; declineCode: string | null; message: string | null } | null;
}

/** What the page may show of a saved card: never more than a card's face shows. */
export interface SavedCard {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export const BOOTSTRAP_ELEMENT_ID = 'checkout-bootstrap';
