import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../app.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../test/db.js';
import { takeToken } from './rate-limit.js';
import { apiClient } from './test-client.js';

let database: TestDatabase;
let server: Server;
let baseUrl: string;
let keys: { test: string; live: string; test2: string };

beforeAll(async () => {
  database = await createTestDatabase();
  const merchant = await createTestMerchant(database.db);
  const other = await createTestMerchant(database.db);
  keys = { test: merchant.keys.test.secret, live: merchant.keys.live.secret, test2: other.keys.test.secret };
  // Low limits so a test can empty a bucket: 1/s with a burst of 4 in test mode, 5/s (burst 10) live.
  const app = createApp(database.deps, { api: { rateLimits: { test: { rate: 1, burst: 4 }, live: { rate: 5, burst: 10 } } } });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await database?.drop();
});

describe('rate limits', () => {
  it('sends X-RateLimit-* on every authenticated response and 429 with Retry-After when the bucket is empty', async () => {
    const call = apiClient(baseUrl, keys.test);
    const first = await call('GET', '/customers');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit')).toBe('4');
    expect(Number(first.headers.get('x-ratelimit-remaining'))).toBe(3);
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));

    const burst = await Promise.all(Array.from({ length: 8 }, () => call('GET', '/customers')));
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(3);
    for (const response of limited) {
      expect(response.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit' });
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(response.headers.get('request-id')).toMatch(/^req_/);
    }
    // Errors from the endpoint itself still carry the headers.
    const missing = await call('GET', '/customers/cus_nope');
    expect(missing.headers.get('x-ratelimit-limit')).toBe('4');

    // The bucket refills at the configured rate.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await call('GET', '/customers')).status).toBe(200);
  });

  it('keeps separate buckets per key and per mode', async () => {
    const drain = apiClient(baseUrl, keys.test2);
    const results = await Promise.all(Array.from({ length: 8 }, () => drain('GET', '/customers')));
    expect(results.some((r) => r.status === 429)).toBe(true);
    const live = await apiClient(baseUrl, keys.live)('GET', '/customers');
    expect(live.status).toBe(200);
    expect(live.headers.get('x-ratelimit-limit')).toBe('10');
  });

  it('refuses revoked and expired keys without charging their bucket, and notes when a key was last used', async () => {
    const merchant = await createTestMerchant(database.db);
    const bucketOf = async (keyId: string) => database.db.selectFrom('rate_limits').select('tokens').where('bucket', '=', `api_key:${keyId}`).executeTakeFirst();
    const [revoked, expired, used] = await database.db.selectFrom('api_keys').select(['id', 'type', 'livemode']).where('merchant_id', '=', merchant.merchant.id).orderBy('livemode').orderBy('type').execute().then((rows) => [rows[1], rows[3], rows[0]]);
    await database.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', revoked.id).execute();
    await database.db.updateTable('api_keys').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', expired.id).execute();
    const refused = await apiClient(baseUrl, merchant.keys.test.secret)('GET', '/customers');
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ code: 'api_key_invalid' });
    const late = await apiClient(baseUrl, merchant.keys.live.secret)('GET', '/customers');
    expect(late.status).toBe(401);
    expect(late.body.error).toMatchObject({ code: 'api_key_expired' });
    expect(await bucketOf(revoked.id)).toBeUndefined();
    expect(await bucketOf(expired.id)).toBeUndefined();

    const publishable = await apiClient(baseUrl, merchant.keys.test.publishable)('GET', '/payment_intents/pi_missing');
    expect(publishable.status).toBe(400); // authenticated; the client_secret is missing
    const touched = await database.db.selectFrom('api_keys').select('last_used_at').where('id', '=', used.id).executeTakeFirstOrThrow();
    expect(touched.last_used_at).not.toBeNull();
    expect(Number((await bucketOf(used.id))?.tokens)).toBe(3);
  });

  it('never lets two requests take the last token (one atomic statement)', async () => {
    const bucket = `test-bucket-${Date.now()}`;
    const decisions = await Promise.all(Array.from({ length: 30 }, () => takeToken(database.db, bucket, { rate: 0.001, burst: 10 })));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfter >= 1)).toBe(true);
  });
});

describe('access log (LOG_REQUESTS)', () => {
  it('logs method, path, status and request id, never parameters or keys', async () => {
    const app = createApp(database.deps, { api: { logRequests: true, rateLimits: { test: { rate: 100, burst: 100 }, live: { rate: 100, burst: 100 } } } });
    const logged = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      const call = apiClient(`http://127.0.0.1:${(logged.address() as AddressInfo).port}`, keys.live);
      const response = await call('POST', '/customers', { params: { email: 'secret-person@example.test' } });
      await new Promise((r) => setTimeout(r, 50));
      const line = lines.find((l) => l.includes('POST /v1/customers'));
      expect(line).toMatch(new RegExp(`^\\[api\\] POST /v1/customers 200 [0-9.]+ms ${response.headers.get('request-id')}$`));
      expect(lines.join('\n')).not.toContain('secret-person');
      expect(lines.join('\n')).not.toContain(keys.live);
    } finally {
      spy.mockRestore();
      logged.closeAllConnections();
      await new Promise<void>((resolve) => logged.close(() => resolve()));
    }
  });
});
