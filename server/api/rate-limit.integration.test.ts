import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../app.js';
import { configureLogger } from '../observability/logger.js';
import { createPaymentIntent } from '../core/payment-intents/payment-intents.service.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../test/db.js';
import type { RateLimitConfig } from './rate-limit.js';
import { takeToken } from './rate-limit.js';
import { apiClient } from './test-client.js';

/**
 * Every bucket here reads an injected clock: time moves only when a test moves it, so each assertion is
 * exact (no sleeping, no "at least").
 */
const START = new Date('2031-03-04T05:06:07.000Z');
let now = START;
const clock = () => now;
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};
const unix = (date: Date) => date.getTime() / 1000;

let database: TestDatabase;
const servers: Server[] = [];

async function serve(rateLimits: RateLimitConfig, extra: { logRequests?: boolean } = {}): Promise<string> {
  const app = createApp(database.deps, { api: { rateLimits, clock, ...extra } });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// Low limits so a test can empty a bucket: 1/s with a burst of 4 in test mode, 5/s (burst 10) live;
// publishable traffic 1/s with a burst of 5 per client address and 3 per intent.
const LIMITS: RateLimitConfig = {
  test: { rate: 1, burst: 4 },
  live: { rate: 5, burst: 10 },
  publishable: { ip: { rate: 1, burst: 5 }, intent: { rate: 1, burst: 3 } },
};

let baseUrl: string;
let keys: { test: string; live: string; test2: string };

beforeAll(async () => {
  database = await createTestDatabase();
  const merchant = await createTestMerchant(database.db);
  const other = await createTestMerchant(database.db);
  keys = { test: merchant.keys.test.secret, live: merchant.keys.live.secret, test2: other.keys.test.secret };
  baseUrl = await serve(LIMITS);
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await database?.drop();
});

const count = (responses: { status: number }[], status: number) => responses.filter((r) => r.status === status).length;

describe('rate limits', () => {
  it('sends X-RateLimit-* on every authenticated response and 429 with Retry-After when the bucket is empty', async () => {
    now = START;
    const call = apiClient(baseUrl, keys.test);
    const first = await call('GET', '/customers');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit')).toBe('4');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('3');
    // Full again after the one token taken comes back: one second at 1/s.
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBe(unix(START) + 1);

    const burst = await Promise.all(Array.from({ length: 8 }, () => call('GET', '/customers')));
    expect(count(burst, 200)).toBe(3);
    expect(burst.filter((r) => r.status === 200).map((r) => r.headers.get('x-ratelimit-remaining')).sort()).toEqual(['0', '1', '2']);
    const limited = burst.filter((r) => r.status === 429);
    expect(limited).toHaveLength(5);
    for (const response of limited) {
      expect(response.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit' });
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(response.headers.get('x-ratelimit-reset'))).toBe(unix(START) + 4);
      expect(response.headers.get('request-id')).toMatch(/^req_/);
    }

    // The bucket refills at the configured rate: one second gives exactly one token.
    advance(1000);
    // Errors from the endpoint itself still carry the headers.
    const missing = await call('GET', '/customers/cus_nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-ratelimit-limit')).toBe('4');
    expect(missing.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await call('GET', '/customers')).status).toBe(429);
    advance(999);
    expect((await call('GET', '/customers')).status).toBe(429);
    advance(1);
    expect((await call('GET', '/customers')).status).toBe(200);
    // A long quiet period fills the bucket to its burst, never beyond.
    advance(60_000);
    const after = await Promise.all(Array.from({ length: 6 }, () => call('GET', '/customers')));
    expect(count(after, 200)).toBe(4);
    expect(count(after, 429)).toBe(2);
  });

  it('keeps separate buckets per key and per mode', async () => {
    now = START;
    const drain = apiClient(baseUrl, keys.test2);
    const results = await Promise.all(Array.from({ length: 8 }, () => drain('GET', '/customers')));
    expect(count(results, 200)).toBe(4);
    expect(count(results, 429)).toBe(4);
    const live = await apiClient(baseUrl, keys.live)('GET', '/customers');
    expect(live.status).toBe(200);
    expect(live.headers.get('x-ratelimit-limit')).toBe('10');
    expect(live.headers.get('x-ratelimit-remaining')).toBe('9');
  });

  it('refuses revoked and expired keys without charging their bucket, and notes when a key was last used', async () => {
    now = START;
    const merchant = await createTestMerchant(database.db);
    const bucketOf = async (bucket: string) => database.db.selectFrom('rate_limits').select('tokens').where('bucket', '=', bucket).executeTakeFirst();
    const [revoked, expired, used] = await database.db.selectFrom('api_keys').select(['id', 'type', 'livemode']).where('merchant_id', '=', merchant.merchant.id).orderBy('livemode').orderBy('type').execute().then((rows) => [rows[1], rows[3], rows[0]]);
    await database.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', revoked.id).execute();
    await database.db.updateTable('api_keys').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', expired.id).execute();
    const refused = await apiClient(baseUrl, merchant.keys.test.secret)('GET', '/customers');
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ code: 'api_key_invalid' });
    const late = await apiClient(baseUrl, merchant.keys.live.secret)('GET', '/customers');
    expect(late.status).toBe(401);
    expect(late.body.error).toMatchObject({ code: 'api_key_expired' });
    expect(await bucketOf(`api_key:${revoked.id}`)).toBeUndefined();
    expect(await bucketOf(`api_key:${expired.id}`)).toBeUndefined();

    expect(used.type).toBe('publishable');
    const publishable = await apiClient(baseUrl, merchant.keys.test.publishable)('GET', '/payment_intents/pi_missing');
    expect(publishable.status).toBe(400); // authenticated; the client_secret is missing
    const touched = await database.db.selectFrom('api_keys').select('last_used_at').where('id', '=', used.id).executeTakeFirstOrThrow();
    expect(touched.last_used_at).not.toBeNull();
    // The publishable key draws from its client's and its intent's buckets, never from the key's own.
    expect(await bucketOf(`api_key:${used.id}`)).toBeUndefined();
    expect(Number((await bucketOf(`pk_ip:${used.id}:127.0.0.1`))?.tokens)).toBe(4);
    expect(Number((await bucketOf(`pk_intent:${used.id}:pi_missing`))?.tokens)).toBe(2);
  });

  it('never lets two requests take the last token (one atomic statement)', async () => {
    const bucket = `test-bucket-${Date.now()}`;
    const decisions = await Promise.all(Array.from({ length: 30 }, () => takeToken(database.db, bucket, { rate: 0.001, burst: 10 }, START)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect(decisions.filter((d) => !d.allowed)).toHaveLength(20);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfter === 1000)).toBe(true);
  });
});

