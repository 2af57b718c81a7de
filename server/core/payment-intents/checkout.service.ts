import { UNCONFIRMED_STATUSES } from '../../../shared/status.js';
import type { CheckoutBootstrap } from '../../../shared/contracts/checkout.js';
import { isHttpUrl } from '../../../shared/contracts/payment-intents.js';
import type { Executor } from '../../db/database.js';
import { getActivePublishableKey } from '../api-keys/api-keys.service.js';
import { findSavedCards } from '../payment-methods/payment-methods.service.js';
import { safeEqual } from '../shared/crypto.js';
import { challengePath, checkoutPath } from './payment-intents.dto.js';
import { getCheckoutIntent, type CheckoutIntentRow } from './payment-intents.repository.js';
import { MAX_FAILED_ATTEMPTS } from '../../../shared/limits.js';
import { sessionSuccessUrl } from '../checkout-sessions/checkout-sessions.dto.js';
import { getSessionForPage, sessionOfIntent } from '../checkout-sessions/intent-hooks.js';

/**
 * The rules of the hosted checkout (server/checkout is its HTTP edge): who may see an intent's page, what
 * that page should be, and where the buyer goes next.
 */

export { challengePath, checkoutPath, type CheckoutIntentRow };

const OPEN_STATUSES: ReadonlySet<string> = new Set(UNCONFIRMED_STATUSES);

/** Compared against when the id is unknown, so that case costs the same as a wrong secret. */
const NO_SECRET = 'pi_0_secret_0';

/**
 * `denied` covers an unknown id, a malformed one and a wrong or missing secret alike: the page answers all
 * of them the same way, so a visitor cannot learn which payment ids exist.
 */
type IntentAccess = { kind: 'denied' } | { kind: 'ok'; intent: CheckoutIntentRow };

export async function authorizeCheckout(db: Executor, intentId: string, clientSecret: string | undefined): Promise<IntentAccess> {
  // Ids are short and prefixed; anything else is not worth a query.
  const intent = /^pi_[A-Za-z0-9]{1,64}$/.test(intentId) ? await getCheckoutIntent(db, intentId) : undefined;
  const matches = safeEqual(intent?.client_secret ?? NO_SECRET, clientSecret ?? '');
  return intent && clientSecret && matches ? { kind: 'ok', intent } : { kind: 'denied' };
}

/**
 * The intent behind a checkout session's page. The session id is the page's credential (as with Stripe's
 * session URL); undefined for an unknown or malformed id, which the page answers like any invalid link.
 */
export async function checkoutIntentOfSession(db: Executor, sessionId: string): Promise<CheckoutIntentRow | undefined> {
  if (!/^cs_[A-Za-z0-9]{1,64}$/.test(sessionId)) return undefined;
  const session = await getSessionForPage(db, sessionId);
  return session ? getCheckoutIntent(db, session.payment_intent_id) : undefined;
}

/** Only http(s) URLs become links: a merchant-supplied `javascript:` URL must never reach an href. */
export function safeHttpUrl(value: string | null): string | null {
  return value && isHttpUrl(value) ? value : null;
}

