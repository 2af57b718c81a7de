/**
 * What the payment-intent core asks of checkout sessions, kept apart from the session service (which
 * creates intents) so the two areas never import each other in a circle.
 */
import type { CheckoutLineItemView } from '../../../shared/contracts/checkout-sessions.js';
import type { Executor } from '../../db/database.js';
import type { Row } from '../../db/schema.js';
import { emitEvent } from '../events/events.service.js';
import type { Actor, Scope } from '../shared/deps.js';
import { toCheckoutSessionDto, toLineItemView } from './checkout-sessions.dto.js';
import * as repo from './checkout-sessions.repository.js';

/**
 * The intent was just paid (or authorised, with manual capture) in this transaction, which holds its row
 * lock: its session, if it has one and is still open, completes with it, and says so in an event.
 */
export async function completeSessionOfIntent(t: Executor, actor: Actor, intent: Row<'payment_intents'>): Promise<void> {
  const email = intent.receipt_email;
  const completed = await repo.transitionOpenSession(t, actor, { paymentIntentId: intent.id }, {
    status: 'complete',
    // Authorised but not captured is not paid yet (Stripe's payment_status for manual capture).
    payment_status: intent.status === 'succeeded' ? 'paid' : 'unpaid',
    completed_at: new Date(),
    ...(email ? { customer_details: JSON.stringify({ email, name: null }) } : {}),
  });
  if (completed) await emitEvent(t, actor, 'checkout.session.completed', toCheckoutSessionDto(completed, ''));
}

/** The hosted page's read of a session by id alone (see checkout-sessions.repository). */
export function getSessionForPage(db: Executor, id: string) {
  return repo.getSessionForPage(db, id);
}

/** The session's items as the hosted page lists them; null when the intent has no session. */
export async function sessionItemsOfIntent(db: Executor, scope: Scope, intentId: string): Promise<{ sessionId: string; successUrl: string | null; items: CheckoutLineItemView[] } | null> {
  const session = await repo.getSessionOfIntent(db, scope, intentId);
  if (!session) return null;
  const { rows } = await repo.findLineItems(db, scope, session.id, { limit: 100 });
  return { sessionId: session.id, successUrl: session.success_url, items: rows.map(toLineItemView) };
}
