import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../test/db.js';

/**
 * Throws ≥1,000 malformed requests at /v1 (seeded, so a failure is reproducible with the printed seed):
 * random nesting, huge numbers, wrong types, broken JSON and form encodings, odd content types, odd keys
 * and odd headers. None may produce a 5xx, and every non-2xx must be Stripe's error shape.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
const CASES = Number(process.env.FUZZ_CASES ?? 1200);

/** mulberry32: small, fast, good enough to pick test inputs. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let database: TestDatabase;
let server: Server;
let baseUrl: string;
let secret: string;
let publishable: string;
let intentId: string;
let customerId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const merchant = await createTestMerchant(database.db);
  secret = merchant.keys.test.secret;
  publishable = merchant.keys.test.publishable;
  const unlimited = { rate: 100_000, burst: 100_000 };
  const app = createApp(database.deps, { logErrors: true, api: { rateLimits: { live: unlimited, test: unlimited } } });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/x-www-form-urlencoded' };
  intentId = ((await (await fetch(`${baseUrl}/v1/payment_intents`, { method: 'POST', headers, body: 'amount=1000&currency=usd' })).json()) as { id: string }).id;
  customerId = ((await (await fetch(`${baseUrl}/v1/customers`, { method: 'POST', headers, body: 'name=Fuzz' })).json()) as { id: string }).id;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await database?.drop();
});

interface FuzzCase {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

function generator(seed: number) {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T,>(items: readonly T[]): T => items[int(items.length)];
  const chance = (p: number) => random() < p;

  const NAMES = ['amount', 'currency', 'metadata', 'customer', 'description', 'confirm', 'payment_method', 'payment_method_data', 'payment_method_types', 'capture_method',
    'expand', 'limit', 'starting_after', 'ending_before', 'created', 'query', 'page', 'email', 'name', 'url', 'enabled_events', 'payment_intent', 'reason',
    'amount_to_capture', 'cancellation_reason', 'client_secret', 'type', 'card', 'number', 'exp_month', 'exp_year', 'gte', 'lt', 'disabled'];
  const WEIRD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '💳', 'a'.repeat(300), '0', '-1', '1e9', 'null', '[]', '][', '%00', '\u0000', 'amount ', 'AMOUNT', '$where', '../../etc/passwd', "'; drop table payment_intents; --"];
  const HUGE = ['1e308', '-1e308', '9007199254740993', '18446744073709551616', '1' + '0'.repeat(400), '-0', '0.1', '1e-7', 'NaN', 'Infinity', '-Infinity', '0x10', '1_000', ' 12 ', '١٢٣'];
  const STRINGS = ['', ' ', 'usd', 'USD', 'xxx', 'true', 'false', 'null', 'undefined', '[object Object]', '<script>alert(1)</script>', 'é'.repeat(600), '\u202e', '\ud83d', 'a'.repeat(5000), '%', '%%', 'status:"succeeded" AND', 'amount>', 'metadata["', '-', '"', "'", '\\'];

  // A lone surrogate cannot be percent-encoded; send the bytes it would have been (invalid UTF-8).
  const enc = (text: string) => {
    try {
      return encodeURIComponent(text);
    } catch {
      return '%ED%A0%BD';
    }
  };
  const key = () => (chance(0.6) ? pick(NAMES) : pick(WEIRD_KEYS));
  const scalar = (): unknown => {
    switch (int(7)) {
      case 0: return pick(HUGE);
      case 1: return Number(pick(['1e308', '-1', '0', '3.5', '9007199254740993', '-9007199254740993']));
      case 2: return pick([true, false, null]);
      case 3: return pick(STRINGS);
      case 4: return int(100000000);
      default: return pick(NAMES);
    }
  };
  const value = (depth: number): unknown => {
    if (depth <= 0 || chance(0.45)) return scalar();
    if (chance(0.5)) return Array.from({ length: int(4) }, () => value(depth - 1));
    const out: Record<string, unknown> = {};
    for (let i = int(4); i >= 0; i--) Object.defineProperty(out, key(), { value: value(depth - 1), enumerable: true, configurable: true, writable: true });
    return out;
  };
  const formPart = (): string => {
    const name = chance(0.5) ? pick(NAMES) : enc(key());
    const brackets = Array.from({ length: int(chance(0.1) ? 12 : 4) }, () => pick(['[]', `[${pick(NAMES)}]`, `[${int(5)}]`, '[', ']', '[[x]]', '[%5B]', `[${enc(pick(WEIRD_KEYS))}]`])).join('');
    const raw = chance(0.3) ? pick(HUGE) : String(scalar());
    const encoded = chance(0.15) ? pick(['%', '%G1', '%E0%A4%A', '%FF%FE', '%00', '&&&', '===']) : enc(raw);
    return chance(0.05) ? name + brackets : `${name}${brackets}=${encoded}`;
  };
  const form = () => {
    // More pairs than the parser accepts, yet short enough for Node's 16 KB header limit when in a URL.
    if (chance(0.03)) return Array.from({ length: 2100 }, () => 'a=1').join('&');
    return Array.from({ length: 1 + int(6) }, formPart).join('&');
  };
  const badJson = () => {
    const good = JSON.stringify(value(6));
    return pick([
      good.slice(0, Math.max(1, int(good.length))),
      `${good}}`,
      `{${good}`,
      "{'amount': 1}",
      '{"amount": 01}',
      '{"amount": 1,}',
      '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
      '{"a": NaN}',
      '\u0000\u0001\u0002',
      '"just a string"',
      '12345',
      'null',
      'true',
      '[]',
      '{"metadata": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": 1}}}}}}}}}}',
      '{"__proto__": {"polluted": true}, "amount": 100, "currency": "usd"}',
      `{"amount": ${'9'.repeat(400)}, "currency": "usd"}`,
    ]);
  };

  const ROUTES: readonly (readonly [string, () => string])[] = [
    ['POST', () => '/payment_intents'],
    ['GET', () => '/payment_intents'],
    ['GET', () => '/payment_intents/search'],
    ['GET', () => `/payment_intents/${pick([intentId, 'pi_nope', '%00', '..', enc(pick(WEIRD_KEYS)) || 'x'])}`],
    ['POST', () => `/payment_intents/${pick([intentId, 'pi_nope'])}`],
    ['POST', () => `/payment_intents/${intentId}/${pick(['confirm', 'capture', 'cancel'])}`],
    ['POST', () => '/customers'],
    ['GET', () => '/customers'],
    ['GET', () => '/customers/search'],
    ['POST', () => `/customers/${pick([customerId, 'cus_nope'])}`],
    ['DELETE', () => `/customers/${pick(['cus_nope', 'x'])}`],
    ['POST', () => '/refunds'],
    ['GET', () => '/refunds'],
    ['POST', () => '/refunds/re_nope'],
    ['GET', () => '/events'],
    ['GET', () => '/events/evt_nope'],
    ['POST', () => '/webhook_endpoints'],
    ['GET', () => '/webhook_endpoints'],
    ['POST', () => '/webhook_endpoints/we_nope'],
    [pick(['PUT', 'PATCH', 'OPTIONS']), () => '/payment_intents'],
    ['GET', () => `/${enc(pick(WEIRD_KEYS)) || 'nothing'}`],
  ];

  return (): FuzzCase => {
    const [method, pathFn] = pick(ROUTES);
    let path = pathFn();
    const headers: Record<string, string> = {};
    // Mostly a valid key, so the request reaches parsing; sometimes a broken credential.
    const auth = int(20);
    if (auth === 0) headers.authorization = pick(['Bearer', 'Bearer ', 'Basic', 'Basic !!!!', 'Basic ' + Buffer.from(':').toString('base64'), `Bearer ${secret}x`, `Bearer ${secret.slice(0, -1)}`, 'Bearer sk_live_' + 'A'.repeat(300), 'Token abc', 'Bearer pk_test_123', `Bearer ${publishable}`]);
    else if (auth === 1) headers['x-api-key'] = pick(['', ' ', secret.toUpperCase(), 'sk_test_' + '💳'.length]);
    else if (auth === 2) headers.authorization = `Basic ${Buffer.from(`${secret}:${pick(['', 'x', ':::'])}`).toString('base64')}`;
    else headers.authorization = `Bearer ${secret}`;
    if (chance(0.15)) headers['idempotency-key'] = pick(['', ' ', 'k'.repeat(256), 'k'.repeat(255), `fuzz-${int(20)}`, '\t']);
    if (chance(0.1)) headers['stripe-version'] = pick(['', '2024-06-20', 'nonsense version!', 'x'.repeat(500)]);

    let label: string;
    let body: string | Uint8Array | undefined;
    const kind = int(10);
    if (method === 'GET' || method === 'DELETE' || kind === 0) {
      path += `?${form()}`;
      label = 'query';
    } else if (kind <= 3) {
      body = form();
      headers['content-type'] = pick(['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'text/plain']);
      label = 'form';
    } else if (kind <= 5) {
      body = JSON.stringify(value(1 + int(10)));
      headers['content-type'] = 'application/json';
      label = 'json';
    } else if (kind <= 7) {
      body = badJson();
      headers['content-type'] = pick(['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json']);
      label = 'bad-json';
    } else if (kind === 8) {
      body = pick([form(), badJson(), '\u0000\u00ff', '<xml/>']);
      headers['content-type'] = pick(['application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'text/html', 'image/png', 'garbage', '*/*', 'application/x-www-form-urlencoded; charset=utf-16', ';;;']);
      label = 'content-type';
    } else {
      const payload = Buffer.from(pick([form(), badJson()]));
      const encoding = pick(['gzip', 'deflate', 'br', 'compress', 'x-bogus']);
      headers['content-encoding'] = encoding;
      headers['content-type'] = pick(['application/json', 'application/x-www-form-urlencoded']);
      body = encoding === 'gzip' && chance(0.5) ? gzipSync(payload) : payload;
      label = `encoding-${encoding}`;
    }
    return { label, method, path, headers, body };
  };
}

