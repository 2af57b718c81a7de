import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from './core/customers/customers.service.js';
import { resendDelivery } from './core/webhooks/webhooks.service.js';
import { startWorkers, type Workers } from './jobs/index.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from './test/db.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stripe = new Stripe('sk_test_unused');

let t: TestDatabase;
let app: TestServer;
let workers: Workers;
let receiver: Server;
let receiverUrl: string;
let merchant: Awaited<ReturnType<typeof createTestMerchant>>;
interface Received { headers: IncomingMessage['headers']; body: string }
const received: Received[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startTestServer(t.deps);
  workers = await startWorkers(t.deps, {
    databaseUrl: t.url, concurrency: 2, poolSize: 6, heartbeatMs: 500, staleAfterMs: 5000, pollIntervalMs: 200, crontab: false, log: () => {},
  });
  merchant = await createTestMerchant(t.db);
  // The developer's local receiver: answers 200, except for customers it answers 500 (to see it in the log).
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const failing = (JSON.parse(body) as { type: string }).type.startsWith('customer.');
      res.writeHead(failing ? 500 : 200, { 'content-type': 'text/plain' }).end(failing ? 'boom' : 'thanks');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`;
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
  await workers?.stop();
  await app?.close();
  await t?.drop();
});

/** A real `npm run cli -- …` process (node + tsx, as npm runs it), talking to the test server over HTTP. */
function cli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server', 'cli.ts'), ...args], {
    cwd: root,
    env: { ...process.env, PAYMENTFLOW_API_BASE: app.baseUrl, ...env },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const eventsOfType = (type: string) => received.filter((r) => (JSON.parse(r.body) as { type: string }).type === type);

async function startListener(device: string, extra: string[] = []) {
  const listener = cli(['listen', '--forward-to', receiverUrl, '--device', device, '--api-key', merchant.keys.test.secret, ...extra]);
  const secret = await until('the listener to be ready', () => /Ready! Your webhook signing secret is (whsec_\S+)/.exec(listener.stdout())?.[1]);
  return { ...listener, secret };
}

describe('npm run cli -- listen / trigger', { timeout: 180_000 }, () => {
  it('forwards test-mode events live, signed with the session secret, logs them, and takes dashboard resends', async () => {
    const listener = await startListener('laptop-1');

    const triggered = cli(['trigger', 'payment_intent.succeeded', '--api-key', merchant.keys.test.secret]);
    expect(await triggered.exited).toBe(0);
    expect(triggered.stdout()).toMatch(/Running fixture: POST \/v1\/payment_intents -> pi_\w+ \(succeeded\)/);

    // The real objects were made: the receiver gets both events of the payment, in order, verifiable with
    // the official Stripe library and with standardwebhooks, unchanged.
    const [succeeded] = await until('payment_intent.succeeded at the receiver', () => {
      const found = eventsOfType('payment_intent.succeeded');
      return found.length ? found : undefined;
    });
    expect(eventsOfType('payment_intent.created')).toHaveLength(1);
    const event = stripe.webhooks.constructEvent(succeeded.body, succeeded.headers['stripe-signature'] as string, listener.secret);
    expect(event.type).toBe('payment_intent.succeeded');
    expect((event.data.object as { status: string }).status).toBe('succeeded');
    expect(() => stripe.webhooks.constructEvent(succeeded.body, succeeded.headers['pf-signature'] as string, listener.secret)).not.toThrow();
    new Webhook(listener.secret).verify(succeeded.body, {
      'webhook-id': succeeded.headers['webhook-id'] as string,
      'webhook-timestamp': succeeded.headers['webhook-timestamp'] as string,
      'webhook-signature': succeeded.headers['webhook-signature'] as string,
    });
    expect(() => stripe.webhooks.constructEvent(succeeded.body, succeeded.headers['stripe-signature'] as string, 'whsec_d3Jvbmc=')).toThrow();

    // One line per event with the local response.
    await until('the listener\'s line', () => listener.stdout().includes(`payment_intent.succeeded [${event.id}]  <-- [200] POST ${receiverUrl}`));

    // The delivery log has the attempt as the local receiver answered it.
    const session = await t.db.selectFrom('webhook_endpoints').selectAll().where('merchant_id', '=', merchant.merchant.id).where('kind', '=', 'cli').executeTakeFirstOrThrow();
    const delivery = await until('the delivery to be recorded', () =>
      t.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', session.id).where('event_id', '=', event.id).where('status', '=', 'succeeded').executeTakeFirst(),
    );
    const attempts = await t.db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', delivery.id).execute();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status_code: 200, response_excerpt: 'thanks', request_body: succeeded.body });

    // A failing local receiver is logged as a failure, with its answer.
    await createCustomer(t.deps, { merchantId: merchant.merchant.id, livemode: false }, { name: 'Jenny' });
    await until('customer.created failure line', () => /customer\.created \[evt_\w+\]  <-- \[500\]/.test(listener.stdout()));

    // Dashboard "Resend" reaches the listener again.
    const before = eventsOfType('payment_intent.succeeded').length;
    await resendDelivery(t.deps, { merchantId: merchant.merchant.id, livemode: false }, delivery.id);
    await until('the resent event', () => eventsOfType('payment_intent.succeeded').length === before + 1);
    expect(JSON.parse(eventsOfType('payment_intent.succeeded').at(-1)!.body).id).toBe(event.id);
    await until('the resend in the log', async () => (await t.db.selectFrom('webhook_attempts').select('id').where('delivery_id', '=', delivery.id).execute()).length === 2);

    // Restarted, the same device keeps its signing secret.
    listener.child.kill('SIGTERM');
    expect(await listener.exited).toBe(0);
    const again = await startListener('laptop-1', ['--events', 'customer.created']);
    expect(again.secret).toBe(listener.secret);
    // --events filters what is forwarded.
    const count = received.length;
    const trig2 = cli(['trigger', 'customer.created', '--api-key', merchant.keys.test.secret]);
    expect(await trig2.exited).toBe(0);
    await until('customer.created after restart', () => received.length > count);
    const trig3 = cli(['trigger', 'payment_intent.created', '--api-key', merchant.keys.test.secret]);
    expect(await trig3.exited).toBe(0);
    await new Promise((r) => setTimeout(r, 1500));
    expect(received.slice(count).map((r) => JSON.parse(r.body).type)).toEqual(['customer.created']);
    again.child.kill('SIGTERM');
    await again.exited;
  });

  it('refuses live keys and says what is missing', async () => {
    const live = cli(['listen', '--forward-to', receiverUrl, '--api-key', merchant.keys.live.secret]);
    expect(await live.exited).toBe(1);
    expect(live.stderr()).toMatch(/test mode only/);
    const noKey = cli(['trigger', 'payment_intent.succeeded'], { PAYMENTFLOW_API_KEY: '' });
    expect(await noKey.exited).toBe(1);
    expect(noKey.stderr()).toMatch(/Missing --api-key/);
    const unknown = cli(['trigger', 'payment_intent.exploded', '--api-key', merchant.keys.test.secret]);
    expect(await unknown.exited).toBe(1);
    expect(unknown.stderr()).toMatch(/Unknown event type 'payment_intent.exploded'/);
  });
});
