import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentError } from '../../../shared/errors.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { createCustomer } from '../customers/customers.service.js';
import { listEvents } from '../events/events.service.js';
import { createRefund } from '../refunds/refunds.service.js';
import type { Actor } from '../shared/deps.js';
import type { CardProcessor } from './card-processor.js';
import { cancelPaymentIntent, capturePaymentIntent, confirmPaymentIntent, createPaymentIntent, getPaymentIntent, isPersistedDecline, updatePaymentIntent } from './payment-intents.service.js';
import { completeThreeDSecure } from './three-d-secure.service.js';
import { countPaymentsByFingerprint, findPaymentAttempts, listPaymentIntents } from './payment-intents-queries.service.js';
import { expireIntents } from './expiry.service.js';
import { getPaymentTimeline } from './timeline.service.js';

let t: TestDatabase;
let actor: Actor;

beforeAll(async () => {
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  actor = { merchantId: m.merchant.id, livemode: false, userId: m.user.id, requestId: 'req_test', idempotencyKey: null };
});
afterAll(async () => t?.drop());

async function expectError(promise: Promise<unknown>): Promise<PaymentError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(PaymentError);
  return error as PaymentError;
}

const future = { exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' };

describe('create and validate', () => {
  it('creates an intent in requires_payment_method with Stripe fields and a created event', async () => {
    const pi = await createPaymentIntent(t.deps, actor, { amount: '2000', currency: 'USD', metadata: { order_id: '42' }, success_url: 'https://shop.test/ok' });
    expect(pi).toMatchObject({
      object: 'payment_intent', amount: 2000, currency: 'usd', status: 'requires_payment_method', livemode: false,
      amount_received: 0, amount_capturable: 0, amount_refunded: 0, payment_method_types: ['card'], capture_method: 'automatic',
      metadata: { order_id: '42' }, last_payment_error: null, next_action: null, customer: null,
    });
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_`));
    expect(pi.checkout_url).toBe(`${t.deps.appUrl}/checkout/${pi.id}?client_secret=${encodeURIComponent(pi.client_secret)}`);
    expect(pi.expires_at! - pi.created).toBeGreaterThanOrEqual(3599);
    const events = await listEvents(t.deps, actor, { type: 'payment_intent.created' });
    const event = events.data.find((e) => e.data.object.id === pi.id)!;
    expect(event).toMatchObject({ object: 'event', type: 'payment_intent.created', livemode: false, api_version: expect.any(String), request: { id: 'req_test', idempotency_key: null } });
    expect(event.data.object).toEqual(pi);
  });

  it('respects currency minimums and exponents (jpy, kwd)', async () => {
    expect((await expectError(createPaymentIntent(t.deps, actor, { amount: 49, currency: 'usd' }))).code).toBe('amount_too_small');
    expect((await expectError(createPaymentIntent(t.deps, actor, { amount: 49, currency: 'jpy' }))).message).toContain('50 jpy');
    const yen = await createPaymentIntent(t.deps, actor, { amount: 50, currency: 'jpy', confirm: true, payment_method: 'pm_card_visa' });
    expect(yen).toMatchObject({ amount: 50, amount_received: 50, status: 'succeeded' });
    const kwdError = await expectError(createPaymentIntent(t.deps, actor, { amount: 199, currency: 'kwd' }));
    expect(kwdError.message).toContain('0.200 kwd');
    const kwd = await createPaymentIntent(t.deps, actor, { amount: 1234, currency: 'kwd' });
    expect(kwd.amount).toBe(1234);
    expect((await expectError(createPaymentIntent(t.deps, actor, { amount: 100_000_000, currency: 'usd' }))).param).toBe('amount');
  });

  it('rejects unknown parameters and bad metadata naming the parameter', async () => {
    const unknown = await expectError(createPaymentIntent(t.deps, actor, { amount: 500, currency: 'usd', colour: 'red' } as never));
    expect(unknown).toMatchObject({ code: 'parameter_unknown', param: 'colour' });
    const longValue = await expectError(createPaymentIntent(t.deps, actor, { amount: 500, currency: 'usd', metadata: { k: 'x'.repeat(501) } }));
    expect(longValue).toMatchObject({ code: 'metadata_invalid', param: 'metadata[k]' });
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    expect((await expectError(createPaymentIntent(t.deps, actor, { amount: 500, currency: 'usd', metadata: tooMany }))).code).toBe('metadata_invalid');
    expect((await expectError(createPaymentIntent(t.deps, actor, { currency: 'usd' } as never))).code).toBe('parameter_missing');
    expect((await expectError(createPaymentIntent(t.deps, actor, { amount: '12.5', currency: 'usd' }))).code).toBe('parameter_invalid_integer');
  });

  it('updates unconfirmed intents, deletes metadata keys with "", and refuses amount changes after success', async () => {
    const customer = await createCustomer(t.deps, actor, { email: 'payer@example.test' });
    const pi = await createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'eur', metadata: { a: '1', b: '2' } });
    const updated = await updatePaymentIntent(t.deps, actor, pi.id, { amount: 1500, customer: customer.id, description: 'Boots', metadata: { a: '', c: '3' } });
    expect(updated).toMatchObject({ amount: 1500, customer: customer.id, description: 'Boots', metadata: { b: '2', c: '3' } });
    const paid = await confirmPaymentIntent(t.deps, actor, pi.id, { payment_method: 'pm_card_mastercard' });
    expect(paid.status).toBe('succeeded');
    expect((await expectError(updatePaymentIntent(t.deps, actor, pi.id, { amount: 2000 }))).code).toBe('payment_intent_unexpected_state');
    expect((await updatePaymentIntent(t.deps, actor, pi.id, { metadata: { note: 'vip' } })).metadata).toEqual({ b: '2', c: '3', note: 'vip' });
  });
});

describe('test cards', () => {
  const declines: [string, string, string][] = [
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
    ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc'],
  ];
  for (const [pm, code, declineCode] of declines) {
    it(`${pm} declines with ${declineCode}, and the decline persists`, async () => {
      const pi = await createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd' });
      const error = await expectError(confirmPaymentIntent(t.deps, actor, pi.id, { payment_method: pm }));
      expect(error).toMatchObject({ type: 'card_error', status: 402, code, declineCode });
      expect(isPersistedDecline(error)).toBe(true);
      const stored = await getPaymentIntent(t.deps, actor, pi.id);
      expect(stored).toMatchObject({ status: 'requires_payment_method', payment_method: null });
      expect(stored.last_payment_error).toMatchObject({ type: 'card_error', code, decline_code: declineCode, payment_method: { object: 'payment_method', card: { last4: expect.any(String) } } });
      expect((error.extra?.payment_intent as { id: string }).id).toBe(pi.id);
      const attempts = await findPaymentAttempts(t.deps, actor, pi.id);
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({ outcome: 'failed', failure_code: code, decline_code: declineCode, card: { brand: 'visa' } });
      const failed = await listEvents(t.deps, actor, { type: 'payment_intent.payment_failed', limit: 100 });
      expect(failed.data.some((e) => e.data.object.id === pi.id)).toBe(true);
    });
  }

  for (const [pm, brand, last4] of [['pm_card_visa', 'visa', '4242'], ['pm_card_mastercard', 'mastercard', '4444'], ['pm_card_visa_debit', 'visa', '5556']]) {
    it(`${pm} succeeds and records the card`, async () => {
      const pi = await createPaymentIntent(t.deps, actor, { amount: 777, currency: 'gbp', confirm: 'true', payment_method: pm });
      expect(pi).toMatchObject({ status: 'succeeded', amount_received: 777 });
      const [attempt] = await findPaymentAttempts(t.deps, actor, pi.id);
      expect(attempt).toMatchObject({ outcome: 'succeeded', card: { brand, last4 } });
    });
  }

  it('accepts payment_method_data with test numbers and checks Luhn, expiry and CVC', async () => {
    const pi = await createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd' });
    const luhn = await expectError(confirmPaymentIntent(t.deps, actor, pi.id, { payment_method_data: { type: 'card', card: { number: '4242424242424241', ...future } } }));
    expect(luhn).toMatchObject({ code: 'incorrect_number', param: 'payment_method_data[card][number]' });
    const past = await expectError(confirmPaymentIntent(t.deps, actor, pi.id, { payment_method_data: { type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2020, cvc: '123' } } }));
    expect(past.code).toBe('invalid_expiry_year');
    const cvc = await expectError(confirmPaymentIntent(t.deps, actor, pi.id, { payment_method_data: { type: 'card', card: { number: '4242424242424242', ...future, cvc: '12' } } }));
    expect(cvc.code).toBe('invalid_cvc');
    // Create-and-confirm with a mistyped card leaves nothing behind, even inside a caller's transaction.
    const before = await listPaymentIntents(t.deps, actor, { limit: 100 });
    await t.db.transaction().execute(async (tx) => {
      const typo = await expectError(createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd', confirm: true, payment_method_data: { type: 'card', card: { number: '4242424242424241', ...future } } }, tx));
      expect(typo.code).toBe('incorrect_number');
    });
    expect((await listPaymentIntents(t.deps, actor, { limit: 100 })).data.length).toBe(before.data.length);
    const insufficient = await expectError(confirmPaymentIntent(t.deps, actor, pi.id, { payment_method_data: { type: 'card', card: { number: '4000000000009995', ...future } } }));
    expect(insufficient.declineCode).toBe('insufficient_funds');
    const ok = await confirmPaymentIntent(t.deps, actor, pi.id, { payment_method_data: { type: 'card', card: { number: '4242 4242 4242 4242', ...future }, billing_details: { name: 'Jane' } } });
    expect(ok.status).toBe('succeeded');
    const attempts = await findPaymentAttempts(t.deps, actor, pi.id);
    expect(attempts.map((a) => a.outcome)).toEqual(['failed', 'succeeded']);
    const { rows } = await import('kysely').then(({ sql }) => sql<Record<string, unknown>>`select * from payment_methods where merchant_id = ${actor.merchantId}`.execute(t.db));
    expect(JSON.stringify(rows)).not.toContain('4242424242424242');
  });

  it('declines a non-test card in test mode and refuses test cards in live mode', async () => {
    const pi = await createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd' });
    const real = await expectError(confirmPaymentIntent(t.deps, actor, pi.id, { payment_method_data: { type: 'card', card: { number: '4111111111111111', ...future } } }));
    expect(real.declineCode).toBe('test_mode_live_card');
    const live: Actor = { ...actor, livemode: true };
    const livePi = await createPaymentIntent(t.deps, live, { amount: 1000, currency: 'usd' });
    const testCard = await expectError(confirmPaymentIntent(t.deps, live, livePi.id, { payment_method: 'pm_card_visa' }));
    expect(testCard.message).toMatch(/live mode|card processor/);
    expect((await getPaymentIntent(t.deps, live, livePi.id)).status).toBe('requires_payment_method');
  });

  it('charges live cards through the configured connector, never seeing the number', async () => {
    const seen: unknown[] = [];
    const connector: CardProcessor = {
      async authorize(request) {
        seen.push(request);
        return request.amount === 1313 ? { status: 'declined', code: 'card_declined', declineCode: 'do_not_honor', message: 'Your card was declined.' } : { status: 'approved' };
      },
      async refund() {
        return { status: 'succeeded' };
      },
    };
    const liveDeps = { ...t.deps, liveCardProcessor: connector };
    const live: Actor = { ...actor, livemode: true };
    const card = { type: 'card' as const, card: { number: '4111 1111 1111 1111', ...future } };
    const ok = await createPaymentIntent(liveDeps, live, { amount: 2000, currency: 'usd', confirm: true, payment_method_data: card });
    expect(ok).toMatchObject({ status: 'succeeded', livemode: true });
    const declined = await expectError(createPaymentIntent(liveDeps, live, { amount: 1313, currency: 'usd', confirm: true, payment_method_data: card }));
    expect(declined.declineCode).toBe('do_not_honor');
    expect(JSON.stringify(seen)).not.toContain('4111111111111111');
    expect(seen[0]).toMatchObject({ livemode: true, card: { last4: '1111', brand: 'visa', testBehavior: null } });
    const testCard = await expectError(createPaymentIntent(liveDeps, live, { amount: 2000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' }));
    expect(testCard).toMatchObject({ code: 'card_declined', declineCode: 'live_mode_test_card' });
  });

  it('cancels the intent (abandoned) after five failed attempts', async () => {
    const pi = await createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd' });
    for (let i = 0; i < 5; i++) await expectError(confirmPaymentIntent(t.deps, actor, pi.id, { payment_method: 'pm_card_chargeDeclined' }));
    const stored = await getPaymentIntent(t.deps, actor, pi.id);
    expect(stored).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    expect((await expectError(confirmPaymentIntent(t.deps, actor, pi.id, { payment_method: 'pm_card_visa' }))).code).toBe('payment_intent_unexpected_state');
    const canceled = await listEvents(t.deps, actor, { type: 'payment_intent.canceled', limit: 100 });
    expect(canceled.data.some((e) => e.data.object.id === pi.id)).toBe(true);
  });
});

describe('3-D Secure', () => {
  it('goes to requires_action and completes the challenge', async () => {
    const pi = await createPaymentIntent(t.deps, actor, { amount: 2500, currency: 'usd', confirm: true, payment_method: 'pm_card_threeDSecure2Required', return_url: 'https://shop.test/back' });
    expect(pi.status).toBe('requires_action');
    expect(pi.next_action).toEqual({
      type: 'redirect_to_url',
      redirect_to_url: { url: `${t.deps.appUrl}/checkout/3ds/${pi.id}?client_secret=${encodeURIComponent(pi.client_secret)}`, return_url: 'https://shop.test/back' },
    });
    await expectError(completeThreeDSecure(t.deps, pi.id, 'wrong', 'complete'));
    const done = await completeThreeDSecure(t.deps, pi.id, pi.client_secret, 'complete');
    expect(done).toMatchObject({ status: 'succeeded', amount_received: 2500, next_action: null });
    const attempts = await findPaymentAttempts(t.deps, actor, pi.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ outcome: 'succeeded', three_d_secure: 'authenticated' });
  });

  it('fails the challenge back to requires_payment_method, and works with manual capture', async () => {
    const pi = await createPaymentIntent(t.deps, actor, { amount: 2500, currency: 'usd', capture_method: 'manual', confirm: true, payment_method_data: { type: 'card', card: { number: '4000002500003155', ...future } } });
    expect(pi.status).toBe('requires_action');
    const failed = await completeThreeDSecure(t.deps, pi.id, pi.client_secret, 'fail');
    expect(failed.status).toBe('requires_payment_method');
    expect(failed.last_payment_error).toMatchObject({ code: 'payment_intent_authentication_failure' });
    const again = await confirmPaymentIntent(t.deps, actor, pi.id, { payment_method: 'pm_card_authenticationRequired' });
    const done = await completeThreeDSecure(t.deps, again.id, again.client_secret, 'complete');
    expect(done).toMatchObject({ status: 'requires_capture', amount_capturable: 2500 });
  });
});

describe('capture and cancel', () => {
  it('captures part of a manual authorization', async () => {
    const pi = await createPaymentIntent(t.deps, actor, { amount: 5000, currency: 'usd', capture_method: 'manual', confirm: true, payment_method: 'pm_card_visa' });
    expect(pi).toMatchObject({ status: 'requires_capture', amount_capturable: 5000, amount_received: 0 });
    expect((await expectError(createRefund(t.deps, actor, { payment_intent: pi.id }))).code).toBe('charge_not_refundable');
    expect((await expectError(capturePaymentIntent(t.deps, actor, pi.id, { amount_to_capture: 5001 }))).param).toBe('amount_to_capture');
    const captured = await capturePaymentIntent(t.deps, actor, pi.id, { amount_to_capture: '3000' });
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 3000, amount_capturable: 0 });
    expect((await expectError(capturePaymentIntent(t.deps, actor, pi.id))).code).toBe('payment_intent_unexpected_state');
    const types = (await getPaymentTimeline(t.deps, actor, pi.id)).filter((e) => e.kind === 'event').map((e) => (e as { type: string }).type);
    expect(types).toEqual(['payment_intent.created', 'payment_intent.amount_capturable_updated', 'payment_intent.succeeded']);
  });

  it('cancels with a reason and refuses to cancel a succeeded intent', async () => {
    const pi = await createPaymentIntent(t.deps, actor, { amount: 5000, currency: 'usd' });
    const canceled = await cancelPaymentIntent(t.deps, actor, pi.id, { cancellation_reason: 'requested_by_customer' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'requested_by_customer' });
    expect(canceled.canceled_at).toEqual(expect.any(Number));
    const paid = await createPaymentIntent(t.deps, actor, { amount: 5000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    const error = await expectError(cancelPaymentIntent(t.deps, actor, paid.id));
    expect(error.code).toBe('payment_intent_unexpected_state');
    expect(error.message).toContain('status of succeeded');
  });

  it('lets exactly one of a racing confirm and cancel win', async () => {
    for (let i = 0; i < 5; i++) {
      const pi = await createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd' });
      const results = await Promise.allSettled([
        confirmPaymentIntent(t.deps, actor, pi.id, { payment_method: 'pm_card_visa' }),
        cancelPaymentIntent(t.deps, actor, pi.id),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toMatchObject({ code: 'payment_intent_unexpected_state' });
      const final = await getPaymentIntent(t.deps, actor, pi.id);
      expect(['succeeded', 'canceled']).toContain(final.status);
    }
  });
});

describe('expiry, lists and fingerprints', () => {
  it('expires unconfirmed intents after an hour', async () => {
    const pi = await createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd' });
    const paid = await createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    expect(await expireIntents(t.deps, new Date(Date.now() + 30 * 60_000))).toBe(0);
    expect(await expireIntents(t.deps, new Date(Date.now() + 61 * 60_000))).toBeGreaterThanOrEqual(1);
    expect(await getPaymentIntent(t.deps, actor, pi.id)).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    expect((await getPaymentIntent(t.deps, actor, paid.id)).status).toBe('succeeded');
    const late = await createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd' });
    await t.db.updateTable('payment_intents').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', late.id).execute();
    const error = await expectError(confirmPaymentIntent(t.deps, actor, late.id, { payment_method: 'pm_card_visa' }));
    expect(error).toMatchObject({ code: 'payment_intent_unexpected_state' });
    expect(error.message).toContain('expired');
  });

  it('counts payments by card fingerprint and filters lists by customer', async () => {
    const customer = await createCustomer(t.deps, actor, { email: 'fp@example.test' });
    const a = await createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd', customer: customer.id, confirm: true, payment_method: 'pm_card_refundFail' });
    await createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd', customer: customer.id, confirm: true, payment_method_data: { type: 'card', card: { number: '4000000000005126', ...future } } });
    const fingerprint = (await findPaymentAttempts(t.deps, actor, a.id))[0].card.fingerprint!;
    expect(await countPaymentsByFingerprint(t.deps, actor, fingerprint)).toEqual({ payments: 2, succeeded: 2, failed_attempts: 0 });
    const list = await listPaymentIntents(t.deps, actor, { customer: customer.id });
    expect(list.data).toHaveLength(2);
    expect(list).toMatchObject({ object: 'list', has_more: false, url: '/v1/payment_intents' });
    expect(await getPaymentIntent(t.deps, { ...actor, livemode: true }, a.id).catch((e) => e.code)).toBe('resource_missing');
  });
});
