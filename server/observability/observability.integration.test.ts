/** Issue 16, item 4: health endpoints for load balancers, Prometheus metrics behind a token, logs without secrets. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, DASHBOARD_PROCEDURES, type Lifecycle } from '../app.js';
import { recordHeartbeats } from '../core/jobs/jobs.service.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../test/db.js';
import { configureLogger, createLogger, scrub } from './logger.js';
import { createMetrics } from './metrics.js';

const TOKEN = 'metrics-token-for-the-test-0123456789';
let t: TestDatabase;
let server: Server;
let base: string;
const lifecycle: Lifecycle = { draining: false };

beforeAll(async () => {
  t = await createTestDatabase();
  const metrics = createMetrics({ db: t.db, token: TOKEN, procedures: DASHBOARD_PROCEDURES });
  const app = createApp(t.deps, { metrics, lifecycle, workerStaleMs: 5_000, logErrors: false });
  server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await t?.drop();
});

describe('/health/live and /health/ready', () => {
  it('live answers while ready waits for a heartbeating worker and turns 503 while draining', async () => {
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const before = await fetch(`${base}/health/ready`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ status: 'unavailable', database: { reachable: true }, migrations: { current: true, pending: [] }, workers: { heartbeating: 0 } });

    await recordHeartbeats(t.db, ['worker-for-readiness'], 'test-host', process.pid);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', workers: { heartbeating: 1 } });

    lifecycle.draining = true;
    try {
      const draining = await fetch(`${base}/health/ready`);
      expect(draining.status).toBe(503);
      expect(await draining.json()).toMatchObject({ draining: true });
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
    } finally {
      lifecycle.draining = false;
    }
  });

  it('a migration this build knows but the database lacks makes the instance not ready', async () => {
    await t.db.deleteFrom('kysely_migration' as never).where('name' as never, '=', '0012_add_webhook_delivery_jobs' as never).execute();
    const body = await (await fetch(`${base}/health/ready`)).json();
    expect(body).toMatchObject({ ready: false, migrations: { current: false, pending: ['0012_add_webhook_delivery_jobs'] } });
    await t.db.insertInto('kysely_migration' as never).values({ name: '0012_add_webhook_delivery_jobs', timestamp: new Date().toISOString() } as never).execute();
  });
});

describe('/metrics', () => {
  it('needs the token', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong' } })).status).toBe(401);
    const off = createApp(t.deps, { metrics: createMetrics({ db: t.db }) });
    const s: Server = await new Promise((resolve) => { const x = off.listen(0, '127.0.0.1', () => resolve(x)); });
    try {
      expect((await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    } finally {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  it('reports request latency per route template, queue depth and age, webhook figures and pool use', async () => {
    const m = await createTestMerchant(t.db);
    const auth = { authorization: `Bearer ${m.keys.test.secret}` };
    const created = await (await fetch(`${base}/v1/payment_intents`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'amount=1500&currency=usd' })).json() as { id: string };
    expect((await fetch(`${base}/v1/payment_intents/${created.id}`, { headers: auth })).status).toBe(200);
    await fetch(`${base}/trpc/auth.me`);

    const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/paymentflow_http_request_duration_seconds_bucket\{[^}]*method="POST",route="\/v1\/payment_intents",status_code="200"/);
    // The id is not a label: the route template is.
    expect(text).toMatch(/route="\/v1\/payment_intents\/:id"/);
    expect(text).not.toContain(created.id);
    expect(text).toMatch(/route="\/trpc\/auth\.me"/);
    expect(text).toMatch(/^paymentflow_job_queue_jobs\{state="ready"\} \d+$/m);
    expect(text).toMatch(/^paymentflow_job_queue_oldest_ready_seconds [\d.e+-]+$/m);
    expect(text).toMatch(/^paymentflow_webhook_deliveries\{status="pending"\} \d+$/m);
    expect(text).toMatch(/^paymentflow_webhook_delivery_lag_seconds [\d.e+-]+$/m);
    expect(text).toMatch(/^paymentflow_webhook_failed_attempts \d+$/m);
    expect(text).toMatch(/^paymentflow_db_pool_connections\{pool="primary",state="total"\} [1-9]\d*$/m);
    expect(text).toContain('paymentflow_process_resident_memory_bytes');
  });

  it('reports export durations from every finished run, whichever process ran it', async () => {
    const m = await createTestMerchant(t.db);
    const now = Date.now();
    const run = (id: string, status: 'succeeded' | 'failed' | 'running', seconds: number) => ({
      id, merchant_id: m.merchant.id, livemode: false, report_type: 'refunds.itemized.1', parameters: JSON.stringify({}) as never, format: 'jsonl', status,
      started_at: new Date(now - seconds * 1000), finished_at: status === 'running' ? null : new Date(now),
    });
    await t.db.insertInto('report_runs').values([run('frr_metrics_1', 'succeeded', 3), run('frr_metrics_2', 'succeeded', 100), run('frr_metrics_3', 'failed', 0.5), run('frr_metrics_4', 'running', 7)]).execute();
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(text).toContain('# TYPE paymentflow_report_export_duration_seconds histogram');
    const series = (suffix: string, status: string, le?: string) =>
      new RegExp(`^paymentflow_report_export_duration_seconds_${suffix}\\{report_type="refunds.itemized.1",format="jsonl",status="${status}"${le ? `,le="${le.replace('+', '\\+')}"` : ''}\\} ([\\d.e+-]+)$`, 'm');
    const value = (re: RegExp) => Number(re.exec(text)?.[1]);
    expect(value(series('bucket', 'succeeded', '1'))).toBe(0);
    expect(value(series('bucket', 'succeeded', '5'))).toBe(1);
    expect(value(series('bucket', 'succeeded', '120'))).toBe(2);
    expect(value(series('bucket', 'succeeded', '+Inf'))).toBe(2);
    expect(value(series('count', 'succeeded'))).toBe(2);
    expect(value(series('sum', 'succeeded'))).toBeCloseTo(103, 1);
    expect(value(series('count', 'failed'))).toBe(1);
    expect(value(series('bucket', 'failed', '1'))).toBe(1);
    // A run still going has no duration yet.
    expect(text).not.toMatch(/status="running"/);
  });

  it('an unknown tRPC path does not become a series of its own', async () => {
    await fetch(`${base}/trpc/no.such.procedure.${Date.now()}`);
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(text).toContain('route="/trpc (unknown)"');
    expect(text).not.toContain('no.such.procedure');
  });
});

describe('structured logs', () => {
  function capture() {
    const lines: string[] = [];
    const destination = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    return { lines, logger: createLogger({ level: 'info', destination }) };
  }

  it('are JSON lines with the request id, never a secret, card number or password', () => {
    const { lines, logger } = capture();
    logger.error(
      {
        req_id: 'req_abc123',
        headers: { authorization: 'Bearer sk_test_51SecretKeyValue0123456789', cookie: 'pf_session=opaque-session-token' },
        body: { password: 'correct horse battery staple', payment_method_data: { card: { number: '4242424242424242', cvc: '123' } }, note: 'card 4000 0000 0000 9995 from the phone' },
        err: new Error('signing with whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ= failed for sk_live_51AnotherSecret987654321'),
      },
      'charge failed for 5555555555554444 with pi_123_secret_abc',
    );
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'error', req_id: 'req_abc123' });
    for (const secret of ['sk_test_51SecretKeyValue0123456789', 'opaque-session-token', 'correct horse battery staple', '4242424242424242', '4000 0000 0000 9995', '5555555555554444', 'whsec_c2VjcmV0', 'sk_live_51AnotherSecret', 'pi_123_secret_abc', '"123"']) {
      expect(lines[0]).not.toContain(secret);
    }
    expect(lines[0]).toContain('[redacted]');
    expect((line.err as { message: string }).message).toMatch(/^signing with \[redacted\] failed/);
  });

  it('the API access log is one JSON line with request id, method, route, status and duration, never a key or client_secret', async () => {
    const lines: string[] = [];
    configureLogger({ level: 'info', destination: new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }) });
    const app = createApp(t.deps, { api: { logRequests: true }, metrics: createMetrics({ db: t.db }) });
    const s: Server = await new Promise((resolve) => { const x = app.listen(0, '127.0.0.1', () => resolve(x)); });
    try {
      const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
      const m = await createTestMerchant(t.db);
      const created = await (await fetch(`${url}/v1/payment_intents`, { method: 'POST', headers: { authorization: `Bearer ${m.keys.test.secret}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'amount=1500&currency=usd' })).json() as { id: string; client_secret: string };
      const read = await fetch(`${url}/v1/payment_intents/${created.id}?client_secret=${encodeURIComponent(created.client_secret)}`, { headers: { authorization: `Bearer ${m.keys.test.publishable}` } });
      expect(read.status).toBe(200);
      const requestId = read.headers.get('request-id');
      let entry: Record<string, unknown> | undefined;
      for (let i = 0; i < 50 && !entry; i++) {
        entry = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'api request' && l.req_id === requestId);
        if (!entry) await new Promise((r) => setTimeout(r, 20));
      }
      expect(entry).toMatchObject({ level: 'info', req_id: requestId, method: 'GET', route: '/v1/payment_intents/:id', path: `/v1/payment_intents/${created.id}`, status: 200 });
      expect(typeof entry!.duration_ms).toBe('number');
      const all = lines.join('');
      for (const secret of [created.client_secret, m.keys.test.secret, m.keys.test.publishable, 'client_secret=']) expect(all).not.toContain(secret);
      expect(lines.filter((l) => JSON.parse(l).msg === 'api request').length).toBeGreaterThanOrEqual(2);
    } finally {
      configureLogger({ level: 'warn' });
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  it('scrub keeps what is not secret', () => {
    expect(scrub({ id: 'pi_123', amount: 1500, status: 'succeeded', last4: '4242', code: 'card_declined' })).toEqual({ id: 'pi_123', amount: 1500, status: 'succeeded', last4: '4242', code: 'card_declined' });
  });
});
