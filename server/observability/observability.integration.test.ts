/** Issue 16, item 4: health endpoints for load balancers, Prometheus metrics behind a token, logs without secrets. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, DASHBOARD_PROCEDURES, type Lifecycle } from '../app.js';
import { recordHeartbeats } from '../core/jobs/jobs.service.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../test/db.js';
import { createLogger, scrub } from './logger.js';
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

  it('scrub keeps what is not secret', () => {
    expect(scrub({ id: 'pi_123', amount: 1500, status: 'succeeded', last4: '4242', code: 'card_declined' })).toEqual({ id: 'pi_123', amount: 1500, status: 'succeeded', last4: '4242', code: 'card_declined' });
  });
});
