import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';

/** The official stripe npm SDK, unmodified, pointed at PaymentFlow: the main flows a merchant integrates. */

let database: TestDatabase;
let server: TestServer;
let stripe: Stripe;
let publishableStripe: Stripe;

beforeAll(async () => {
  // This file checks behaviour, not limits (rate-limit.integration.test.ts does): a bucket it cannot empty.
  process.env.RATE_LIMIT_TEST = '10000';
  process.env.RATE_LIMIT_LIVE = '10000';
  database = await createTestDatabase();
  const merchant = await createTestMerchant(database.db);
  server = await startTestServer(database.deps);
  const port = Number(new URL(server.baseUrl).port);
  const options = { host: '127.0.0.1', port, protocol: 'http' as const, maxNetworkRetries: 0, telemetry: false };
  stripe = new Stripe(merchant.keys.test.secret, options);
  publishableStripe = new Stripe(merchant.keys.test.publishable, options);
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

describe('official stripe SDK against PaymentFlow', () => {
  it('customers: create, retrieve, update, list, search, delete', async () => {
    const customer = await stripe.customers.create({ email: 'sdk.user@example.test', name: 'SDK User', metadata: { plan: 'pro' } });
    expect(customer).toMatchObject({ object: 'customer', email: 'sdk.user@example.test', livemode: false, metadata: { plan: 'pro' } });
    expect(customer.lastResponse.requestId).toMatch(/^req_/);
    const updated = await stripe.customers.update(customer.id, { name: 'SDK User 2', metadata: { plan: '' , seats: '3' } });
    expect(updated.name).toBe('SDK User 2');
    expect(updated.metadata).toEqual({ seats: '3' });
    const retrieved = await stripe.customers.retrieve(customer.id);
    expect(retrieved.id).toBe(customer.id);
    const list = await stripe.customers.list({ limit: 3, email: 'sdk.user@example.test' });
    expect(list.data.map((c) => c.id)).toEqual([customer.id]);
    const found = await stripe.customers.search({ query: 'email~"sdk.user"' });
    expect(found.data.map((c) => c.id)).toContain(customer.id);
    const deleted = await stripe.customers.del(customer.id);
    expect(deleted).toMatchObject({ id: customer.id, deleted: true });
    const after = await stripe.customers.retrieve(customer.id);
    expect(after.deleted).toBe(true);
  });

  it('create + confirm with pm_card_visa succeeds; a client confirms with the publishable key', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', metadata: { order_id: 'sdk-1' } });
    expect(intent.status).toBe('requires_payment_method');
    const confirmed = await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    expect(confirmed).toMatchObject({ id: intent.id, status: 'succeeded', amount_received: 2000 });

    const other = await stripe.paymentIntents.create({ amount: 1200, currency: 'eur' });
    const fromBrowser = await publishableStripe.paymentIntents.confirm(other.id, { payment_method: 'pm_card_mastercard', client_secret: other.client_secret! } as Stripe.PaymentIntentConfirmParams);
    expect(fromBrowser.status).toBe('succeeded');
    const read = await publishableStripe.paymentIntents.retrieve(other.id, { client_secret: other.client_secret! } as Stripe.PaymentIntentRetrieveParams);
    expect(read.status).toBe('succeeded');
    await expect(publishableStripe.customers.list()).rejects.toMatchObject({ type: 'StripePermissionError', statusCode: 403 });
  });

  it('a decline surfaces as StripeCardError with code and decline_code', async () => {
    const error = await stripe.paymentIntents
      .create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_chargeDeclinedInsufficientFunds', confirm: true })
      .then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    const cardError = error as Stripe.errors.StripeCardError;
    expect(cardError.code).toBe('card_declined');
    expect(cardError.decline_code).toBe('insufficient_funds');
    expect(cardError.statusCode).toBe(402);
    expect(cardError.requestId).toMatch(/^req_/);
    expect(cardError.payment_intent?.status).toBe('requires_payment_method');

    const invalid = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', bogus: 1 } as Stripe.PaymentIntentCreateParams).then(() => null, (e: unknown) => e);
    expect(invalid).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((invalid as Stripe.errors.StripeInvalidRequestError).param).toBe('bogus');
    const missing = await stripe.paymentIntents.retrieve('pi_doesnotexist').then(() => null, (e: unknown) => e);
    expect(missing).toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing' });
  });

  it('manual capture, cancel', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 5000, currency: 'usd', capture_method: 'manual', payment_method: 'pm_card_visa', confirm: true });
    expect(intent.status).toBe('requires_capture');
    const captured = await stripe.paymentIntents.capture(intent.id, { amount_to_capture: 3000 });
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 3000 });

    const toCancel = await stripe.paymentIntents.create({ amount: 800, currency: 'usd' });
    const canceled = await stripe.paymentIntents.cancel(toCancel.id, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
  });

  it('partial and full refunds', async () => {
    const paid = await stripe.paymentIntents.create({ amount: 4000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const partial = await stripe.refunds.create({ payment_intent: paid.id, amount: 1500, reason: 'requested_by_customer' });
    expect(partial).toMatchObject({ object: 'refund', amount: 1500, payment_intent: paid.id });
    // Refunds settle asynchronously (pending, then succeeded or failed), as in Stripe.
    expect(['pending', 'succeeded']).toContain(partial.status);
    const rest = await stripe.refunds.create({ payment_intent: paid.id });
    expect(rest.amount).toBe(2500);
    const over = await stripe.refunds.create({ payment_intent: paid.id, amount: 1 }).then(() => null, (e: unknown) => e);
    expect(over).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    const updated = await stripe.refunds.update(partial.id, { metadata: { reason_detail: 'size' } });
    expect(updated.metadata).toEqual({ reason_detail: 'size' });
    const refunds = await stripe.refunds.list({ payment_intent: paid.id });
    expect(refunds.data.map((r) => r.id).sort()).toEqual([partial.id, rest.id].sort());
    const intent = await stripe.paymentIntents.retrieve(paid.id);
    expect((intent as unknown as { amount_refunded: number }).amount_refunded).toBe(4000);
  });

  it('list pagination with autoPagingEach, and search', async () => {
    const tag = `page-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await stripe.paymentIntents.create({ amount: 100 + i * 100, currency: 'usd', metadata: { tag } })).id);
    const seen: string[] = [];
    await stripe.paymentIntents.list({ limit: 3 }).autoPagingEach((intent) => {
      seen.push(intent.id);
    });
    for (const id of ids) expect(seen).toContain(id);
    expect(new Set(seen).size).toBe(seen.length);
    // Newest first.
    expect(seen.indexOf(ids[6])).toBeLessThan(seen.indexOf(ids[0]));

    const searched: string[] = [];
    await stripe.paymentIntents.search({ query: `metadata["tag"]:"${tag}" AND amount>=300`, limit: 2 }).autoPagingEach((intent) => {
      searched.push(intent.id);
    });
    expect(searched.sort()).toEqual(ids.slice(2).sort());
  });

  it('an idempotent retry returns the first result', async () => {
    const key = `sdk-retry-${Date.now()}`;
    const first = await stripe.paymentIntents.create({ amount: 1234, currency: 'usd', payment_method: 'pm_card_visa', confirm: true }, { idempotencyKey: key });
    const retry = await stripe.paymentIntents.create({ amount: 1234, currency: 'usd', payment_method: 'pm_card_visa', confirm: true }, { idempotencyKey: key });
    expect(retry.id).toBe(first.id);
    expect(retry.lastResponse.headers['idempotent-replayed']).toBe('true');
    const conflict = await stripe.paymentIntents.create({ amount: 999, currency: 'usd' }, { idempotencyKey: key }).then(() => null, (e: unknown) => e);
    expect(conflict).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('expand: customer and payment_method on a retrieve, data.customer on a list, nested through a refund', async () => {
    const customer = await stripe.customers.create({ email: 'sdk.expand@example.test' });
    const paid = await stripe.paymentIntents.create({ amount: 2100, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa', confirm: true });
    const read = await stripe.paymentIntents.retrieve(paid.id, { expand: ['customer', 'payment_method', 'latest_charge'] });
    expect((read.customer as Stripe.Customer).email).toBe('sdk.expand@example.test');
    expect((read.payment_method as Stripe.PaymentMethod).card?.last4).toBe('4242');
    expect((read.latest_charge as Stripe.Charge).amount_captured).toBe(2100);
    const list = await stripe.paymentIntents.list({ customer: customer.id, expand: ['data.customer'] });
    expect((list.data[0].customer as Stripe.Customer).id).toBe(customer.id);
    const refund = await stripe.refunds.create({ payment_intent: paid.id, expand: ['payment_intent.customer'] });
    expect(((refund.payment_intent as Stripe.PaymentIntent).customer as Stripe.Customer).id).toBe(customer.id);
    expect(refund.customer).toBe(customer.id);
    const bad = await stripe.paymentIntents.retrieve(paid.id, { expand: ['metadata'] }).then(() => null, (e: unknown) => e);
    expect(bad).toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400, message: 'This property cannot be expanded (metadata).' });
  });

  it('events and webhook endpoints', async () => {
    const endpoint = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/webhooks', enabled_events: ['payment_intent.succeeded'] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    const updated = await stripe.webhookEndpoints.update(endpoint.id, { description: 'SDK' });
    expect(updated.description).toBe('SDK');
    expect((await stripe.webhookEndpoints.list()).data.map((w) => w.id)).toContain(endpoint.id);
    expect((await stripe.webhookEndpoints.retrieve(endpoint.id)).id).toBe(endpoint.id);
    expect((await stripe.webhookEndpoints.del(endpoint.id)).deleted).toBe(true);

    const events = await stripe.events.list({ type: 'payment_intent.succeeded', limit: 5 });
    expect(events.data.length).toBeGreaterThan(0);
    const event = await stripe.events.retrieve(events.data[0].id);
    expect(event.type).toBe('payment_intent.succeeded');
  });
});
