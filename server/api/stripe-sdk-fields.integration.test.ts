import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';
import { requiredProperties } from './stripe-declarations.js';
import { apiClient } from './test-client.js';

/**
 * Every property the official `stripe` package's TypeScript declarations say is always present (no `?`) is in
 * PaymentFlow's responses, read from the installed package's .d.ts files: updating the SDK shows new fields
 * here. Then `expand[]` as Stripe does it.
 */

let database: TestDatabase;
let server: TestServer;
let call: ReturnType<typeof apiClient>;
let publishable: string;

beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  process.env.RATE_LIMIT_LIVE = '10000';
  database = await createTestDatabase();
  const merchant = await createTestMerchant(database.db);
  publishable = merchant.keys.test.publishable;
  server = await startTestServer(database.deps);
  call = apiClient(server.baseUrl, merchant.keys.test.secret);
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

/** `file` relative to the stripe package's declarations folder; `name` possibly nested (`PaymentIntent.NextAction`). */
function expectDeclared(object: unknown, file: string, name: string) {
  expect(object, `${name} response`).toBeTypeOf('object');
  const required = requiredProperties(file, name);
  expect(required.length, `${name} declares properties`).toBeGreaterThan(0);
  const missing = required.filter((property) => !Object.prototype.hasOwnProperty.call(object, property));
  expect(missing, `${name}: properties the stripe SDK declares always present`).toEqual([]);
}

