import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createSession, resolveSession } from '../../core/accounts/accounts.service.js';
import { createCustomer } from '../../core/customers/customers.service.js';
import { createPaymentIntent } from '../../core/payment-intents/payment-intents.service.js';
import { sql } from 'kysely';
import { deliverWebhook, defaultDeliveryOptions, runRecovery } from '../../core/webhooks/webhooks.service.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { createInnerContext } from '../context.js';
import { createCallerFactory } from '../trpc.js';
import { appRouter } from './_app.js';

const createCaller = createCallerFactory(appRouter);
let t: TestDatabase;
let server: Server;
let base: string;
const bodies: string[] = [];
let status = 500;

beforeAll(async () => {
  t = await createTestDatabase();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => (bodies.push(body), res.writeHead(status).end(`status ${status}`)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await t?.drop();
});

async function callerFor(userId: string, merchantId: string) {
  const { token } = await createSession(t.db, userId, merchantId);
  return createCaller(createInnerContext({ deps: t.deps, session: await resolveSession(t.db, token) }));
}
const options = { ...defaultDeliveryOptions(() => {}), retryScheduleMs: [] as number[], timeoutMs: 2000 };

describe('webhooks router', () => {
  it('creates an endpoint, sends a test event, shows the log, resends one and recovers the failed ones in order', async () => {
    const m = await createTestMerchant(t.db);
    const caller = await callerFor(m.user.id, m.merchant.id);
    const scope = { merchantId: m.merchant.id, livemode: false };
    const created = await caller.webhooks.create({ url: `${base}/hook`, enabled_events: ['customer.created'], description: 'Orders' });
    expect(created.secret).toMatch(/^whsec_/);
    await expect(caller.webhooks.create({ url: `${base}/x`, enabled_events: ['nope.nope'] })).rejects.toThrow(/must be "\*" or one of/i);
    expect((await caller.webhooks.endpoints()).map((e) => e.id)).toEqual([created.id]);

    const test = await caller.webhooks.sendTestEvent({ id: created.id, type: 'payment_intent.succeeded' });
    status = 200;
    expect(await deliverWebhook(t.deps, scope, test.deliveryId, options)).toBe('succeeded');
    expect(new Webhook(created.secret.slice(6)).verify(bodies.at(-1)!, (await caller.webhooks.attempts({ id: test.deliveryId }))[0].requestHeaders!)).toMatchObject({ type: 'payment_intent.succeeded' });

    // The receiver goes down: three events fail.
    status = 500;
    const since = Math.floor(Date.now() / 1000) - 1;
    const customers = [];
    for (let i = 0; i < 3; i++) customers.push(await createCustomer(t.deps, scope, { name: `c${i}` }));
    const failed = (await caller.webhooks.deliveries({ endpointId: created.id, status: 'pending' })).reverse();
    expect(failed).toHaveLength(3);
    for (const d of failed) expect(await deliverWebhook(t.deps, scope, d.id, options)).toBe('failed');
    const log = await caller.webhooks.deliveries({ endpointId: created.id, status: 'failed' });
    expect(log.map((d) => d.lastStatusCode)).toEqual([500, 500, 500]);
    const [attempt] = await caller.webhooks.attempts({ id: log[0].id });
    expect(attempt).toMatchObject({ statusCode: 500, responseExcerpt: 'status 500' });
    expect(attempt.requestHeaders).toHaveProperty('Stripe-Signature');

    // Resend one, then recover the rest: every failed one goes out again, oldest first.
    status = 200;
    await caller.webhooks.resend({ id: log[0].id });
    expect(await deliverWebhook(t.deps, scope, log[0].id, options)).toBe('succeeded');
    // Recovery is a job with progress: queued with its row, then run (here by hand, one per batch).
    const recovery = await caller.webhooks.recoverFailed({ id: created.id, since });
    expect(recovery).toMatchObject({ status: 'queued', total: null, queued: 0 });
    const [job] = (await sql<{ payload: { recoveryId: string } }>`select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = 'recover-webhooks'`.execute(t.db)).rows.filter((j) => j.payload.recoveryId === recovery.id);
    expect(job).toBeDefined();
    await runRecovery(t.deps, scope, recovery.id, 1);
    expect(await caller.webhooks.recovery({ id: recovery.id })).toMatchObject({ status: 'succeeded', total: 2, queued: 2, delivered: 0 });
    // A rerun (a worker killed after its last commit) sends nothing twice.
    await runRecovery(t.deps, scope, recovery.id, 1);
    expect((await caller.webhooks.latestRecovery({ id: created.id }))).toMatchObject({ id: recovery.id, queued: 2 });
    const again = (await caller.webhooks.deliveries({ endpointId: created.id, status: 'pending' })).reverse();
    expect(again.map((d) => d.id)).toEqual([failed[0].id, failed[1].id]);
    for (const d of again) await deliverWebhook(t.deps, scope, d.id, options);
    expect((await caller.webhooks.deliveries({ endpointId: created.id })).every((d) => d.status === 'succeeded')).toBe(true);
    expect((await caller.webhooks.attempts({ id: failed[0].id })).map((a) => a.statusCode)).toEqual([500, 200]);
    expect(await caller.webhooks.recovery({ id: recovery.id })).toMatchObject({ delivered: 2 });

    // Disable and edit.
    expect(await caller.webhooks.update({ id: created.id, disabled: true, description: 'Paused' })).toMatchObject({ status: 'disabled', description: 'Paused' });
  });

  it('reveals and rolls the secret, auditing both; other tenants and roles without the permission are refused', async () => {
    const m = await createTestMerchant(t.db);
    const caller = await callerFor(m.user.id, m.merchant.id);
    const created = await caller.webhooks.create({ url: `${base}/hook`, enabled_events: ['*'] });
    expect((await caller.webhooks.revealSecret({ id: created.id })).secret).toBe(created.secret);
    const rolled = await caller.webhooks.rollSecret({ id: created.id, overlapHours: 2 });
    expect((await caller.webhooks.revealSecret({ id: created.id })).secret).toBe(rolled.secret);
    const actions = (await t.db.selectFrom('audit_log').select('action').where('merchant_id', '=', m.merchant.id).where('target_id', '=', created.id).execute()).map((r) => r.action).sort();
    expect(actions).toEqual(['webhook_endpoint.created', 'webhook_endpoint.secret_revealed', 'webhook_endpoint.secret_revealed', 'webhook_endpoint.secret_rolled']);

    const other = await createTestMerchant(t.db);
    const otherCaller = await callerFor(other.user.id, other.merchant.id);
    await expect(otherCaller.webhooks.revealSecret({ id: created.id })).rejects.toThrow(/No such webhook_endpoint/);
    const support = await addMember(t.db, m.merchant.id, { email: `support-${Date.now()}@example.test`, name: 'S', password: 'a-long-test-passphrase', role: 'support' });
    const supportCaller = await callerFor(support.id, m.merchant.id);
    await expect(supportCaller.webhooks.endpoints()).rejects.toThrow();
  });

  it('lists events by type and delivery outcome, shows one with its deliveries, filters the log by type, event and date, and gives a payment\'s webhooks to its timeline', async () => {
    const m = await createTestMerchant(t.db);
    const caller = await callerFor(m.user.id, m.merchant.id);
    const scope = { merchantId: m.merchant.id, livemode: false };
    const endpoint = await caller.webhooks.create({ url: `${base}/all`, enabled_events: ['*'] });
    status = 200;
    const delivered = await createCustomer(t.deps, scope, { name: 'delivered' });
    for (const d of await caller.webhooks.deliveries({ endpointId: endpoint.id, status: 'pending' })) await deliverWebhook(t.deps, scope, d.id, options);
    status = 500;
    const failing = await createCustomer(t.deps, scope, { name: 'failing' });
    const [pending] = await caller.webhooks.deliveries({ endpointId: endpoint.id, status: 'pending' });
    expect(await deliverWebhook(t.deps, scope, pending.id, options)).toBe('failed');
    const intent = await createPaymentIntent(t.deps, scope, { amount: 1200, currency: 'usd' });

    // Events page: type filter, delivery outcome (Stripe's delivery_success), date range.
    const all = await caller.webhooks.events({});
    expect(all.events.map((e) => e.type)).toEqual(['payment_intent.created', 'customer.created', 'customer.created']);
    const customers = await caller.webhooks.events({ type: 'customer.created' });
    expect(customers.events.map((e) => (e.data.object as { id: string }).id)).toEqual([failing.id, delivered.id]);
    expect((await caller.webhooks.events({ type: 'customer.created', deliverySuccess: false })).events.map((e) => (e.data.object as { id: string }).id)).toEqual([failing.id]);
    expect((await caller.webhooks.events({ deliverySuccess: true })).events.map((e) => (e.data.object as { id: string }).id)).toEqual([delivered.id]);
    expect((await caller.webhooks.events({ createdGte: all.events[0].created + 3600 })).events).toEqual([]);
    expect((await caller.webhooks.events({ limit: 1 })).hasMore).toBe(true);

    // One event: its payload and its deliveries.
    const failedEvent = customers.events[0];
    const detail = await caller.webhooks.event({ id: failedEvent.id });
    expect(detail.event).toMatchObject({ id: failedEvent.id, type: 'customer.created', pending_webhooks: 0, request: { id: null, idempotency_key: null } });
    expect(detail.deliveries).toMatchObject([{ endpointId: endpoint.id, endpointUrl: `${base}/all`, status: 'failed', lastStatusCode: 500 }]);

    // The log filtered by event type, event id and date.
    expect((await caller.webhooks.deliveries({ endpointId: endpoint.id, eventType: 'payment_intent.created' })).map((d) => d.eventType)).toEqual(['payment_intent.created']);
    expect((await caller.webhooks.deliveries({ endpointId: endpoint.id, eventId: failedEvent.id })).map((d) => d.status)).toEqual(['failed']);
    const now = Math.floor(Date.now() / 1000);
    expect(await caller.webhooks.deliveries({ endpointId: endpoint.id, createdGte: now + 60 })).toEqual([]);
    expect(await caller.webhooks.deliveries({ endpointId: endpoint.id, createdLt: now - 3600 })).toEqual([]);
    expect(await caller.webhooks.deliveries({ endpointId: endpoint.id, createdGte: now - 3600, createdLt: now + 60 })).toHaveLength(3);

    // The payment's timeline: its events' webhooks with their outcome, for a viewer too.
    const viewer = await addMember(t.db, m.merchant.id, { email: `viewer-${Date.now()}@example.test`, name: 'Vi', password: 'a-long-test-passphrase', role: 'viewer' });
    const asViewer = await callerFor(viewer.id, m.merchant.id);
    const detail2 = await asViewer.payments.get({ id: intent.id });
    const created = detail2.timeline.find((e) => e.kind === 'event' && e.type === 'payment_intent.created');
    expect(created).toMatchObject({ webhooks: [{ endpoint: `${base}/all`, status: 'pending', attemptCount: 0 }] });
    await expect(asViewer.webhooks.events({})).rejects.toThrow();

    // Through the API too: /v1/events?delivery_success=false.
    const { listEvents } = await import('../../core/events/events.service.js');
    const undelivered = await listEvents(t.deps, scope, { delivery_success: 'false' });
    expect(undelivered.data.map((e) => e.type)).toEqual(['payment_intent.created', 'customer.created']);
  });
});
