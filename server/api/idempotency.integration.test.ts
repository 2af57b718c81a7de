import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';
import { pruneIdempotencyKeys } from '../core/idempotency/idempotency.service.js';
import { apiClient } from './test-client.js';

let database: TestDatabase;
let server: TestServer;
let merchantId: string;
let call: ReturnType<typeof apiClient>;
let liveKey: string;
let otherKey: string;

beforeAll(async () => {
  // This file checks behaviour, not limits (rate-limit.integration.test.ts does): a bucket it cannot empty.
  process.env.RATE_LIMIT_TEST = '10000';
  process.env.RATE_LIMIT_LIVE = '10000';
  database = await createTestDatabase();
  const merchant = await createTestMerchant(database.db);
  const other = await createTestMerchant(database.db);
  merchantId = merchant.merchant.id;
  liveKey = merchant.keys.live.secret;
  otherKey = other.keys.test.secret;
  server = await startTestServer(database.deps);
  call = apiClient(server.baseUrl, merchant.keys.test.secret);
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

async function countIntents(description: string) {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from payment_intents where merchant_id = ${merchantId} and description = ${description}`.execute(database.db);
  return rows[0].n;
}

describe('Idempotency-Key', () => {
  it('10 concurrent requests with one key create exactly one intent', async () => {
    const key = `concurrent-${Date.now()}`;
    const params = { amount: 2500, currency: 'usd', description: key, payment_method: 'pm_card_visa', confirm: true };
    const responses = await Promise.all(Array.from({ length: 10 }, () => call('POST', '/payment_intents', { params, headers: { 'idempotency-key': key } })));
    const statuses = responses.map((r) => r.status);
    // Each request either ran it, replayed it, or was told another request holds the key.
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const ok = responses.filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((r) => r.body.id)).size).toBe(1);
    for (const conflict of responses.filter((r) => r.status === 409)) {
      expect(conflict.body.error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_in_use' });
    }
    expect(await countIntents(key)).toBe(1);

    // Once the first has finished, every retry replays it.
    const replay = await call('POST', '/payment_intents', { params, headers: { 'idempotency-key': key } });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(ok[0].body);
    expect(await countIntents(key)).toBe(1);
  });

  it('replays the original status and body, and refuses different parameters with 400', async () => {
    const key = `replay-${Date.now()}`;
    const first = await call('POST', '/customers', { params: { name: 'Once', metadata: { a: '1', b: '2' } }, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // Same parameters in another order and encoding are the same request.
    const second = await call('POST', '/customers', { rawBody: 'metadata[b]=2&metadata[a]=1&name=Once', headers: { 'idempotency-key': key, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);

    const different = await call('POST', '/customers', { params: { name: 'Twice' }, headers: { 'idempotency-key': key } });
    expect(different.status).toBe(400);
    expect(different.body.error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_error' });
    const otherPath = await call('POST', '/payment_intents', { params: { amount: 100, currency: 'usd' }, headers: { 'idempotency-key': key } });
    expect(otherPath.status).toBe(400);
    expect(otherPath.body.error.type).toBe('idempotency_error');
  });

  it('scopes keys per merchant and mode', async () => {
    const key = `scoped-${Date.now()}`;
    const test = await call('POST', '/customers', { params: { name: 'Test mode' }, headers: { 'idempotency-key': key } });
    const live = await call('POST', '/customers', { key: liveKey, params: { name: 'Live mode' }, headers: { 'idempotency-key': key } });
    const other = await call('POST', '/customers', { key: otherKey, params: { name: 'Other merchant' }, headers: { 'idempotency-key': key } });
    expect([test.status, live.status, other.status]).toEqual([200, 200, 200]);
    expect(new Set([test.body.id, live.body.id, other.body.id]).size).toBe(3);
    expect(live.body.livemode).toBe(true);
  });

  it('stores and replays a card decline (the decline itself stays recorded)', async () => {
    const key = `decline-${Date.now()}`;
    const params = { amount: 1800, currency: 'usd', description: key, payment_method: 'pm_card_chargeDeclined', confirm: true };
    const first = await call('POST', '/payment_intents', { params, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(402);
    expect(first.body.error).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' });
    const intentId = first.body.error.payment_intent.id;
    const stored = await call('GET', `/payment_intents/${intentId}`);
    expect(stored.status).toBe(200);
    expect(stored.body.last_payment_error.decline_code).toBe('generic_decline');

    const replay = await call('POST', '/payment_intents', { params, headers: { 'idempotency-key': key } });
    expect(replay.status).toBe(402);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await countIntents(key)).toBe(1);
  });

  it('stores other client errors without keeping their writes, and replays them', async () => {
    const key = `invalid-${Date.now()}`;
    const first = await call('POST', '/payment_intents', { params: { amount: 10, currency: 'usd' }, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(400);
    const replay = await call('POST', '/payment_intents', { params: { amount: 10, currency: 'usd' }, headers: { 'idempotency-key': key } });
    expect(replay.status).toBe(400);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
  });

  it('refuses keys longer than 255 characters and ignores the header on GET', async () => {
    const long = await call('POST', '/customers', { params: { name: 'x' }, headers: { 'idempotency-key': 'k'.repeat(256) } });
    expect(long.status).toBe(400);
    expect(long.body.error.type).toBe('invalid_request_error');
    const get = await call('GET', '/customers', { headers: { 'idempotency-key': 'whatever' } });
    expect(get.status).toBe(200);
    expect(get.headers.get('idempotent-replayed')).toBeNull();
  });

  it('treats a key older than 24 hours as new, and the pruning job removes such keys', async () => {
    const key = `old-${Date.now()}`;
    const first = await call('POST', '/customers', { params: { name: 'Old' }, headers: { 'idempotency-key': key } });
    await sql`update idempotency_keys set created_at = now() - interval '25 hours' where merchant_id = ${merchantId} and key = ${key}`.execute(database.db);
    const again = await call('POST', '/customers', { params: { name: 'New' }, headers: { 'idempotency-key': key } });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(again.body.id).not.toBe(first.body.id);

    await sql`update idempotency_keys set created_at = now() - interval '25 hours' where merchant_id = ${merchantId} and key = ${key}`.execute(database.db);
    expect(await pruneIdempotencyKeys(database.deps)).toBeGreaterThanOrEqual(1);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from idempotency_keys where merchant_id = ${merchantId} and key = ${key}`.execute(database.db);
    expect(rows[0].n).toBe(0);
  });
});
