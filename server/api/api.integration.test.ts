import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';
import { apiClient } from './test-client.js';

let database: TestDatabase;
let server: TestServer;
let keys: { secret: string; publishable: string; liveSecret: string };
let other: { secret: string };
let call: ReturnType<typeof apiClient>;

beforeAll(async () => {
  // This file checks behaviour, not limits (rate-limit.integration.test.ts does): a bucket it cannot empty.
  process.env.RATE_LIMIT_TEST = '10000';
  process.env.RATE_LIMIT_LIVE = '10000';
  database = await createTestDatabase();
  const merchant = await createTestMerchant(database.db);
  const second = await createTestMerchant(database.db);
  keys = { secret: merchant.keys.test.secret, publishable: merchant.keys.test.publishable, liveSecret: merchant.keys.live.secret };
  other = { secret: second.keys.test.secret };
  server = await startTestServer(database.deps);
  call = apiClient(server.baseUrl, keys.secret);
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

function expectErrorShape(body: any, type: string) {
  expect(body).toHaveProperty('error');
  expect(body.error.type).toBe(type);
  expect(typeof body.error.message).toBe('string');
}

describe('authentication', () => {
  it('accepts Bearer, Basic with the key as user name, and the deprecated X-API-Key', async () => {
    const bearer = await call('GET', '/customers');
    expect(bearer.status).toBe(200);
    expect(bearer.headers.get('deprecation')).toBeNull();

    const basic = await call('GET', '/customers', { key: null, headers: { authorization: `Basic ${Buffer.from(`${keys.secret}:`).toString('base64')}` } });
    expect(basic.status).toBe(200);

    const header = await call('GET', '/customers', { key: null, headers: { 'x-api-key': keys.secret } });
    expect(header.status).toBe(200);
    expect(header.headers.get('deprecation')).toBe('true');
    expect(header.headers.get('link')).toMatch(/rel="deprecation"/);
    expect(header.headers.get('warning')).toMatch(/^299 /);
  });

  it('refuses a missing key with Stripe\'s message and an invalid one without echoing it', async () => {
    const missing = await call('GET', '/customers', { key: null });
    expect(missing.status).toBe(401);
    expectErrorShape(missing.body, 'authentication_error');
    expect(missing.body.error.message).toMatch(/^You did not provide an API key/);
    expect(missing.headers.get('request-id')).toMatch(/^req_/);

    const invalid = await call('GET', '/customers', { key: 'sk_test_notarealkey0000000000000000000000' });
    expect(invalid.status).toBe(401);
    expect(invalid.body.error.code).toBe('api_key_invalid');
    expect(invalid.body.error.message).not.toContain('notarealkey0000000000000000000000');

    const scheme = await call('GET', '/customers', { key: null, headers: { authorization: 'Digest abc' } });
    expect(scheme.status).toBe(401);
  });

  it('keeps merchants and modes apart', async () => {
    const created = await call('POST', '/customers', { params: { email: 'mode@example.test' } });
    expect(created.status).toBe(200);
    expect(created.body.livemode).toBe(false);
    expect((await call('GET', `/customers/${created.body.id}`, { key: keys.liveSecret })).status).toBe(404);
    expect((await call('GET', `/customers/${created.body.id}`, { key: other.secret })).status).toBe(404);
  });

  it('lets a publishable key only read and confirm a payment intent with its client_secret', async () => {
    const intent = await call('POST', '/payment_intents', { params: { amount: 1500, currency: 'usd', payment_method_types: ['card'], metadata: { internal: 'margin-42' } } });
    expect(intent.status).toBe(200);
    const pk = keys.publishable;

    const refused = await call('GET', '/customers', { key: pk });
    expect(refused.status).toBe(403);
    expectErrorShape(refused.body, 'permission_error');
    expect((await call('POST', '/payment_intents', { key: pk, params: { amount: 100, currency: 'usd' } })).status).toBe(403);
    expect((await call('POST', `/payment_intents/${intent.body.id}/cancel`, { key: pk })).status).toBe(403);

    const noSecret = await call('GET', `/payment_intents/${intent.body.id}`, { key: pk });
    expect(noSecret.status).toBe(400);
    expect(noSecret.body.error.param).toBe('client_secret');

    const wrong = await call('GET', `/payment_intents/${intent.body.id}`, { key: pk, params: { client_secret: `${intent.body.id}_secret_wrong` } });
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.code).toBe('resource_missing');

    const read = await call('GET', `/payment_intents/${intent.body.id}`, { key: pk, params: { client_secret: intent.body.client_secret } });
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(intent.body.id);
    // The merchant's bookkeeping stays server-side.
    expect(read.body.metadata).toBeUndefined();
    expect(read.body.customer).toBeUndefined();

    const badConfirm = await call('POST', `/payment_intents/${intent.body.id}/confirm`, { key: pk, params: { payment_method: 'pm_card_visa', client_secret: 'nope' } });
    expect(badConfirm.status).toBe(404);
    const declined = await call('POST', `/payment_intents/${intent.body.id}/confirm`, { key: pk, params: { payment_method: 'pm_card_chargeDeclined', client_secret: intent.body.client_secret } });
    expect(declined.status).toBe(402);
    expect(declined.body.error.payment_intent.id).toBe(intent.body.id);
    expect(declined.body.error.payment_intent.metadata).toBeUndefined();
    const confirmed = await call('POST', `/payment_intents/${intent.body.id}/confirm`, { key: pk, params: { payment_method: 'pm_card_visa', client_secret: intent.body.client_secret } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('succeeded');
  });
});

describe('request pipeline', () => {
  it('puts a Request-Id and Stripe-Version on every response, errors included', async () => {
    for (const response of [await call('GET', '/customers'), await call('GET', '/nope'), await call('GET', '/customers', { key: null })]) {
      expect(response.headers.get('request-id')).toMatch(/^req_[A-Za-z0-9]{24}$/);
    }
    const versioned = await call('GET', '/customers', { headers: { 'stripe-version': '2023-10-16' } });
    expect(versioned.headers.get('stripe-version')).toBe('2023-10-16');
  });

  it('answers CORS preflights without a key, so a browser can confirm with a publishable key', async () => {
    const preflight = await fetch(`${server.baseUrl}/v1/payment_intents/pi_x/confirm`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const read = await call('GET', '/customers');
    expect(read.headers.get('access-control-expose-headers')).toMatch(/Request-Id/);
  });

  it('parses form bodies with bracket notation and JSON bodies alike', async () => {
    const form = await call('POST', '/payment_intents', {
      rawBody: 'amount=2000&currency=usd&metadata[order_id]=6735&metadata[note]=a+b&payment_method_types[]=card&description=Form',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(200);
    expect(form.body).toMatchObject({ object: 'payment_intent', amount: 2000, currency: 'usd', metadata: { order_id: '6735', note: 'a b' }, description: 'Form', livemode: false });
    expect(Number.isInteger(form.body.created)).toBe(true);

    const json = await call('POST', '/payment_intents', { json: true, params: { amount: 2000, currency: 'EUR', metadata: { order_id: '1' }, payment_method_types: ['card'] } });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ amount: 2000, currency: 'eur', metadata: { order_id: '1' } });

    const indexed = await call('POST', '/payment_intents', {
      rawBody: 'amount=999&currency=usd&payment_method_data[type]=card&payment_method_data[card][number]=4242424242424242&payment_method_data[card][exp_month]=12&payment_method_data[card][exp_year]=2040&payment_method_data[card][cvc]=123&confirm=true&payment_method_types[0]=card',
    });
    expect(indexed.status).toBe(200);
    expect(indexed.body.status).toBe('succeeded');
    expect(JSON.stringify(indexed.body)).not.toContain('4242424242424242');
  });

  it('answers malformed JSON, unsupported types and unknown routes with 4xx and the error shape', async () => {
    const badJson = await call('POST', '/customers', { rawBody: '{"email": ', headers: { 'content-type': 'application/json' } });
    expect(badJson.status).toBe(400);
    expectErrorShape(badJson.body, 'invalid_request_error');
    const array = await call('POST', '/customers', { rawBody: '[1,2]', headers: { 'content-type': 'application/json' } });
    expect(array.status).toBe(400);
    const xml = await call('POST', '/customers', { rawBody: '<a/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.status).toBe(415);
    expectErrorShape(xml.body, 'invalid_request_error');

    const unknown = await call('GET', '/foo');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/foo\)/);
    const method = await call('PUT', '/customers');
    expect(method.status).toBe(404);
    expect(method.body.error.message).toMatch(/^Unrecognized request URL \(PUT: \/v1\/customers\)/);
  });

  it('names unknown, missing and invalid parameters in bracket form', async () => {
    const unknown = await call('POST', '/payment_intents', { params: { amount: 100, currency: 'usd', foo: 'bar' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_unknown', param: 'foo', message: 'Received unknown parameter: foo' });
    const nested = await call('POST', '/payment_intents', { rawBody: 'amount=100&currency=usd&payment_method_data[card][bogus]=1&payment_method_data[type]=card' });
    expect(nested.body.error.param).toBe('payment_method_data[card][bogus]');
    const missing = await call('POST', '/payment_intents', { params: { currency: 'usd' } });
    expect(missing.body.error).toMatchObject({ code: 'parameter_missing', param: 'amount', message: 'Missing required param: amount.' });
    const integer = await call('POST', '/payment_intents', { params: { amount: 'lots', currency: 'usd' } });
    expect(integer.body.error).toMatchObject({ code: 'parameter_invalid_integer', param: 'amount' });
    const small = await call('POST', '/payment_intents', { params: { amount: 10, currency: 'usd' } });
    expect(small.body.error).toMatchObject({ code: 'amount_too_small', param: 'amount' });
    const metadata = await call('POST', '/customers', { params: { metadata: { ['k'.repeat(41)]: 'v' } } });
    expect(metadata.status).toBe(400);
    expect(metadata.body.error.param).toMatch(/^metadata/);
  });

  it('answers a missing resource with 404 resource_missing', async () => {
    for (const path of ['/payment_intents/pi_missing', '/customers/cus_missing', '/refunds/re_missing', '/events/evt_missing', '/webhook_endpoints/we_missing']) {
      const response = await call('GET', path);
      expect(response.status, path).toBe(404);
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing' });
      expect(response.body.error.message).toMatch(/^No such /);
    }
  });

  it('returns card errors as 402 with decline_code and the intent', async () => {
    const declined = await call('POST', '/payment_intents', { params: { amount: 2000, currency: 'usd', payment_method: 'pm_card_chargeDeclinedInsufficientFunds', confirm: true } });
    expect(declined.status).toBe(402);
    expect(declined.body.error).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' });
    expect(declined.body.error.payment_intent).toMatchObject({ object: 'payment_intent', status: 'requires_payment_method' });
    const after = await call('GET', `/payment_intents/${declined.body.error.payment_intent.id}`);
    expect(after.body.last_payment_error).toMatchObject({ code: 'card_declined', decline_code: 'insufficient_funds' });
  });
});

describe('endpoints', () => {
  it('payment intents: create, retrieve, update, confirm, capture, cancel, list, search', async () => {
    const created = await call('POST', '/payment_intents', { params: { amount: 5000, currency: 'usd', capture_method: 'manual', metadata: { order: 'A-1' } } });
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    expect(id).toMatch(/^pi_/);
    expect(created.body.status).toBe('requires_payment_method');

    const retrieved = await call('GET', `/payment_intents/${id}`);
    expect(retrieved.body).toMatchObject({ id, amount: 5000, metadata: { order: 'A-1' } });

    const updated = await call('POST', `/payment_intents/${id}`, { params: { amount: 4500, description: 'Updated', metadata: { order: '' , extra: 'x' } } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ amount: 4500, description: 'Updated', metadata: { extra: 'x' } });
    expect(updated.body.metadata.order).toBeUndefined();

    const confirmed = await call('POST', `/payment_intents/${id}/confirm`, { params: { payment_method: 'pm_card_visa' } });
    expect(confirmed.body.status).toBe('requires_capture');
    expect(confirmed.body.amount_capturable).toBe(4500);

    const captured = await call('POST', `/payment_intents/${id}/capture`, { params: { amount_to_capture: 4000 } });
    expect(captured.status).toBe(200);
    expect(captured.body).toMatchObject({ status: 'succeeded', amount_received: 4000 });

    const again = await call('POST', `/payment_intents/${id}/cancel`);
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('payment_intent_unexpected_state');

    const toCancel = await call('POST', '/payment_intents', { params: { amount: 700, currency: 'usd' } });
    const canceled = await call('POST', `/payment_intents/${toCancel.body.id}/cancel`, { params: { cancellation_reason: 'requested_by_customer' } });
    expect(canceled.body).toMatchObject({ status: 'canceled', cancellation_reason: 'requested_by_customer' });

    const list = await call('GET', '/payment_intents', { params: { limit: 2 } });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ object: 'list', url: '/v1/payment_intents', has_more: true });
    expect(list.body.data).toHaveLength(2);
    const next = await call('GET', '/payment_intents', { params: { limit: 2, starting_after: list.body.data[1].id } });
    expect(next.body.data[0].id).not.toBe(list.body.data[1].id);
    const back = await call('GET', '/payment_intents', { params: { limit: 2, ending_before: next.body.data[0].id } });
    expect(back.body.data.map((p: { id: string }) => p.id)).toEqual(list.body.data.map((p: { id: string }) => p.id));
    const future = await call('GET', '/payment_intents', { params: { created: { gte: Math.floor(Date.now() / 1000) + 3600 } } });
    expect(future.body.data).toEqual([]);

    const search = await call('GET', '/payment_intents/search', { params: { query: 'status:"succeeded" AND metadata["extra"]:"x"' } });
    expect(search.status).toBe(200);
    expect(search.body).toMatchObject({ object: 'search_result', url: '/v1/payment_intents/search' });
    expect(search.body.data.map((p: { id: string }) => p.id)).toContain(id);
    const badQuery = await call('GET', '/payment_intents/search', { params: { query: 'status:' } });
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error).toMatchObject({ code: 'search_query_invalid', param: 'query' });
  });

  it('customers: create, retrieve, update, delete, list, search', async () => {
    const created = await call('POST', '/customers', { params: { email: 'jane.doe@example.test', name: 'Jane Doe', metadata: { tier: 'gold' } } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ object: 'customer', email: 'jane.doe@example.test', name: 'Jane Doe', livemode: false });
    const id = created.body.id as string;
    const updated = await call('POST', `/customers/${id}`, { params: { name: 'Jane Q. Doe', phone: '' } });
    expect(updated.body).toMatchObject({ id, name: 'Jane Q. Doe' });
    expect((await call('GET', `/customers/${id}`)).body.name).toBe('Jane Q. Doe');
    const list = await call('GET', '/customers', { params: { email: 'jane.doe@example.test' } });
    expect(list.body).toMatchObject({ object: 'list', url: '/v1/customers' });
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([id]);
    const search = await call('GET', '/customers/search', { params: { query: 'email~"jane.doe"' } });
    expect(search.body.object).toBe('search_result');
    expect(search.body.data.map((c: { id: string }) => c.id)).toContain(id);
    const deleted = await call('DELETE', `/customers/${id}`);
    expect(deleted.body).toEqual({ id, object: 'customer', deleted: true });
    expect((await call('GET', `/customers/${id}`)).body).toMatchObject({ id, deleted: true });
  });

  it('refunds: create partial and full, retrieve, update, list', async () => {
    const paid = await call('POST', '/payment_intents', { params: { amount: 3000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true } });
    expect(paid.body.status).toBe('succeeded');
    const partial = await call('POST', '/refunds', { params: { payment_intent: paid.body.id, amount: 1000, reason: 'requested_by_customer' } });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ object: 'refund', amount: 1000, payment_intent: paid.body.id });
    const rest = await call('POST', '/refunds', { params: { payment_intent: paid.body.id } });
    expect(rest.body.amount).toBe(2000);
    const tooMuch = await call('POST', '/refunds', { params: { payment_intent: paid.body.id, amount: 1 } });
    expect(tooMuch.status).toBe(400);
    const note = await call('POST', '/refunds', { params: { payment_intent: paid.body.id, amount: 1, note: 'x' } });
    expect(note.body.error).toMatchObject({ code: 'parameter_unknown', param: 'note' });
    const updated = await call('POST', `/refunds/${partial.body.id}`, { params: { metadata: { ticket: 'T-9' } } });
    expect(updated.body.metadata).toEqual({ ticket: 'T-9' });
    expect((await call('GET', `/refunds/${partial.body.id}`)).body.id).toBe(partial.body.id);
    const list = await call('GET', '/refunds', { params: { payment_intent: paid.body.id } });
    expect(list.body).toMatchObject({ object: 'list', url: '/v1/refunds' });
    expect(list.body.data).toHaveLength(2);
  });

  it('events: list and retrieve', async () => {
    const customer = await call('POST', '/customers', { params: { name: 'Evented' } });
    const list = await call('GET', '/events', { params: { type: 'customer.created', limit: 100 } });
    expect(list.body).toMatchObject({ object: 'list', url: '/v1/events' });
    const event = list.body.data.find((e: { data: { object: { id: string } } }) => e.data.object.id === customer.body.id);
    expect(event).toMatchObject({ object: 'event', type: 'customer.created', livemode: false });
    const retrieved = await call('GET', `/events/${event.id}`);
    expect(retrieved.body.id).toBe(event.id);
    expect(retrieved.body.request.id).toBe(customer.headers.get('request-id'));
  });

  it('events: types[], created[...] and delivery_success find the undelivered ones through the API (issue 10, Events)', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    // Nothing delivers in this file: a delivery to this endpoint stays pending.
    const hook = await call('POST', '/webhook_endpoints', { params: { url: 'http://127.0.0.1:9/undelivered', enabled_events: ['customer.updated'] } });
    const customer = await call('POST', '/customers', { params: { name: 'Findable' } });
    await call('POST', `/customers/${customer.body.id}`, { params: { name: 'Found' } });
    const ours = (list: { body: { data: Array<{ type: string; data: { object: { id: string } } }> } }) => list.body.data.filter((e) => e.data.object.id === customer.body.id).map((e) => e.type);
    expect(ours(await call('GET', '/events', { params: { types: ['customer.created', 'customer.updated'], created: { gte: since }, limit: 100 } }))).toEqual(['customer.updated', 'customer.created']);
    expect(ours(await call('GET', '/events', { params: { created: { lt: since }, limit: 100 } }))).toEqual([]);
    expect(ours(await call('GET', '/events', { params: { delivery_success: false, created: { gte: since }, limit: 100 } }))).toContain('customer.updated');
    expect(ours(await call('GET', '/events', { params: { delivery_success: true, created: { gte: since }, limit: 100 } }))).not.toContain('customer.updated');
    expect((await call('DELETE', `/webhook_endpoints/${hook.body.id}`)).status).toBe(200);
  });

  it('webhook endpoints: create, retrieve, update, delete, list', async () => {
    const created = await call('POST', '/webhook_endpoints', { params: { url: 'http://127.0.0.1:9/hook', enabled_events: ['payment_intent.succeeded', 'refund.created'] } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ object: 'webhook_endpoint', url: 'http://127.0.0.1:9/hook', enabled_events: ['payment_intent.succeeded', 'refund.created'] });
    expect(created.body.secret).toMatch(/^whsec_/);
    const id = created.body.id as string;
    const retrieved = await call('GET', `/webhook_endpoints/${id}`);
    expect(retrieved.body.id).toBe(id);
    expect(retrieved.body.secret).toBeUndefined();
    const updated = await call('POST', `/webhook_endpoints/${id}`, { params: { enabled_events: ['*'], description: 'All' } });
    expect(updated.body).toMatchObject({ enabled_events: ['*'], description: 'All' });
    const list = await call('GET', '/webhook_endpoints');
    expect(list.body).toMatchObject({ object: 'list', url: '/v1/webhook_endpoints' });
    expect(list.body.data.map((w: { id: string }) => w.id)).toContain(id);
    const deleted = await call('DELETE', `/webhook_endpoints/${id}`);
    expect(deleted.body).toEqual({ id, object: 'webhook_endpoint', deleted: true });
    expect((await call('GET', `/webhook_endpoints/${id}`)).status).toBe(404);
  });
});
