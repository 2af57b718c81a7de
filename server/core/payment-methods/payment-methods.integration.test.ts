import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentError } from '../../../shared/errors.js';
import { apiClient } from '../../api/test-client.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../../test/db.js';
import { createCustomer } from '../customers/customers.service.js';
import { completeThreeDSecure } from '../payment-intents/three-d-secure.service.js';
import { confirmPaymentIntent, createPaymentIntent, getPaymentIntent, updatePaymentIntent } from '../payment-intents/payment-intents.service.js';
import { findPaymentAttempts } from '../payment-intents/payment-intents-queries.service.js';
import type { Actor } from '../shared/deps.js';

let t: TestDatabase;
let server: TestServer;
let actor: Actor;
let secretKey: string;

beforeAll(async () => {
  t = await createTestDatabase();
  server = await startTestServer(t.deps);
  const m = await createTestMerchant(t.db);
  actor = { merchantId: m.merchant.id, livemode: false, userId: m.user.id, requestId: 'req_test', idempotencyKey: null };
  secretKey = m.keys.test.secret;
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

const STRIPE_MESSAGE =
  'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.';

function card(number: string) {
  return { type: 'card' as const, card: { number, exp_month: 12, exp_year: new Date().getFullYear() + 3, cvc: '123' } };
}

async function expectSpent(promise: Promise<unknown>) {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(PaymentError);
  expect(error).toMatchObject({ code: 'payment_method_unexpected_state', type: 'invalid_request_error', status: 400, param: 'payment_method', message: STRIPE_MESSAGE });
}

const newIntent = (extra: Record<string, unknown> = {}) => createPaymentIntent(t.deps, actor, { amount: 1500, currency: 'usd', ...extra } as Parameters<typeof createPaymentIntent>[2]);

describe('a payment method without a customer is single-use', () => {
  it('refuses a card that paid once, on any later confirmation, and leaves the other intent untouched', async () => {
    const paid = await newIntent({ confirm: true, payment_method_data: card('4242424242424242') });
    expect(paid.status).toBe('succeeded');
    const pm = paid.payment_method as string;

    const other = await newIntent();
    await expectSpent(confirmPaymentIntent(t.deps, actor, other.id, { payment_method: pm }));
    expect(await getPaymentIntent(t.deps, actor, other.id)).toMatchObject({ status: 'requires_payment_method', payment_method: null });
    expect(await findPaymentAttempts(t.deps, actor, other.id)).toHaveLength(0);

    // Nor on create (with or without confirm), nor set on an intent by update.
    await expectSpent(newIntent({ confirm: true, payment_method: pm }));
    await expectSpent(newIntent({ payment_method: pm }));
    await expectSpent(updatePaymentIntent(t.deps, actor, other.id, { payment_method: pm }));
  });

  it('counts a declined confirmation as a use, on the same intent too', async () => {
    const intent = await newIntent();
    const declined = await confirmPaymentIntent(t.deps, actor, intent.id, { payment_method_data: card('4000000000000002') }).then(
      () => null,
      (e: PaymentError) => e,
    );
    expect(declined).toMatchObject({ code: 'card_declined' });
    const pm = (declined!.extra!.payment_method as { id: string }).id;
    await expectSpent(confirmPaymentIntent(t.deps, actor, intent.id, { payment_method: pm }));
    await expectSpent(confirmPaymentIntent(t.deps, actor, (await newIntent()).id, { payment_method: pm }));
    // A new card still pays.
    expect((await confirmPaymentIntent(t.deps, actor, intent.id, { payment_method_data: card('4242424242424242') })).status).toBe('succeeded');
  });

  it('refuses the card set on an intent when it paid elsewhere before that intent is confirmed', async () => {
    const waiting = await newIntent({ payment_method_data: card('5555555555554444') });
    expect(waiting.status).toBe('requires_confirmation');
    const pm = waiting.payment_method as string;
    expect((await confirmPaymentIntent(t.deps, actor, (await newIntent()).id, { payment_method: pm })).status).toBe('succeeded');
    await expectSpent(confirmPaymentIntent(t.deps, actor, waiting.id, {}));
  });

  it('lets the 3-D Secure challenge finish the confirmation that started it', async () => {
    const intent = await newIntent({ confirm: true, payment_method_data: card('4000002500003155') });
    expect(intent.status).toBe('requires_action');
    expect((await completeThreeDSecure(t.deps, intent.id, intent.client_secret!, 'complete')).status).toBe('succeeded');
    await expectSpent(confirmPaymentIntent(t.deps, actor, (await newIntent()).id, { payment_method: intent.payment_method as string }));
  });

  it('lets exactly one of many parallel confirmations use an unused card', async () => {
    const holder = await newIntent({ payment_method_data: card('4242424242424242') });
    const pm = holder.payment_method as string;
    const targets = await Promise.all(Array.from({ length: 6 }, () => newIntent()));
    const outcomes = await Promise.all([
      ...targets.map((target) => confirmPaymentIntent(t.deps, actor, target.id, { payment_method: pm }).then((r) => r.status, (e: PaymentError) => e.code)),
      ...Array.from({ length: 3 }, () => newIntent({ confirm: true, payment_method: pm }).then((r) => r.status, (e: PaymentError) => e.code)),
    ]);
    expect(outcomes.filter((o) => o === 'succeeded')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'payment_method_unexpected_state')).toHaveLength(outcomes.length - 1);
  });

  it("keeps a customer's card reusable for that customer", async () => {
    const customer = await createCustomer(t.deps, actor, { email: 'regular@example.test' });
    const first = await newIntent({ customer: customer.id, confirm: true, payment_method: 'pm_card_visa' });
    expect(first.status).toBe('succeeded');
    const again = await newIntent({ customer: customer.id, confirm: true, payment_method: first.payment_method as string });
    expect(again.status).toBe('succeeded');
  });

  it("answers over /v1 with Stripe's error", async () => {
    const call = apiClient(server.baseUrl, secretKey);
    const paid = await call('POST', '/payment_intents', { params: { amount: 2000, currency: 'usd', confirm: 'true', payment_method_data: card('4242424242424242') } });
    expect(paid.body.status).toBe('succeeded');
    const other = await call('POST', '/payment_intents', { params: { amount: 2000, currency: 'usd' } });
    const reuse = await call('POST', `/payment_intents/${other.body.id}/confirm`, { params: { payment_method: paid.body.payment_method } });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toMatchObject({ type: 'invalid_request_error', code: 'payment_method_unexpected_state', param: 'payment_method', message: STRIPE_MESSAGE });
  });
});