describe('publishable-key traffic', () => {
  async function buyerIntent(actor: { merchantId: string; livemode: boolean }) {
    return createPaymentIntent(database.deps, actor, { amount: 2500, currency: 'usd' });
  }

  it("cannot 429 other buyers' confirms or the merchant's server, however hard one client floods", async () => {
    now = START;
    const merchant = await createTestMerchant(database.db);
    const actor = { merchantId: merchant.merchant.id, livemode: false };
    const pk = merchant.keys.test.publishable;
    const call = apiClient(baseUrl, pk);
    const buyers = await Promise.all(Array.from({ length: 10 }, () => buyerIntent(actor)));

    // The flood: GET pi_x?client_secret=x with the publishable key, from one address, alongside
    // ten real buyers confirming from their own addresses.
    const flood = Array.from({ length: 60 }, () => call('GET', '/payment_intents/pi_x', { params: { client_secret: 'x' }, headers: { 'x-forwarded-for': '203.0.113.66' } }));
    const confirms = buyers.map((intent, i) =>
      call('POST', `/payment_intents/${intent.id}/confirm`, {
        params: { client_secret: intent.client_secret!, payment_method: 'pm_card_visa' },
        headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
      }),
    );
    const [flooded, confirmed] = await Promise.all([Promise.all(flood), Promise.all(confirms)]);

    expect(confirmed.map((r) => r.status)).toEqual(buyers.map(() => 200));
    expect(confirmed.map((r) => r.body.status)).toEqual(buyers.map(() => 'succeeded'));
    // The flooding client got its burst (answered 404: the intent does not exist), then 429s.
    expect(count(flooded, 404)).toBe(3);
    expect(count(flooded, 429)).toBe(57);
    for (const response of flooded.filter((r) => r.status === 429)) {
      expect(response.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit' });
      expect(response.headers.get('retry-after')).toBe('1');
    }
    // The merchant's secret key still has its whole bucket.
    const server = await apiClient(baseUrl, merchant.keys.test.secret)('GET', `/payment_intents/${buyers[0].id}`);
    expect(server.status).toBe(200);
    expect(server.headers.get('x-ratelimit-remaining')).toBe('3');
  });

  it('limits each client address, whichever intents it asks for', async () => {
    now = START;
    const merchant = await createTestMerchant(database.db);
    const actor = { merchantId: merchant.merchant.id, livemode: false };
    const call = apiClient(baseUrl, merchant.keys.test.publishable);
    const intents = await Promise.all(Array.from({ length: 8 }, () => buyerIntent(actor)));
    const headers = { 'x-forwarded-for': '192.0.2.7' };
    const reads = await Promise.all(intents.map((intent) => call('GET', `/payment_intents/${intent.id}`, { params: { client_secret: intent.client_secret! }, headers })));
    expect(count(reads, 200)).toBe(5);
    expect(count(reads, 429)).toBe(3);
    // The headers describe whichever bucket runs out first: the intent's (3, one taken) while the address
    // has more left, then the address's (5).
    const described = reads.filter((r) => r.status === 200).map((r) => `${r.headers.get('x-ratelimit-limit')}:${r.headers.get('x-ratelimit-remaining')}`);
    expect(described.sort()).toEqual(['3:2', '3:2', '5:0', '5:1', '5:2']);
    // Another address is not affected.
    const other = await call('GET', `/payment_intents/${intents[0].id}`, { params: { client_secret: intents[0].client_secret! }, headers: { 'x-forwarded-for': '192.0.2.8' } });
    expect(other.status).toBe(200);
    // And the refill applies to the address's bucket at its rate.
    advance(1000);
    expect((await call('GET', `/payment_intents/${intents[1].id}`, { params: { client_secret: intents[1].client_secret! }, headers })).status).toBe(200);
    expect((await call('GET', `/payment_intents/${intents[2].id}`, { params: { client_secret: intents[2].client_secret! }, headers })).status).toBe(429);
  });

  it('limits each intent, whichever addresses ask for it, without touching other intents', async () => {
    now = START;
    const merchant = await createTestMerchant(database.db);
    const actor = { merchantId: merchant.merchant.id, livemode: false };
    const call = apiClient(baseUrl, merchant.keys.test.publishable);
    const [hot, quiet] = [await buyerIntent(actor), await buyerIntent(actor)];
    const read = (intent: typeof hot, ip: string) => call('GET', `/payment_intents/${intent.id}`, { params: { client_secret: intent.client_secret! }, headers: { 'x-forwarded-for': ip } });
    const spread = await Promise.all(Array.from({ length: 6 }, (_, i) => read(hot, `192.0.2.${100 + i}`)));
    expect(count(spread, 200)).toBe(3);
    expect(count(spread, 429)).toBe(3);
    for (const response of spread.filter((r) => r.status === 429)) expect(response.headers.get('x-ratelimit-limit')).toBe('3');
    // The same addresses still reach another intent: their own buckets were charged once each at most.
    const elsewhere = await Promise.all(Array.from({ length: 3 }, (_, i) => read(quiet, `192.0.2.${100 + i}`)));
    expect(elsewhere.map((r) => r.status)).toEqual([200, 200, 200]);
  });
});

describe('access log (LOG_REQUESTS)', () => {
  it('logs method, path, status and request id, never parameters or keys', async () => {
    const unlimited = { rate: 100, burst: 100 };
    const logged = await serve({ test: unlimited, live: unlimited }, { logRequests: true });
    const lines: string[] = [];
    configureLogger({ level: 'info', destination: new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }) });
    try {
      const call = apiClient(logged, keys.live);
      const response = await call('POST', '/customers', { params: { email: 'secret-person@example.test' } });
      // The line is written when the server finishes the response, which may be just after the client has it.
      const entry = await vi.waitFor(() => {
        const found = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'api request' && l.path === '/v1/customers');
        if (!found) throw new Error('not logged yet');
        return found;
      });
      expect(entry).toMatchObject({ method: 'POST', route: '/v1/customers', status: 200, req_id: response.headers.get('request-id') });
      expect(lines.join('\n')).not.toContain('secret-person');
      expect(lines.join('\n')).not.toContain(keys.live);
    } finally {
      configureLogger({ level: 'warn' });
    }
  });
});
