import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { sql, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { advanceAnalyticsDays } from '../core/analytics/analytics.service.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { parseParams as parseInService } from '../core/shared/params.js';
import { createApp } from '../app.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';
import { createPaymentIntentParams } from '../../shared/contracts/payment-intents.js';
import { parseForm } from './form.js';
// The edge and the services use the one mapper (core/shared/params.ts); the edge passes coerce for form bodies.
import { parseParams as parseAtEdge } from '../core/shared/params.js';
import { MAX_BODY_BYTES } from './pipeline.js';
import { createApiRouter } from './router.js';
import { apiClient } from './test-client.js';

/**
 * The per-request work of the API's write path (issue 8 item 13; bench/api.ts measures it). These check the
 * shape of that work, not its speed: how many statements a call sends and how many the query builder compiles.
 */

let database: TestDatabase;
let server: TestServer;
let call: ReturnType<typeof apiClient>;
let secret: string;
const seen = { compiled: 0, executed: 0 };

beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  database = await createTestDatabase();
  const merchant = await createTestMerchant(database.db);
  // transformQuery runs for each query Kysely compiles from its builder or `sql` templates; transformResult
  // for every statement executed, including text run as is.
  const counting: KyselyPlugin = {
    transformQuery: (args) => {
      seen.compiled++;
      return args.node;
    },
    transformResult: async (args) => {
      seen.executed++;
      return args.result;
    },
  };
  const deps: CoreDeps = { ...database.deps, db: database.db.withPlugin(counting) };
  server = await startTestServer(deps);
  secret = merchant.keys.test.secret;
  call = apiClient(server.baseUrl, secret);
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

async function counted<T>(work: () => Promise<T>) {
  seen.compiled = 0;
  seen.executed = 0;
  const result = await work();
  return { result, ...seen };
}

describe('create+confirm', () => {
  it('makes two round trips, neither compiled by the query builder', async () => {
    const { result, compiled, executed } = await counted(() =>
      call('POST', '/payment_intents', { params: { amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, metadata: { order_id: '1' } } }),
    );
    expect(result.status).toBe(200);
    expect(result.body.status).toBe('succeeded');
    // One statement authenticates and takes the rate-limit token; one writes card, intent, attempt, events, outbox.
    expect(executed).toBe(2);
    expect(compiled).toBe(0);
    const events = await call('GET', '/events', { params: { limit: 3 } });
    // Newest first, in Stripe's order: the intent is created, its charge succeeds, then the intent does.
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual(['payment_intent.succeeded', 'charge.succeeded', 'payment_intent.created']);
    expect(events.body.data[1].data.object).toMatchObject({ object: 'charge', payment_intent: result.body.id, status: 'succeeded' });
    expect(events.body.data[0].data.object.id).toBe(result.body.id);
  });

  it('under an Idempotency-Key takes the key and its lock in one statement, and a replay reads it back', async () => {
    const params = { amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true };
    const first = await counted(() => call('POST', '/payment_intents', { params, headers: { 'Idempotency-Key': 'hot-path-idempotent' } }));
    expect(first.result.body.status).toBe('succeeded');
    // Counted are the statements, not BEGIN and COMMIT: the key and its token; lock and claim; savepoint;
    // card, intent, attempt, charge, ledger, events and outbox; the stored response.
    expect(first.executed).toBe(5);
    const replay = await counted(() => call('POST', '/payment_intents', { params, headers: { 'Idempotency-Key': 'hot-path-idempotent' } }));
    expect(replay.result.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.result.body.id).toBe(first.result.body.id);
    // The key and its token; lock and claim (it exists); the stored response read back.
    expect(replay.executed).toBe(3);
  });

  it('writes no row that checks a foreign key against the merchants row, which every payment in flight would share', async () => {
    // Each such check takes FOR KEY SHARE on the one merchants row; concurrent payments kept rewriting its lock
    // as a growing MultiXact (decision 022). The tables are found by what a payment writes, not listed here.
    const fresh = await createTestMerchant(database.db);
    await advanceAnalyticsDays(database.deps); // its days are cut, as the job does within a minute
    const tenantTables = (await sql<{ table: string }>`
      select c.table_name as table from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
      where c.table_schema = current_schema() and c.column_name = 'merchant_id' and t.table_type = 'BASE TABLE' order by 1`.execute(database.db)).rows.map((r) => r.table);
    const withRows = async () => {
      const found: string[] = [];
      for (const table of tenantTables) {
        const { rows } = await sql<{ any: boolean }>`select exists (select 1 from ${sql.table(table)} where merchant_id = ${fresh.merchant.id}) as any`.execute(database.db);
        if (rows[0].any) found.push(table);
      }
      return found;
    };
    const before = await withRows();
    const paid = await apiClient(server.baseUrl, fresh.keys.test.secret)('POST', '/payment_intents', { params: { amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true } });
    expect(paid.body.status).toBe('succeeded');
    const written = (await withRows()).filter((table) => !before.includes(table));
    expect(written).toEqual(expect.arrayContaining(['payment_intents', 'payment_attempts', 'charges', 'events', 'balance_transactions', 'balance_totals', 'analytics_payment_buckets', 'analytics_attempt_buckets']));
    // A payment made now is after the merchant's day cut: its rollups are 15-minute rows only (decision 023).
    expect(written.filter((table) => table.startsWith('analytics_daily_'))).toEqual([]);
    const { rows: referencing } = await sql<{ table: string }>`
      select conrelid::regclass::text as table from pg_constraint where contype = 'f' and confrelid = 'merchants'::regclass and conrelid::regclass::text = any(${written})`.execute(database.db);
    expect(referencing.map((r) => r.table)).toEqual([]);
  });

  it('announces a declined attempt as charge.failed with its failure code', async () => {
    const declined = await call('POST', '/payment_intents', { params: { amount: 700, currency: 'usd', confirm: true, payment_method: 'pm_card_chargeDeclinedInsufficientFunds' } });
    expect(declined.status).toBe(402);
    const events = await call('GET', '/events', { params: { limit: 2 } });
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual(['payment_intent.payment_failed', 'charge.failed']);
    expect(events.body.data[1].data.object).toMatchObject({ object: 'charge', status: 'failed', failure_code: 'card_declined', payment_intent: declined.body.error.payment_intent.id });
  });

  it('confirms an existing intent through the same text-built transition', async () => {
    const created = await call('POST', '/payment_intents', { params: { amount: 1500, currency: 'eur', payment_method_types: ['card'] } });
    expect(created.body.status).toBe('requires_payment_method');
    const confirmed = await call('POST', `/payment_intents/${created.body.id}/confirm`, { params: { payment_method: 'pm_card_visa' } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ id: created.body.id, status: 'succeeded', amount_received: 1500 });
    const again = await call('POST', `/payment_intents/${created.body.id}/confirm`, { params: { payment_method: 'pm_card_visa' } });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('payment_intent_unexpected_state');
  });

  it('answers JSON with its length', async () => {
    const response = await fetch(`${server.baseUrl}/v1/payment_intents`, { method: 'POST', headers: { authorization: 'Bearer sk_test_nope' } });
    const text = await response.text();
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text).error.type).toBe('authentication_error');
  });
});