/** Adds query parameters to a merchant's URL: with & when it already has a query, before any #fragment. */
function appendQuery(url: string, params: URLSearchParams): string {
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? '' : url.slice(hash);
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}${params.toString()}${fragment}`;
}

/** success_url?payment_intent=pi_… */
export function appendPaymentIntent(url: string, intentId: string): string {
  return appendQuery(url, new URLSearchParams({ payment_intent: intentId }));
}

function storedReturnUrl(intent: CheckoutIntentRow): string | null {
  const next = intent.next_action as { redirect_to_url?: { return_url?: string | null } } | null;
  return safeHttpUrl(next?.redirect_to_url?.return_url ?? null);
}

/**
 * Where the challenge sends the payer when the merchant confirmed with its own return_url (Stripe's
 * redirect convention); null when the payer came from the hosted checkout, which then takes over.
 */
export function merchantReturnUrl(intent: CheckoutIntentRow, status: string): string | null {
  const url = storedReturnUrl(intent);
  if (!url) return null;
  return appendQuery(
    url,
    new URLSearchParams({
      payment_intent: intent.id,
      payment_intent_client_secret: intent.client_secret,
      redirect_status: status === 'succeeded' || status === 'requires_capture' ? 'succeeded' : 'failed',
    }),
  );
}

/**
 * Every origin the challenge form's answer may redirect the browser to: the merchant's return_url, or the
 * hosted checkout and from there the success_url. A redirect after a form post is checked against the
 * page's form-action, so the challenge page must allow exactly these.
 */
export function challengeRedirectOrigins(intent: CheckoutIntentRow): string[] {
  const origins = new Set<string>();
  for (const url of [storedReturnUrl(intent), successRedirectUrl(intent)]) {
    if (url) origins.add(new URL(url).origin);
  }
  return [...origins];
}

type CheckoutState =
  | { kind: 'pay' }
  | { kind: 'paid'; status: 'succeeded' | 'requires_capture' | 'processing' }
  | { kind: 'expired' }
  | { kind: 'canceled'; tooManyAttempts: boolean };

export function checkoutState(intent: CheckoutIntentRow, now = new Date()): CheckoutState {
  if (intent.status === 'succeeded' || intent.status === 'requires_capture' || intent.status === 'processing') {
    return { kind: 'paid', status: intent.status };
  }
  if (intent.status === 'canceled') {
    // The core cancels after the fifth failed attempt; say so rather than "expired", whatever reason it records.
    if (intent.failed_attempts >= MAX_FAILED_ATTEMPTS) return { kind: 'canceled', tooManyAttempts: true };
    if (intent.cancellation_reason === 'abandoned') return { kind: 'expired' };
    return { kind: 'canceled', tooManyAttempts: false };
  }
  // The expiry job may not have run yet: a link past its time is expired all the same.
  if (OPEN_STATUSES.has(intent.status) && intent.expires_at && intent.expires_at.getTime() <= now.getTime()) {
    return { kind: 'expired' };
  }
  return { kind: 'pay' };
}

export function successRedirectUrl(intent: CheckoutIntentRow): string | null {
  // A session's buyer goes to the session's success_url, {CHECKOUT_SESSION_ID} filled in (Stripe's redirect).
  if (intent.checkout_session_id) {
    const url = safeHttpUrl(intent.session_success_url);
    return url ? sessionSuccessUrl(url, intent.checkout_session_id) : null;
  }
  const url = safeHttpUrl(intent.success_url);
  return url ? appendPaymentIntent(url, intent.id) : null;
}

/** The JSON the page embeds; null when the merchant has no usable publishable key in this mode. */
export async function buildBootstrap(db: Executor, intent: CheckoutIntentRow, options: { returnedFromChallenge: boolean }): Promise<CheckoutBootstrap | null> {
  const publishableKey = await getActivePublishableKey(db, { merchantId: intent.merchant_id, livemode: intent.livemode });
  if (!publishableKey) return null;
  const lastError = intent.last_payment_error as { code?: string; decline_code?: string; message?: string } | null;
  const scope = { merchantId: intent.merchant_id, livemode: intent.livemode };
  const session = intent.checkout_session_id ? await sessionOfIntent(db, scope, intent.id) : null;
  return {
    savedCards: intent.customer_id ? await findSavedCards(db, scope, intent.customer_id) : [],
    intent: {
      id: intent.id,
      clientSecret: intent.client_secret,
      amount: intent.amount,
      currency: intent.currency,
      description: intent.description,
      livemode: intent.livemode,
    },
    merchant: { name: intent.merchant_name },
    session: session ? { id: session.id, lineItems: session.lineItems, emailFixed: session.knownBuyer && Boolean(intent.receipt_email) } : null,
    receiptEmail: intent.receipt_email,
    publishableKey,
    successRedirectUrl: successRedirectUrl(intent),
    cancelUrl: safeHttpUrl(intent.cancel_url),
    pendingActionUrl: intent.status === 'requires_action' ? challengePath(intent.id, intent.client_secret) : null,
    returnedError:
      options.returnedFromChallenge && lastError
        ? { code: lastError.code ?? null, declineCode: lastError.decline_code ?? null, message: lastError.message ?? null }
        : null,
  };
}
