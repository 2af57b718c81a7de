import { TRPCError } from '@trpc/server';
import { addMember, createSession, resolveSession } from '../../core/accounts/accounts.service.js';
import { randomString } from '../../../shared/ids.js';
import type { Role } from '../../../shared/permissions.js';
import { cancelPaymentIntent, confirmPaymentIntent, createPaymentIntent, isPersistedDecline } from '../../core/payment-intents/payment-intents.service.js';
import { createRefund } from '../../core/refunds/refunds.service.js';
import type { Actor } from '../../core/shared/deps.js';
import { backdatePayment } from '../../test/backdate.js';
import type { TestDatabase } from '../../test/db.js';
import { createInnerContext } from '../context.js';
import { createCallerFactory } from '../trpc.js';
import { appRouter } from './_app.js';

/** Test-only helpers for the dashboard's router tests: callers per role and payments made through the core. */
const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

export async function callerFor(t: TestDatabase, userId: string, merchantId: string): Promise<Caller> {
  const { token } = await createSession(t.db, userId, merchantId);
  return createCaller(createInnerContext({ deps: t.deps, session: await resolveSession(t.db, token) }));
}

export async function memberCaller(t: TestDatabase, merchantId: string, role: Role): Promise<{ caller: Caller; userId: string; email: string }> {
  const email = `${role}-${randomString(8).toLowerCase()}@example.test`;
  const user = await addMember(t.db, merchantId, { email, name: `A ${role}`, password: 'a-long-test-passphrase', role });
  return { caller: await callerFor(t, user.id, merchantId), userId: user.id, email };
}

/** How a fixture payment ends up; each is reached through the core, the way a merchant would. */
type PaymentOutcome =
  | 'succeeded' // pm_card_visa (or `card`), confirmed
  | 'requires_capture' // capture_method=manual
  | 'requires_action' // a 3-D Secure card, challenge not completed
  | 'requires_payment_method' // created, never confirmed
  | 'requires_confirmation' // created with a card, not confirmed
  | 'failed' // one decline (generic_decline, last 4 0002)
  | 'failed_then_canceled'; // two declines, then canceled

export interface PaymentSpec {
  outcome?: PaymentOutcome;
  amount?: number;
  currency?: string;
  livemode?: boolean;
  /** A test PaymentMethod id (pm_card_*) for the confirmation. */
  card?: string;
  customer?: string;
  receipt_email?: string;
  description?: string;
  metadata?: Record<string, string>;
  /** Refunded after success, through createRefund. */
  refunded?: number;
  /** Moved back to this instant afterwards (server/test/backdate.ts). */
  created_at?: string;
}

/**
 * A payment for list and filter tests, made through the core (createPaymentIntent, confirm, cancel,
 * createRefund), so its row, attempts, events and refunds are the ones production writes.
 */
export async function createPayment(t: TestDatabase, merchantId: string, spec: PaymentSpec = {}): Promise<string> {
  const actor: Actor = { merchantId, livemode: spec.livemode ?? false };
  const outcome = spec.outcome ?? 'succeeded';
  const base = {
    amount: spec.amount ?? 1000,
    currency: spec.currency ?? 'usd',
    ...(spec.customer ? { customer: spec.customer } : {}),
    ...(spec.receipt_email ? { receipt_email: spec.receipt_email } : {}),
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.metadata ? { metadata: spec.metadata } : {}),
  };
  const declined = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a decline'); }, (error) => { if (!isPersistedDecline(error)) throw error; });
  let id: string;
  switch (outcome) {
    case 'succeeded':
    case 'requires_capture':
    case 'requires_action': {
      const card = spec.card ?? (outcome === 'requires_action' ? 'pm_card_threeDSecureRequired' : 'pm_card_visa');
      const pi = await createPaymentIntent(t.deps, actor, { ...base, confirm: true, payment_method: card, ...(outcome === 'requires_capture' ? { capture_method: 'manual' as const } : {}) });
      id = pi.id;
      break;
    }
    case 'requires_payment_method':
      id = (await createPaymentIntent(t.deps, actor, base)).id;
      break;
    case 'requires_confirmation':
      id = (await createPaymentIntent(t.deps, actor, { ...base, payment_method: spec.card ?? 'pm_card_visa' })).id;
      break;
    case 'failed':
    case 'failed_then_canceled': {
      id = (await createPaymentIntent(t.deps, actor, base)).id;
      const card = spec.card ?? 'pm_card_chargeDeclined';
      await declined(confirmPaymentIntent(t.deps, actor, id, { payment_method: card }));
      if (outcome === 'failed_then_canceled') {
        await declined(confirmPaymentIntent(t.deps, actor, id, { payment_method: card }));
        await cancelPaymentIntent(t.deps, actor, id, {});
      }
      break;
    }
  }
  if (spec.refunded) await createRefund(t.deps, actor, { payment_intent: id, amount: spec.refunded });
  if (spec.created_at) await backdatePayment(t.db, merchantId, id, spec.created_at);
  return id;
}

export function sorted<T>(values: T[], compare: (a: T, b: T) => number): boolean {
  return values.every((v, i) => i === 0 || compare(values[i - 1]!, v) <= 0);
}

/** The TRPCError a call fails with (any other error, or success, fails the test). */
export async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