async function ok(method: string, path: string, params?: Record<string, unknown>) {
  const response = await call(method, path, params ? { params } : {});
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

const PI = 'resources/PaymentIntents.d.ts';
const PM = 'resources/PaymentMethods.d.ts';

describe('the stripe SDK declarations are read', () => {
  it('finds the always-present fields, and not the optional ones', () => {
    const fields = requiredProperties(PI, 'PaymentIntent');
    expect(fields).toEqual(expect.arrayContaining(['id', 'object', 'amount', 'allowed_payment_method_types', 'payment_record', 'customer_account']));
    expect(fields).not.toContain('amount_details');
    expect(fields).not.toContain('hooks');
    expect(requiredProperties('resources/Refunds.d.ts', 'Refund')).toEqual(expect.arrayContaining(['customer', 'payment_method', 'customer_account']));
    expect(requiredProperties(PI, 'PaymentIntent.NextAction.RedirectToUrl')).toEqual(['return_url', 'url']);
    expect(() => requiredProperties(PI, 'NoSuchInterface')).toThrow(/no longer declares/);
  });
});

describe('every always-present field of the stripe SDK types', () => {
  it('payment intents (created, confirmed, retrieved, listed, searched, declined, 3-D Secure), payment methods, customers', async () => {
    const customer = await ok('POST', '/customers', { email: 'fields@example.test', name: 'Fields' });
    expectDeclared(customer, 'resources/Customers.d.ts', 'Customer');
    expectDeclared(customer.invoice_settings, 'resources/Customers.d.ts', 'Customer.InvoiceSettings');

    const created = await ok('POST', '/payment_intents', { amount: 2000, currency: 'usd', customer: customer.id });
    expectDeclared(created, PI, 'PaymentIntent');
    expectDeclared(created.payment_method_options.card, PI, 'PaymentIntent.PaymentMethodOptions.Card');
    const confirmed = await ok('POST', `/payment_intents/${created.id}/confirm`, { payment_method: 'pm_card_visa' });
    expectDeclared(confirmed, PI, 'PaymentIntent');
    expect(confirmed.status).toBe('succeeded');
    expectDeclared(await ok('GET', `/payment_intents/${created.id}`), PI, 'PaymentIntent');

    const list = await ok('GET', '/payment_intents', { limit: 2 });
    expectDeclared(list, 'lib.d.ts', 'ApiList');
    for (const item of list.data) expectDeclared(item, PI, 'PaymentIntent');
    const search = await ok('GET', '/payment_intents/search', { query: `customer:"${customer.id}"` });
    expectDeclared(search, 'lib.d.ts', 'ApiSearchResult');
    expectDeclared(search.data[0], PI, 'PaymentIntent');

    const declined = await call('POST', '/payment_intents', { params: { amount: 2000, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true } });
    expect(declined.status).toBe(402);
    const error = declined.body.error.payment_intent.last_payment_error;
    expectDeclared(error, PI, 'PaymentIntent.LastPaymentError');
    expectDeclared(error.payment_method, PM, 'PaymentMethod');
    expectDeclared(error.payment_method.card, PM, 'PaymentMethod.Card');
    expectDeclared(error.payment_method.billing_details, PM, 'PaymentMethod.BillingDetails');
    for (const nested of ['Checks', 'Networks', 'ThreeDSecureUsage'] as const) {
      const property = { Checks: 'checks', Networks: 'networks', ThreeDSecureUsage: 'three_d_secure_usage' }[nested];
      expectDeclared(error.payment_method.card[property], PM, `PaymentMethod.Card.${nested}`);
    }

    const challenged = await ok('POST', '/payment_intents', { amount: 2000, currency: 'usd', payment_method: 'pm_card_threeDSecureRequired', confirm: true, return_url: 'https://shop.example/done' });
    expect(challenged.status).toBe('requires_action');
    expectDeclared(challenged.next_action, PI, 'PaymentIntent.NextAction');
    expectDeclared(challenged.next_action.redirect_to_url, PI, 'PaymentIntent.NextAction.RedirectToUrl');

    expectDeclared(await ok('DELETE', `/customers/${customer.id}`), 'resources/Customers.d.ts', 'DeletedCustomer');
  });

  it('refunds, events, webhook endpoints', async () => {
    const customer = await ok('POST', '/customers', { email: 'refund.fields@example.test' });
    const paid = await ok('POST', '/payment_intents', { amount: 3000, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa', confirm: true });
    const refund = await ok('POST', '/refunds', { payment_intent: paid.id, amount: 1000 });
    expectDeclared(refund, 'resources/Refunds.d.ts', 'Refund');
    // The refund names the payment's customer and payment method, as Stripe's does.
    expect(refund).toMatchObject({ customer: customer.id, payment_method: paid.payment_method, customer_account: null });
    expectDeclared(await ok('GET', `/refunds/${refund.id}`), 'resources/Refunds.d.ts', 'Refund');
    expectDeclared((await ok('GET', '/refunds', { payment_intent: paid.id })).data[0], 'resources/Refunds.d.ts', 'Refund');

    const events = await ok('GET', '/events', { type: 'refund.created', limit: 1 });
    const event = await ok('GET', `/events/${events.data[0].id}`);
    expectDeclared(event, 'resources/Events.d.ts', 'EventBase');
    expectDeclared(event.data, 'resources/Events.d.ts', 'Event.Data');
    expectDeclared(event.request, 'resources/Events.d.ts', 'Event.Request');
    expectDeclared(event.data.object, 'resources/Refunds.d.ts', 'Refund');

    const endpoint = await ok('POST', '/webhook_endpoints', { url: 'http://127.0.0.1:9/hook', enabled_events: ['*'] });
    expectDeclared(endpoint, 'resources/WebhookEndpoints.d.ts', 'WebhookEndpoint');
    expectDeclared(await ok('GET', `/webhook_endpoints/${endpoint.id}`), 'resources/WebhookEndpoints.d.ts', 'WebhookEndpoint');
    expectDeclared(await ok('DELETE', `/webhook_endpoints/${endpoint.id}`), 'resources/WebhookEndpoints.d.ts', 'DeletedWebhookEndpoint');
  });
});

describe('expand[]', () => {
  it('expands customer, payment_method and latest_charge; form (indexed and []) and JSON', async () => {
    const customer = await ok('POST', '/customers', { email: 'expand@example.test', name: 'Expand' });
    const paid = await ok('POST', '/payment_intents', { amount: 2500, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa', confirm: true });
    expect(paid.customer).toBe(customer.id);

    const indexed = await call('GET', `/payment_intents/${paid.id}?expand[0]=customer&expand[1]=payment_method&expand[2]=latest_charge`);
    expect(indexed.status).toBe(200);
    expect(indexed.body.customer).toMatchObject({ id: customer.id, object: 'customer', email: 'expand@example.test' });
    expectDeclared(indexed.body.customer, 'resources/Customers.d.ts', 'Customer');
    expect(indexed.body.payment_method).toMatchObject({ id: paid.payment_method, object: 'payment_method', card: { last4: '4242' } });
    expectDeclared(indexed.body.payment_method, PM, 'PaymentMethod');
    expect(indexed.body.latest_charge).toMatchObject({ object: 'charge', payment_intent: paid.id, amount: 2500, status: 'succeeded' });
    expectDeclared(indexed.body.latest_charge, 'resources/Charges.d.ts', 'Charge');

    const pushed = await call('GET', `/payment_intents/${paid.id}?expand[]=customer`);
    expect(pushed.body.customer.id).toBe(customer.id);
    expect(pushed.body.payment_method).toBe(paid.payment_method);

    // On a write, in a JSON body, as the response of the call itself.
    const updated = await call('POST', `/payment_intents/${paid.id}`, { json: true, params: { description: 'expanded', expand: ['customer'] } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ description: 'expanded', customer: { id: customer.id, object: 'customer' } });
  });

  it('expands data.* on lists and search results, and nested paths through a refund', async () => {
    const customer = await ok('POST', '/customers', { email: 'expand.list@example.test' });
    const tag = `expand-${Date.now()}`;
    const paid = await ok('POST', '/payment_intents', { amount: 1800, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa', confirm: true, metadata: { tag } });
    await ok('POST', '/payment_intents', { amount: 900, currency: 'usd', metadata: { tag } });

    const list = await ok('GET', '/payment_intents', { customer: customer.id, expand: ['data.customer', 'data.payment_method'] });
    expect(list.data).toHaveLength(1);
    expect(list.data[0].customer).toMatchObject({ id: customer.id, object: 'customer' });
    expect(list.data[0].payment_method).toMatchObject({ object: 'payment_method' });
    const search = await ok('GET', '/payment_intents/search', { query: `metadata["tag"]:"${tag}"`, expand: ['data.customer'] });
    expect(search.data).toHaveLength(2);
    const withCustomer = search.data.find((pi: { id: string }) => pi.id === paid.id);
    const without = search.data.find((pi: { id: string }) => pi.id !== paid.id);
    expect(withCustomer.customer).toMatchObject({ id: customer.id, object: 'customer' });
    expect(without.customer).toBeNull();

    const refund = await call('POST', '/refunds', { params: { payment_intent: paid.id, expand: ['payment_intent.customer', 'payment_method'] } });
    expect(refund.status).toBe(200);
    expect(refund.body.payment_intent).toMatchObject({ id: paid.id, object: 'payment_intent', customer: { id: customer.id, object: 'customer' } });
    expect(refund.body.payment_method).toMatchObject({ id: paid.payment_method, object: 'payment_method' });

    // A deleted customer expands to Stripe's deleted object.
    await ok('DELETE', `/customers/${customer.id}`);
    const afterDelete = await ok('GET', `/payment_intents/${paid.id}`, { expand: ['customer'] });
    expect(afterDelete.customer).toEqual({ id: customer.id, object: 'customer', deleted: true });
  });

  it('refuses what cannot be expanded with Stripe’s 400, before doing any work', async () => {
    const intent = await ok('POST', '/payment_intents', { amount: 1000, currency: 'usd' });
    for (const [path, expand] of [
      [`/payment_intents/${intent.id}`, 'metadata'],
      [`/payment_intents/${intent.id}`, 'nonsense'],
      ['/payment_intents', 'customer'],
      ['/payment_intents', 'data.nonsense'],
      [`/payment_intents/${intent.id}`, 'data.customer'],
      [`/payment_intents/${intent.id}`, 'latest_charge.nonsense'],
    ]) {
      const response = await call('GET', path, { params: { expand: [expand] } });
      expect(response.status, `${path} expand ${expand}`).toBe(400);
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', message: `This property cannot be expanded (${expand}).` });
    }
    const deep = await call('GET', `/refunds`, { params: { expand: ['data.payment_intent.customer.default_source.x'] } });
    expect(deep.status).toBe(400);
    expect(deep.body.error.message).toMatch(/more than 4 levels/);

    // A create with a bad expansion creates nothing.
    const before = (await ok('GET', '/customers', { email: 'never@example.test' })).data.length;
    const refused = await call('POST', '/customers', { params: { email: 'never@example.test', expand: ['nonsense'] } });
    expect(refused.status).toBe(400);
    expect((await ok('GET', '/customers', { email: 'never@example.test' })).data.length).toBe(before);
  });

  it('a publishable key cannot reveal the customer by expanding it', async () => {
    const customer = await ok('POST', '/customers', { email: 'hidden@example.test' });
    const intent = await ok('POST', '/payment_intents', { amount: 1000, currency: 'usd', customer: customer.id });
    const read = await call('GET', `/payment_intents/${intent.id}`, { key: publishable, params: { client_secret: intent.client_secret, expand: ['customer'] } });
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('customer');
  });

  it('an idempotent replay returns the expanded body', async () => {
    const customer = await ok('POST', '/customers', { email: 'replay.expand@example.test' });
    const headers = { 'idempotency-key': `expand-${Date.now()}` };
    const params = { amount: 1500, currency: 'usd', customer: customer.id, expand: ['customer'] };
    const first = await call('POST', '/payment_intents', { params, headers });
    const replay = await call('POST', '/payment_intents', { params, headers });
    expect(first.body.customer).toMatchObject({ id: customer.id, object: 'customer' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
  });
});
