/**
 * What the payment-intent core asks of checkout sessions, kept apart from the session service (which
 * creates intents) so the two areas never import each other in a circle.
 */
import { MAX_LINE_ITEMS } from '../../../shared/contracts/checkout-sessions.js';
import type { PaymentCheckoutSession } from '../../../shared/contracts/dashboard.js';
import type { Executor } from '../../db/database.js';
import type { Row } from '../../db/schema.js';
import { emitEvent } from '../events/events.service.js';
import { createCustomer } from '../customers/customers.service.js';
import { setIntentCustomer } from '../payment-intents/payment-intents.repository.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { toCheckoutSessionDto, toLineItemView } from './checkout-sessions.dto.js';
import * as repo from './checkout-sessions.repository.js';

/**
 * The intent was just paid (or authorised, with manual capture) in this transaction, which holds its row
 * lock: its session, if it has one and is still open, completes with it, and says so in an event. With
 * customer_creation=always and no customer yet, the buyer becomes a customer (on the session and the intent).
 */
export async function completeSessionOfIntent(deps: CoreDeps, t: Executor, actor: Actor, intent: Row<'payment_intents'>): Promise<void> {
  const session = await repo.getSessionOfIntent(t, actor, intent.id);
  if (!session || session.status !== 'open') return;
  const email = intent.receipt_email;
  let customerId = session.customer_id;
  if (!customerId && session.customer_creation === 'always') {
    customerId = (await createCustomer(deps, actor, { ...(email ? { email } : {}) }, t)).id;
    await setIntentCustomer(t, actor, intent.id, customerId);
  }
  const completed = await repo.transitionOpenSession(t, actor, { id: session.id }, {
    status: 'complete',
    // Authorised but not captured is not paid yet (Stripe's payment_status for manual capture).
    payment_status: intent.status === 'succeeded' ? 'paid' : 'unpaid',
    completed_at: new Date(),
    customer_id: customerId,
    ...(email ? { customer_details: JSON.stringify({ email, name: null }) } : {}),
  });
  if (completed) await emitEvent(t, actor, 'checkout.session.completed', toCheckoutSessionDto(completed, deps.appUrl));
}

/** The hosted page's read of a session by id alone (see checkout-sessions.repository). */
export function getSessionForPage(db: Executor, id: string) {
  return repo.getSessionForPage(db, id);
}

/**
 * The session an intent was made for, with its items as the hosted page and the dashboard list them
 * (every item: a session has at most MAX_LINE_ITEMS); null when the intent has no session.
 */
export async function sessionOfIntent(db: Executor, scope: Scope, intentId: string): Promise<PaymentCheckoutSession | null> {
  const session = await repo.getSessionOfIntent(db, scope, intentId);
  if (!session) return null;
  const { rows } = await repo.findLineItems(db, scope, session.id, { limit: MAX_LINE_ITEMS });
  return {
    id: session.id,
    status: session.status,
    clientReferenceId: session.client_reference_id,
    knownBuyer: Boolean(session.customer_email || session.customer_id),
    lineItems: rows.map(toLineItemView),
  };
}

/** The payment intent of a session in this tenant, for "paste an id" search; null when there is none. */
export async function paymentIntentOfSession(db: Executor, scope: Scope, sessionId: string): Promise<string | null> {
  return (await repo.getSession(db, scope, sessionId))?.payment_intent_id ?? null;
}
