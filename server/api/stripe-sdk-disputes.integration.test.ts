import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';

/** The official stripe npm SDK, unmodified, against PaymentFlow: saved payment methods and disputes. */

let database: TestDatabase;
let server: TestServer;
let stripe: Stripe;

beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  process.env.RATE_LIMIT_LIVE = '10000';
  database = await createTestDatabase();
  const merchant = await createTestMerchant(database.db);
  server = await startTestServer(database.deps);
  const port = Number(new URL(server.baseUrl).port);
  stripe = new Stripe(merchant.keys.test.secret, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

describe('official stripe SDK: payment methods', () => {
  it('paymentMethods.create with raw card data, attach, list (both ways), pay, detach', async () => {
    const customer = await stripe.customers.create({ email: 'sdk.cards@example.test' });
    const created = await stripe.paymentMethods.create({
      type: 'card',
      card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' },
      billing_details: { name: 'SDK Buyer' },
    });
    expect(created).toMatchObject({ object: 'payment_method', type: 'card', customer: null, card: { brand: 'visa', last4: '4242' } });
    const attached = await stripe.paymentMethods.attach(created.id, { customer: customer.id });
    expect(attached.customer).toBe(customer.id);

    const listed = await stripe.paymentMethods.list({ customer: customer.id, type: 'card' });
    expect(listed.data.map((pm) => pm.id)).toEqual([created.id]);
    const viaCustomer = await stripe.customers.listPaymentMethods(customer.id, { type: 'card' });
    expect(viaCustomer.data.map((pm) => pm.id)).toEqual([created.id]);
    expect((await stripe.customers.retrievePaymentMethod(customer.id, created.id)).id).toBe(created.id);

    for (const amount of [1500, 2500]) {
      const paid = await stripe.paymentIntents.create({ amount, currency: 'usd', customer: customer.id, payment_method: created.id, confirm: true });
      expect(paid.status).toBe('succeeded');
    }
    const updated = await stripe.paymentMethods.update(created.id, { metadata: { label: 'work' } });
    expect(updated.metadata).toEqual({ label: 'work' });
    const detached = await stripe.paymentMethods.detach(created.id);
    expect(detached.customer).toBeNull();
    await expect(
      stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: created.id, confirm: true }),
    ).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'payment_method_unexpected_state' });
  });
});