describe('fuzz: malformed requests never produce a 5xx', () => {
  it(`survives ${CASES} seeded malformed requests (seed ${SEED})`, async () => {
    const next = generator(SEED);
    const cases = Array.from({ length: CASES }, next);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let errors = 0;
    let cursor = 0;
    const worker = async () => {
      while (cursor < cases.length) {
        const index = cursor++;
        const c = cases[index];
        let status = 0;
        let text = '';
        let requestId: string | null = null;
        try {
          const response = await fetch(`${baseUrl}/v1${c.path}`, { method: c.method, headers: c.headers, body: c.body as BodyInit | undefined });
          status = response.status;
          requestId = response.headers.get('request-id');
          text = await response.text();
        } catch (error) {
          failures.push(`#${index} ${c.label} ${c.method} ${c.path.slice(0, 80)}: transport error ${(error as Error).message}`);
          continue;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const where = `#${index} ${c.label} ${c.method} ${c.path.slice(0, 80)} -> ${status}`;
        if (status >= 500) failures.push(`${where}: server error ${text.slice(0, 200)}`);
        if (!requestId?.startsWith('req_')) failures.push(`${where}: no Request-Id`);
        if (c.method === 'OPTIONS' && status === 204) continue;
        let body: { error?: { type?: unknown; message?: unknown } } | null = null;
        try {
          body = JSON.parse(text);
        } catch {
          failures.push(`${where}: body is not JSON: ${text.slice(0, 100)}`);
          continue;
        }
        if (status >= 400) {
          errors++;
          const ok = body?.error && typeof body.error.type === 'string' && typeof body.error.message === 'string';
          if (!ok) failures.push(`${where}: not the error shape: ${text.slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    console.log(`fuzz seed ${SEED}: ${cases.length} requests, ${errors} errors; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(errors).toBeGreaterThanOrEqual(1000);
  }, 180_000);
});
