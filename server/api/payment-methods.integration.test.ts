import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';
import { apiClient } from './test-client.js';

/** /v1/payment_methods and a customer's saved cards, over HTTP as a merchant's server calls them. */

let database: TestDatabase;
let server: TestServer;
let call: ReturnType<typeof apiClient>;
let liveSecret: string;

beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  process.env.RATE_LIMIT_LIVE = '10000';
  database = await createTestDatabase();
  const merchant = await createTestMerchant(database.db);
  server = await startTestServer(database.deps);
  call = apiClient(server.baseUrl, merchant.keys.test.secret);
  liveSecret = merchant.keys.live.secret;
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

const year = new Date().getUTCFullYear() + 2;
const card = (number: string, extra: Record<string, unknown> = {}) => ({ type: 'card', card: { number, exp_month: 7, exp_year: year, cvc: '314' }, ...extra });

async function ok(method: string, path: string, params?: Record<string, unknown>) {
  const response = await call(method, path, params ? { params } : {});
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

const SPENT = /previously used with a PaymentIntent without Customer attachment.*or was detached from a Customer/;

describe('/v1/payment_methods', () => {
  it('creates a card from raw card data, keeping only brand, last 4, expiry, funding, country and fingerprint', async () => {
    const pm = await ok('POST', '/payment_methods', card('4242 4242 4242 4242', { billing_details: { name: 'Ada Lovelace', email: 'ada@example.test' }, metadata: { source: 'pos' } }));
    expect(pm).toMatchObject({
      object: 'payment_method',
      type: 'card',
      customer: null,
      livemode: false,
      metadata: { source: 'pos' },
      billing_details: { name: 'Ada Lovelace', email: 'ada@example.test' },
      card: { brand: 'visa', last4: '4242', exp_month: 7, exp_year: year, funding: 'credit' },
    });
    expect(pm.id).toMatch(/^pm_/);
    expect(pm.card.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    // The same number gives the same fingerprint; a different one does not.
    expect((await ok('POST', '/payment_methods', card('4242424242424242'))).card.fingerprint).toBe(pm.card.fingerprint);
    expect((await ok('POST', '/payment_methods', card('5555555555554444'))).card).toMatchObject({ brand: 'mastercard', last4: '4444' });
    expect((await ok('GET', `/payment_methods/${pm.id}`)).id).toBe(pm.id);
    // Neither the number nor the CVC is in the row.
    const row = await database.db.selectFrom('payment_methods').selectAll().where('id', '=', pm.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toMatch(/4242424242424242|314/);
  });

  it('checks the card like a card form, naming the parameter', async () => {
    const wrong = await call('POST', '/payment_methods', { params: card('4242424242424241') });
    expect(wrong.status).toBe(402);
    expect(wrong.body.error).toMatchObject({ type: 'card_error', code: 'incorrect_number', param: 'card[number]' });
    const expired = await call('POST', '/payment_methods', { params: { type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2001 } } });
    expect(expired.body.error).toMatchObject({ code: 'invalid_expiry_year', param: 'card[exp_year]' });
    const missing = await call('POST', '/payment_methods', { params: { type: 'card' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ type: 'invalid_request_error', param: 'card' });
    expect((await call('GET', '/payment_methods/pm_missing')).status).toBe(404);
  });

  it('refuses raw card data in live mode and stores nothing', async () => {
    const before = await database.db.selectFrom('payment_methods').select((eb) => eb.fn.countAll<number>().as('n')).where('livemode', '=', true).executeTakeFirstOrThrow();
    const live = await call('POST', '/payment_methods', { key: liveSecret, params: card('4000056655665556') });
    expect(live.status).toBe(400);
    expect(live.body.error).toMatchObject({ type: 'invalid_request_error', message: expect.stringMatching(/only possible in test mode/) });
    const after = await database.db.selectFrom('payment_methods').select((eb) => eb.fn.countAll<number>().as('n')).where('livemode', '=', true).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("attaches to a customer, lists the customer's cards both ways, and lets that customer pay again", async () => {
    const customer = await ok('POST', '/customers', { email: 'saved@example.test' });
    const other = await ok('POST', '/customers', { email: 'other@example.test' });
    const first = await ok('POST', '/payment_methods', card('4242424242424242'));
    const attached = await ok('POST', `/payment_methods/${first.id}/attach`, { customer: customer.id });
    expect(attached).toMatchObject({ id: first.id, customer: customer.id });
    // Attaching again to the same customer is harmless; to another is refused.
    expect((await ok('POST', `/payment_methods/${first.id}/attach`, { customer: customer.id })).customer).toBe(customer.id);
    const stolen = await call('POST', `/payment_methods/${first.id}/attach`, { params: { customer: other.id } });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.message).toMatch(/already been attached to a customer/);
    // A test id attaches a new card.
    const second = await ok('POST', '/payment_methods/pm_card_mastercard/attach', { customer: customer.id });
    expect(second).toMatchObject({ customer: customer.id, card: { brand: 'mastercard', last4: '4444' } });
    expect(second.id).not.toBe('pm_card_mastercard');

    const byQuery = await ok('GET', '/payment_methods', { customer: customer.id, type: 'card' });
    expect(byQuery).toMatchObject({ object: 'list', url: '/v1/payment_methods', has_more: false });
    expect(byQuery.data.map((p: { id: string }) => p.id)).toEqual([second.id, first.id]);
    const byPath = await ok('GET', `/customers/${customer.id}/payment_methods`, { limit: 1 });
    expect(byPath).toMatchObject({ url: `/v1/customers/${customer.id}/payment_methods`, has_more: true });
    expect(byPath.data.map((p: { id: string }) => p.id)).toEqual([second.id]);
    const next = await ok('GET', `/customers/${customer.id}/payment_methods`, { limit: 1, starting_after: second.id, expand: ['data.customer'] });
    expect(next.data.map((p: { id: string }) => p.id)).toEqual([first.id]);
    expect(next.data[0].customer).toMatchObject({ id: customer.id, object: 'customer' });
    expect((await ok('GET', `/customers/${customer.id}/payment_methods/${first.id}`)).id).toBe(first.id);
    expect((await call('GET', `/customers/${other.id}/payment_methods/${first.id}`)).status).toBe(404);
    expect((await ok('GET', `/customers/${other.id}/payment_methods`)).data).toEqual([]);
    expect((await call('GET', '/customers/cus_missing/payment_methods')).status).toBe(404);
    expect((await call('GET', '/payment_methods', { params: { customer: 'cus_missing' } })).status).toBe(404);

    for (let i = 0; i < 2; i++) {
      const paid = await ok('POST', '/payment_intents', { amount: 1000 + i, currency: 'usd', customer: customer.id, payment_method: first.id, confirm: true });
      expect(paid.status).toBe('succeeded');
    }
    // Another customer's intent may not use it.
    const foreign = await call('POST', '/payment_intents', { params: { amount: 1000, currency: 'usd', customer: other.id, payment_method: first.id, confirm: true } });
    expect(foreign.status).toBe(400);

    const events = await ok('GET', '/events', { type: 'payment_method.attached' });
    expect(events.data.map((e: { data: { object: { id: string } } }) => e.data.object.id)).toEqual(expect.arrayContaining([first.id, second.id]));
  });

  it('a detached card is spent: it can neither pay nor be attached again', async () => {
    const customer = await ok('POST', '/customers', { email: 'detach@example.test' });
    const pm = await ok('POST', '/payment_methods/pm_card_visa/attach', { customer: customer.id });
    const detached = await ok('POST', `/payment_methods/${pm.id}/detach`);
    expect(detached).toMatchObject({ id: pm.id, customer: null });
    const events = await ok('GET', '/events', { type: 'payment_method.detached', limit: 1 });
    expect(events.data[0].data).toMatchObject({ object: { id: pm.id }, previous_attributes: { customer: customer.id } });
    expect((await ok('GET', `/customers/${customer.id}/payment_methods`)).data).toEqual([]);

    const pay = await call('POST', '/payment_intents', { params: { amount: 1000, currency: 'usd', payment_method: pm.id, confirm: true } });
    expect(pay.status).toBe(400);
    expect(pay.body.error).toMatchObject({ code: 'payment_method_unexpected_state', message: expect.stringMatching(SPENT) });
    const again = await call('POST', `/payment_methods/${pm.id}/attach`, { params: { customer: customer.id } });
    expect(again.body.error).toMatchObject({ code: 'payment_method_unexpected_state' });
    const twice = await call('POST', `/payment_methods/${pm.id}/detach`);
    expect(twice.status).toBe(400);
    expect(twice.body.error.message).toMatch(/not attached to a customer/);
  });

  it('a card that paid without a customer cannot be attached afterwards', async () => {
    const pm = await ok('POST', '/payment_methods', card('4242424242424242'));
    expect((await ok('POST', '/payment_intents', { amount: 1500, currency: 'usd', payment_method: pm.id, confirm: true })).status).toBe('succeeded');
    const customer = await ok('POST', '/customers', { email: 'late@example.test' });
    const attach = await call('POST', `/payment_methods/${pm.id}/attach`, { params: { customer: customer.id } });
    expect(attach.status).toBe(400);
    expect(attach.body.error).toMatchObject({ code: 'payment_method_unexpected_state', message: expect.stringMatching(SPENT) });
  });

  it('updates an attached card (metadata, billing details, expiry) with payment_method.updated, not an unattached one', async () => {
    const loose = await ok('POST', '/payment_methods', card('4242424242424242'));
    const refused = await call('POST', `/payment_methods/${loose.id}`, { params: { metadata: { a: '1' } } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/save this PaymentMethod to a customer/);

    const customer = await ok('POST', '/customers', { email: 'update@example.test' });
    const pm = await ok('POST', `/payment_methods/${loose.id}/attach`, { customer: customer.id });
    const updated = await ok('POST', `/payment_methods/${pm.id}`, { metadata: { a: '1' }, billing_details: { name: 'New Name' }, card: { exp_month: 3, exp_year: year + 1 } });
    expect(updated).toMatchObject({ metadata: { a: '1' }, billing_details: { name: 'New Name' }, card: { exp_month: 3, exp_year: year + 1, last4: '4242' } });
    const event = (await ok('GET', '/events', { type: 'payment_method.updated', limit: 1 })).data[0];
    expect(event.data.previous_attributes).toMatchObject({ metadata: {}, billing_details: { name: null } });
    const badExpiry = await call('POST', `/payment_methods/${pm.id}`, { params: { card: { exp_year: 2001 } } });
    expect(badExpiry.body.error).toMatchObject({ code: 'invalid_expiry_year', param: 'card[exp_year]' });
  });
});
