import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createSession, resolveSession } from '../../core/accounts/accounts.service.js';
import { createCustomer } from '../../core/customers/customers.service.js';
import { deliverWebhook, defaultDeliveryOptions } from '../../core/webhooks/webhooks.service.js';
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
    expect(await caller.webhooks.recoverFailed({ id: created.id, since })).toEqual({ queued: 2 });
    const again = (await caller.webhooks.deliveries({ endpointId: created.id, status: 'pending' })).reverse();
    expect(again.map((d) => d.id)).toEqual([failed[0].id, failed[1].id]);
    for (const d of again) await deliverWebhook(t.deps, scope, d.id, options);
    expect((await caller.webhooks.deliveries({ endpointId: created.id })).every((d) => d.status === 'succeeded')).toBe(true);
    expect((await caller.webhooks.attempts({ id: failed[0].id })).map((a) => a.statusCode)).toEqual([500, 200]);

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
});
