/**
 * The one call that carries card data: POST /v1/payment_intents/:id/confirm with the merchant's publishable
 * key and the intent's client secret. The card fields go into this request body and nowhere else.
 */

export interface IntentResult {
  id: string;
  status: string;
  cancellation_reason?: string | null;
  next_action?: { type: string; redirect_to_url?: { url: string } } | null;
  last_payment_error?: { code?: string; decline_code?: string; message?: string } | null;
}

export interface ApiErrorBody {
  type?: string;
  code?: string;
  decline_code?: string;
  message?: string;
  param?: string;
  payment_intent?: IntentResult;
}

type ConfirmOutcome =
  | { kind: 'intent'; intent: IntentResult }
  | { kind: 'error'; status: number; error: ApiErrorBody }
  | { kind: 'network' };

interface CardDetails {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
  name: string;
  email: string;
}

/** Stripe's bracket notation, form-encoded (what Stripe.js sends). */
function confirmBody(clientSecret: string, card: CardDetails): URLSearchParams {
  const body = new URLSearchParams();
  body.set('client_secret', clientSecret);
  body.set('payment_method_data[type]', 'card');
  body.set('payment_method_data[card][number]', card.number);
  body.set('payment_method_data[card][exp_month]', String(card.expMonth));
  body.set('payment_method_data[card][exp_year]', String(card.expYear));
  body.set('payment_method_data[card][cvc]', card.cvc);
  if (card.name) body.set('payment_method_data[billing_details][name]', card.name);
  if (card.email) {
    body.set('payment_method_data[billing_details][email]', card.email);
    body.set('receipt_email', card.email);
  }
  return body;
}

/** A returning customer's saved card: only its id travels (the server checks it is the intent's customer's). */
function savedCardBody(clientSecret: string, paymentMethod: string, email: string): URLSearchParams {
  const body = new URLSearchParams();
  body.set('client_secret', clientSecret);
  body.set('payment_method', paymentMethod);
  if (email) body.set('receipt_email', email);
  return body;
}

export async function confirmIntent(
  options: { intentId: string; clientSecret: string; publishableKey: string } & ({ card: CardDetails } | { savedCard: string; email: string }),
): Promise<ConfirmOutcome> {
  let response: Response;
  try {
    response = await fetch(`/v1/payment_intents/${encodeURIComponent(options.intentId)}/confirm`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${options.publishableKey}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: 'card' in options ? confirmBody(options.clientSecret, options.card) : savedCardBody(options.clientSecret, options.savedCard, options.email),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    return { kind: 'network' };
  }
  const json = (await response.json().catch(() => null)) as (IntentResult & { error?: ApiErrorBody }) | null;
  if (response.ok && json && !json.error) return { kind: 'intent', intent: json };
  return { kind: 'error', status: response.status, error: json?.error ?? { message: `Request failed (${response.status})` } };
}
