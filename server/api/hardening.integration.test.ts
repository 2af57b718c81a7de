import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../core/customers/customers.service.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';
import { apiClient } from './test-client.js';

// Regressions from the security review: each case was a 500, a leak or a way around a merchant's choice.
let t: TestDatabase;
let server: TestServer;
let keys: { secret: string; publishable: string };
let merchantId: string;
let call: ReturnType<typeof apiClient>;

beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  merchantId = m.merchant.id;
  keys = { secret: m.keys.test.secret, publishable: m.keys.test.publishable };
  server = await startTestServer(t.deps);
  call = apiClient(server.baseUrl, keys.secret);
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

describe('hardening', () => {
  it('treats prototype names as unknown payment methods, not as cards', async () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      const res = await call('POST', '/payment_intents', { params: { amount: 1000, currency: 'usd', payment_method: name, confirm: 'true' } });
      expect(res.status, name).toBe(404);
      expect(res.body.error.code).toBe('resource_missing');
    }
  });

  it('refuses merchant-only confirm parameters from a publishable key', async () => {
    const pi = await call('POST', '/payment_intents', { params: { amount: 1000, currency: 'usd', capture_method: 'manual' } });
    const res = await call('POST', `/payment_intents/${pi.body.id}/confirm`, {
      key: keys.publishable,
      params: { client_secret: pi.body.client_secret, payment_method: 'pm_card_visa', capture_method: 'automatic' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ type: 'permission_error', param: 'capture_method' });
    const ok = await call('POST', `/payment_intents/${pi.body.id}/confirm`, { key: keys.publishable, params: { client_secret: pi.body.client_secret, payment_method: 'pm_card_visa' } });
    expect(ok.body.status).toBe('requires_capture');
  });

  it("refuses another customer's saved card", async () => {
    const scope = { merchantId, livemode: false };
    const alice = await createCustomer(t.deps, scope, { email: 'alice@example.test' });
    const bob = await createCustomer(t.deps, scope, { email: 'bob@example.test' });
    const first = await call('POST', '/payment_intents', { params: { amount: 1000, currency: 'usd', customer: alice.id, payment_method: 'pm_card_visa', confirm: 'true' } });
    expect(first.body.status).toBe('succeeded');
    const stolen = await call('POST', '/payment_intents', { params: { amount: 1000, currency: 'usd', customer: bob.id, payment_method: first.body.payment_method, confirm: 'true' } });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.param).toBe('payment_method');
  });

  it('refuses a capture below the currency minimum', async () => {
    const pi = await call('POST', '/payment_intents', { params: { amount: 1000, currency: 'usd', capture_method: 'manual', payment_method: 'pm_card_visa', confirm: 'true' } });
    const res = await call('POST', `/payment_intents/${pi.body.id}/capture`, { params: { amount_to_capture: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'amount_too_small', param: 'amount_to_capture' });
  });

  it('answers out-of-range timestamps with a 400, not a 500', async () => {
    const list = await call('GET', '/payment_intents', { params: { 'created[gte]': '9007199254740991' } });
    expect(list.status).toBe(400);
    const search = await call('GET', '/payment_intents/search', { params: { query: 'created>9999999999999' } });
    expect(search.status).toBe(400);
  });

  it('keeps a webhook secret encrypted in the idempotency store and still replays it', async () => {
    const params = { url: 'https://example.test/hooks', 'enabled_events[]': 'payment_intent.succeeded' };
    const first = await call('POST', '/webhook_endpoints', { params, headers: { 'idempotency-key': 'we-1' } });
    expect(first.body.secret).toMatch(/^whsec_/);
    const { rows } = await sql<{ body: string }>`select response_body::text as body from idempotency_keys where key = 'we-1'`.execute(t.db);
    expect(rows[0].body).not.toContain(first.body.secret);
    const replay = await call('POST', '/webhook_endpoints', { params, headers: { 'idempotency-key': 'we-1' } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.secret).toBe(first.body.secret);
  });

  it('answers a mangled session cookie as signed out', async () => {
    const res = await fetch(`${server.baseUrl}/trpc/auth.me`, { headers: { cookie: 'pf_session=%E0%A4%A' } });
    expect(res.status).toBe(200);
    expect((await res.json()).result.data).toBeNull();
  });
});
