/**
 * Issue 16, item 1: two app instances and one separate worker process (`npm run worker`) on one PostgreSQL,
 * behind a round-robin proxy, behave as one: sessions, idempotency, rate limits and webhook delivery are
 * shared through the database, an export started on one instance downloads through the other, and stopping
 * any one process loses nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeForm } from '../api/test-client.js';
import { createSession } from '../core/accounts/accounts.service.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from './db.js';
import { startInstance, startRoundRobinProxy, type Instance, type Proxy } from './instances.js';

const CSRF = { 'content-type': 'application/json', 'x-paymentflow-csrf': '1' };

let t: TestDatabase;
let dataDir: string;
let apps: Instance[] = [];
let worker: Instance;
let proxy: Proxy;
let receiver: { url: string; close(): Promise<void>; received: Map<string, number>; overlaps: string[] };

function env(kind: 'app' | 'worker'): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: t.url,
    DATA_DIR: dataDir,
    APP_SECRET: 'scale-out-test-secret-that-is-long-enough-012345',
    SEED_DEMO: 'false',
    PORT: '0',
    HOST: '127.0.0.1',
    // App instances serve HTTP only; the worker process runs every job.
    WORKERS: kind === 'worker' ? 'true' : 'false',
    WORKER_HEARTBEAT_MS: '500',
    WORKER_STALE_MS: '2000',
    // One request per client address every two seconds (burst 1): a second instance must not grant another.
    RATE_LIMIT_PUBLISHABLE_IP: '0.5',
    RATE_LIMIT_TEST: '1000',
    RATE_LIMIT_DASHBOARD: '1000',
    LOG_LEVEL: 'info',
  };
}

/** A webhook endpoint's server: counts deliveries per event and notes any attempt overlapping another of the same event. */
async function startReceiver() {
  const received = new Map<string, number>();
  const inFlight = new Set<string>();
  const overlaps: string[] = [];
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const id = (JSON.parse(body) as { id: string }).id;
    if (inFlight.has(id)) overlaps.push(id);
    inFlight.add(id);
    // Long enough that a second concurrent attempt of the same event would overlap this one.
    await new Promise((r) => setTimeout(r, 40));
    inFlight.delete(id);
    received.set(id, (received.get(id) ?? 0) + 1);
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    overlaps,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function api(base: string, key: string, method: string, pathname: string, params?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const body = method === 'GET' || !params ? undefined : encodeForm(params);
  const qs = method === 'GET' && params ? `?${encodeForm(params)}` : '';
  const response = await fetch(`${base}/v1${pathname}${qs}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string | (() => Promise<string>), timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${typeof what === 'string' ? what : await what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'pf-scale-'));
  receiver = await startReceiver();
  [apps[0], apps[1], worker] = await Promise.all([startInstance('app', env('app')), startInstance('app', env('app')), startInstance('worker', env('worker'))]);
  proxy = await startRoundRobinProxy(() => apps.map((a) => a.url));
}, 400_000);

afterAll(async () => {
  await Promise.all([...apps, worker].filter(Boolean).map((p) => p.stop('SIGTERM')));
  await proxy?.close();
  await receiver?.close();
  await t?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('two instances and a worker behind a round-robin proxy', () => {
  it('a session made on one instance works on the other', async () => {
    const signUp = await fetch(`${apps[0].url}/trpc/auth.signUp`, {
      method: 'POST',
      headers: CSRF,
      body: JSON.stringify({ name: 'Scale Owner', email: `scale-${Date.now()}@example.test`, businessName: 'Scale Shop', password: 'a-long-scale-out-passphrase' }),
    });
    expect(signUp.status).toBe(200);
    const cookie = signUp.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect(cookie).toMatch(/pf_session=/);
    const me = await fetch(`${apps[1].url}/trpc/auth.me`, { headers: { ...CSRF, cookie } });
    const body = (await me.json()) as { result: { data: { user: { email: string } } | null } };
    expect(body.result.data?.user.email).toMatch(/^scale-/);
    // And signing out through the second instance ends the session on the first.
    const signOut = await fetch(`${apps[1].url}/trpc/auth.signOut`, { method: 'POST', headers: { ...CSRF, cookie }, body: '{}' });
    expect(signOut.status).toBe(200);
    const after = (await (await fetch(`${apps[0].url}/trpc/auth.me`, { headers: { ...CSRF, cookie } })).json()) as { result: { data: unknown } };
    expect(after.result.data).toBeNull();
  });

  it('the same Idempotency-Key sent concurrently to both instances creates one object', async () => {
    const m = await createTestMerchant(t.db);
    const key = `idem-${Date.now()}`;
    const params = { amount: 2500, currency: 'usd', metadata: { order: 'one' } };
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => api(apps[i % 2].url, m.keys.test.secret, 'POST', '/payment_intents', params, { 'idempotency-key': key })),
    );
    const created = responses.filter((r) => r.status === 200);
    expect(created.length).toBeGreaterThan(0);
    for (const r of responses.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('idempotency_key_in_use');
    }
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    // Replayed afterwards on either instance: the same object.
    for (const app of apps) expect((await api(app.url, m.keys.test.secret, 'POST', '/payment_intents', params, { 'idempotency-key': key })).body.id).toBe(created[0].body.id);
    const rows = await t.db.selectFrom('payment_intents').select('id').where('merchant_id', '=', m.merchant.id).execute();
    expect(rows.map((r) => r.id)).toEqual([created[0].body.id]);
  });

  it('rate limits are shared: a client that spent its allowance on one instance is refused by the other', async () => {
    const m = await createTestMerchant(t.db);
    const pi = await api(apps[0].url, m.keys.test.secret, 'POST', '/payment_intents', { amount: 1000, currency: 'usd' });
    const clientIp = `10.16.${Math.floor(Math.random() * 250) + 1}.7`;
    const read = (app: Instance) => api(app.url, m.keys.test.publishable, 'GET', `/payment_intents/${pi.body.id}`, { client_secret: pi.body.client_secret }, { 'x-forwarded-for': clientIp });
    // The bucket refills one token every 2 s; a slow machine may refill it between two requests, so the pair
    // (refused on the first instance, then straight away on the second) is tried a few times.
    let refusedByBoth = false;
    for (let round = 0; round < 5 && !refusedByBoth; round++) {
      let first = await read(apps[0]);
      for (let i = 0; i < 5 && first.status !== 429; i++) first = await read(apps[0]);
      expect(first.status).toBe(429);
      const second = await read(apps[1]);
      if (second.status === 429) {
        expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(second.body.error.type).toBe('rate_limit_error');
        refusedByBoth = true;
      }
    }
    expect(refusedByBoth).toBe(true);
  });

  it('an export started through one instance is run by the worker and downloads through the other, both ways', async () => {
    // Files live under DATA_DIR (the storage interface): the instances and the worker share it, as
    // docs/deploy.md tells operators to (or an object store).
    const m = await createTestMerchant(t.db);
    const { token } = await createSession(t.db, m.user.id, m.merchant.id);
    const cookie = `pf_session=${token}`;
    const made: { id: string; amount: number; currency: string }[] = [];
    for (const [i, [amount, currency]] of ([[1999, 'usd'], [5000, 'jpy'], [1500, 'kwd']] as const).entries()) {
      const pi = await api(apps[i % 2].url, m.keys.test.secret, 'POST', '/payment_intents', { amount, currency, confirm: 'true', payment_method: 'pm_card_visa', description: i === 0 ? '=formula, "quoted"' : `payment ${i}` });
      expect(pi.status).toBe(200);
      made.push({ id: pi.body.id, amount, currency });
    }
    const expected = [
      'id,amount,currency,description',
      `${made[0].id},19.99,usd,"'=formula, ""quoted"""`,
      `${made[1].id},5000,jpy,payment 1`,
      `${made[2].id},1.500,kwd,payment 2`,
      '',
    ].join('\r\n');
    const columns = ['id', 'amount', 'currency', 'description'];
    const trpc = async (app: Instance, procedure: string, input: unknown, method: 'GET' | 'POST') => {
      const url = method === 'GET' ? `${app.url}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}` : `${app.url}/trpc/${procedure}`;
      const response = await fetch(url, { method, headers: { ...CSRF, cookie }, body: method === 'POST' ? JSON.stringify(input) : undefined });
      expect(response.status).toBe(200);
      return ((await response.json()) as { result: { data: any } }).result.data;
    };

    // The dashboard: started on the first instance, followed and downloaded (signed link) on the second.
    const started = await trpc(apps[0], 'reports.create', { reportType: 'payments.itemized.1', columns, timezone: 'UTC' }, 'POST');
    await waitFor(async () => (await trpc(apps[1], 'reports.get', { id: started.id }, 'GET')).status === 'succeeded', 'the dashboard export to succeed in the worker');
    const link = await trpc(apps[1], 'reports.downloadLink', { id: started.id }, 'POST');
    const viaLink = await fetch(`${apps[1].url}${link.url}`, { headers: { cookie } });
    expect(viaLink.status).toBe(200);
    expect(viaLink.headers.get('content-disposition')).toMatch(/attachment; filename="payments\.itemized\.1-/);
    expect(await viaLink.text()).toBe(expected);

    // The API: created on the second instance, retrieved and downloaded (/v1/files/:id/contents) on the first.
    const run = await api(apps[1].url, m.keys.test.secret, 'POST', '/reporting/report_runs', { report_type: 'payments.itemized.1', parameters: { columns, timezone: 'UTC' } });
    expect(run.status).toBe(200);
    let retrieved = run;
    await waitFor(async () => (retrieved = await api(apps[0].url, m.keys.test.secret, 'GET', `/reporting/report_runs/${run.body.id}`)).body.status === 'succeeded', 'the API export to succeed in the worker');
    const contents = await fetch(`${apps[0].url}/v1/files/${retrieved.body.result.id}/contents`, { headers: { authorization: `Bearer ${m.keys.test.secret}` } });
    expect(contents.status).toBe(200);
    expect(await contents.text()).toBe(expected);
    // Neither app instance ran a job: the worker process did.
    const runs = await t.db.selectFrom('report_runs').select(['status', 'rows_written']).where('merchant_id', '=', m.merchant.id).execute();
    expect(runs).toEqual([{ status: 'succeeded', rows_written: 3 }, { status: 'succeeded', rows_written: 3 }]);
  }, 180_000);

  it('each webhook event is delivered, never twice at the same time, and stopping any process loses nothing', async () => {
    const m = await createTestMerchant(t.db);
    const endpoint = await api(proxy.url, m.keys.test.secret, 'POST', '/webhook_endpoints', { url: receiver.url, enabled_events: ['*'] }, { 'idempotency-key': `we-${Date.now()}` });
    expect(endpoint.status).toBe(200);

    const results: Array<Promise<{ status: number; body: any }>> = [];
    const wave = (n: number, tag: string) => {
      for (let i = 0; i < n; i++) {
        results.push(api(proxy.url, m.keys.test.secret, 'POST', '/payment_intents', { amount: 1000 + i, currency: 'usd', confirm: 'true', payment_method: 'pm_card_visa', metadata: { wave: tag } }, { 'idempotency-key': `${tag}-${i}` }));
      }
    };
    // Requests in flight on every instance while each process in turn gets SIGTERM; a stopped one is replaced.
    wave(6, 'a');
    await waitFor(() => proxy.served.length >= 2, 'the first requests to be answered');
    expect(await apps[0].stop('SIGTERM')).toBe(0);
    wave(6, 'b');
    apps[0] = await startInstance('app', env('app'));
    wave(6, 'c');
    expect(await apps[1].stop('SIGTERM')).toBe(0);
    wave(6, 'd');
    const stoppedWorker = worker.stop('SIGTERM');
    wave(6, 'e');
    expect(await stoppedWorker).toBe(0);
    worker = await startInstance('worker', env('worker'));
    apps[1] = await startInstance('app', env('app'));
    wave(6, 'f');

    const answered = await Promise.all(results);
    expect(answered.map((r) => r.status)).toEqual(answered.map(() => 200));
    expect(answered.every((r) => r.body.status === 'succeeded')).toBe(true);
    expect(new Set(answered.map((r) => r.body.id)).size).toBe(answered.length);
    const intents = await t.db.selectFrom('payment_intents').select(({ fn }) => fn.countAll<number>().as('n')).where('merchant_id', '=', m.merchant.id).executeTakeFirstOrThrow();
    expect(Number(intents.n)).toBe(answered.length);

    const events = await t.db.selectFrom('events').select('id').where('merchant_id', '=', m.merchant.id).execute();
    expect(events.length).toBeGreaterThanOrEqual(answered.length * 2); // created + succeeded at least
    await waitFor(() => events.every((e) => receiver.received.has(e.id)), async () => {
      const byStatus = await t.db.selectFrom('webhook_deliveries').select(['status', ({ fn }) => fn.countAll<number>().as('n')]).where('merchant_id', '=', m.merchant.id).groupBy('status').execute();
      const jobs = await sql<{ n: number; locked: number; errors: string | null }>`select count(*)::int as n, count(locked_by)::int as locked, max(last_error) as errors from graphile_worker.jobs`.execute(t.db);
      return `every event to be delivered: ${events.filter((e) => receiver.received.has(e.id)).length}/${events.length} received; deliveries ${JSON.stringify(byStatus)}; jobs ${JSON.stringify(jobs.rows)}`;
    }, 180_000);
    expect(receiver.overlaps).toEqual([]);
    const deliveries = await t.db.selectFrom('webhook_deliveries').select(['status']).where('merchant_id', '=', m.merchant.id).execute();
    await waitFor(async () => (await t.db.selectFrom('webhook_deliveries').select('id').where('merchant_id', '=', m.merchant.id).where('status', '!=', 'succeeded').execute()).length === 0, 'every delivery to be recorded as succeeded');
    expect(deliveries.length).toBe(events.length);
    // Both app instances took requests through the proxy.
    expect(new Set(proxy.served).size).toBeGreaterThanOrEqual(2);
  }, 480_000);
});