describe('parameters', () => {
  it('are validated once per contract: the service does not parse again what the edge parsed', () => {
    let runs = 0;
    const contract = z.object({ amount: z.number().int().transform((n) => (runs++, n)) });
    const parsed = parseAtEdge(contract, { amount: '12' }, { coerce: true });
    expect(parseInService(contract, parsed)).toBe(parsed);
    expect(runs).toBe(1);
    // Anything else is still validated.
    expect(() => parseInService(contract, { amount: 'x' })).toThrow(/amount/);
    expect(parseInService(contract, { amount: 3 })).toEqual({ amount: 3 });
    expect(runs).toBe(2);
    // The same object under another contract is parsed by that contract.
    expect(() => parseInService(z.object({ other: z.string() }), parsed)).toThrow();
  });

  it('of a create+confirm are coerced without trying union alternatives that cannot match', () => {
    // Each refused trial parse builds a ZodError; zod reports every issue it makes to the configured map.
    let issues = 0;
    z.config({ customError: () => void issues++ });
    try {
      // What zod's own union handling costs on the already-typed parameters (metadata's `'' | null` branch).
      createPaymentIntentParams.parse({ amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, metadata: { order_id: 'bench' } });
      const zodAlone = issues;
      issues = 0;
      const body = 'amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true&metadata[order_id]=bench';
      expect(parseAtEdge(createPaymentIntentParams, parseForm(body), { coerce: true })).toMatchObject({ amount: 2000, confirm: true, metadata: { order_id: 'bench' } });
      expect(issues).toBe(zodAlone);
      // Alternatives are still tried where the type fits: '' clears metadata, a number becomes a string.
      expect(parseAtEdge(createPaymentIntentParams, { amount: '50', currency: 'usd', metadata: '' }, { coerce: true }).metadata).toBeNull();
    } finally {
      z.config({ customError: undefined });
    }
  });
});

/** A raw request, the body sent in the given chunks (no Content-Length unless a header says so: chunked). */
function rawRequest(path: string, headers: Record<string, string>, chunks: Buffer[]): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.baseUrl}${path}`, { method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(parts).toString('utf8')) }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('the /v1 request path', () => {
  it('passes one layer before a route is chosen, and is the first thing the app tries', () => {
    // Request-Id, CORS, the key and its token, and the body are one middleware: each router layer is a
    // match and a next() per request. Mounted first, /v1 skips the app's own middleware and routes.
    const router = createApiRouter(database.deps, { logRequests: false });
    expect(router.stack.findIndex((layer) => layer.name === 'router')).toBe(1);
    const app = createApp(database.deps);
    const first = (app as unknown as { router: { stack: { match(path: string): boolean }[] } }).router.stack[0];
    expect(first.match('/v1/payment_intents')).toBeTruthy();
    expect(first.match('/health')).toBe(false);
  });

  it('sends the security, CORS, rate-limit and request headers with every answer', async () => {
    const created = await call('POST', '/payment_intents', { params: { amount: 700, currency: 'usd' }, headers: { 'Idempotency-Key': 'hot-path-headers' } });
    expect(created.status).toBe(200);
    const replay = await call('POST', '/payment_intents', { params: { amount: 700, currency: 'usd' }, headers: { 'Idempotency-Key': 'hot-path-headers' } });
    const refused = await fetch(`${server.baseUrl}/v1/payment_intents`, { headers: { authorization: 'Bearer sk_test_nope' } });
    for (const headers of [created.headers, replay.headers, refused.headers]) {
      expect(headers.get('request-id')).toMatch(/^req_/);
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(headers.get('cache-control')).toBe('no-cache, no-store');
      expect(headers.get('access-control-allow-origin')).toBe('*');
      expect(headers.get('stripe-version')).toBeTruthy();
    }
    expect(created.headers.get('x-ratelimit-limit')).toBeTruthy();
    expect(created.headers.get('idempotency-key')).toBe('hot-path-headers');
    expect(created.headers.get('idempotent-replayed')).toBeNull();
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(created.body.id);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="PaymentFlow"');
    expect(refused.headers.get('x-ratelimit-limit')).toBeNull();
    const preflight = await fetch(`${server.baseUrl}/v1/payment_intents`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE');
    expect(preflight.headers.get('request-id')).toMatch(/^req_/);
  });

  it('keeps the app-wide base headers although it runs ahead of them, HSTS included under an https APP_URL', async () => {
    const app = createApp({ ...database.deps, appUrl: 'https://pay.example.com' });
    const https: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const response = await fetch(`http://127.0.0.1:${(https.address() as AddressInfo).port}/v1/customers`, { headers: { authorization: `Bearer ${secret}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      await new Promise((resolve) => https.close(resolve));
    }
  });

  it('reads plain bodies itself, within the size limit, whether sent with a length or chunked', async () => {
    const auth = { authorization: `Bearer ${secret}`, 'content-type': 'application/x-www-form-urlencoded' };
    const form = Buffer.from('amount=900&currency=usd&metadata[a]=1');
    // In pieces, chunked: the pieces are joined.
    const chunked = await rawRequest('/v1/payment_intents', auth, [form.subarray(0, 5), form.subarray(5, 20), form.subarray(20)]);
    expect(chunked.status).toBe(200);
    expect(chunked.body).toMatchObject({ amount: 900, metadata: { a: '1' } });
    // Over the limit, declared: refused before reading; chunked: refused once it passes the limit.
    const big = Buffer.alloc(MAX_BODY_BYTES + 10, 'a');
    const declared = await rawRequest('/v1/payment_intents', { ...auth, 'content-length': String(big.length) }, [big]);
    expect(declared.status).toBe(413);
    expect(declared.body.error.message).toBe('The request body is too large.');
    expect(declared.headers['request-id']).toMatch(/^req_/);
    const streamed = await rawRequest('/v1/payment_intents', auth, [big.subarray(0, MAX_BODY_BYTES / 2), big.subarray(MAX_BODY_BYTES / 2)]);
    expect(streamed.status).toBe(413);
    // Exactly at the limit is read (and then refused as parameters, not as size).
    const atLimit = await rawRequest('/v1/payment_intents', { ...auth, 'content-length': String(MAX_BODY_BYTES) }, [big.subarray(0, MAX_BODY_BYTES)]);
    expect(atLimit.status).toBe(400);
    expect(atLimit.body.error.type).toBe('invalid_request_error');
    // A compressed body still goes through the inflating reader.
    const gzipped = await rawRequest('/v1/payment_intents', { ...auth, 'content-encoding': 'gzip' }, [gzipSync(form)]);
    expect(gzipped.status).toBe(200);
    expect(gzipped.body).toMatchObject({ amount: 900, metadata: { a: '1' } });
  });
});
