import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, resolveSession } from '../core/accounts/accounts.service.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';
import { createInnerContext } from '../trpc/context.js';
import { appRouter } from '../trpc/routers/_app.js';
import { createCallerFactory } from '../trpc/trpc.js';

const createCaller = createCallerFactory(appRouter);
let t: TestDatabase;
let server: TestServer;
beforeAll(async () => {
  t = await createTestDatabase();
  server = await startTestServer(t.deps);
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

async function ownerOf() {
  const m = await createTestMerchant(t.db);
  const { token } = await createSession(t.db, m.user.id, m.merchant.id);
  return { m, caller: createCaller(createInnerContext({ deps: t.deps, session: await resolveSession(t.db, token) })) };
}

async function api(key: string, method: string, path: string, body?: Record<string, unknown>) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('restricted API keys', () => {
  it('allow exactly the granted access per resource on every REST route, and name the missing permission', async () => {
    const { m, caller } = await ownerOf();
    const { secret, key } = await caller.developers.createRestrictedKey({
      name: 'Order sync',
      permissions: { payment_intents: 'read', customers: 'write', refunds: 'none' },
    });
    expect(secret).toMatch(/^rk_test_\w{40}$/);
    expect(key).toMatchObject({ type: 'restricted', redacted: expect.stringMatching(/^rk_test_•+\w{4}$/), permissions: { payment_intents: 'read', customers: 'write' } });

    // Made with the secret key, read with the restricted one.
    const intent = await api(m.keys.test.secret, 'POST', '/v1/payment_intents', { amount: 1500, currency: 'usd' });
    expect(intent.status).toBe(200);
    const read = await api(secret, 'GET', `/v1/payment_intents/${intent.body.id}`);
    expect(read).toMatchObject({ status: 200, body: { id: intent.body.id, amount: 1500 } });
    expect((await api(secret, 'GET', '/v1/payment_intents?limit=3')).status).toBe(200);

    // A write it lacks: 403 permission_error naming the permission; nothing is made.
    const denied = await api(secret, 'POST', '/v1/payment_intents', { amount: 999, currency: 'usd' });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ type: 'permission_error', code: 'permission_denied', required_permission: 'rak_payment_intent_write' });
    expect(denied.body.error.message).toContain("'rak_payment_intent_write'");
    const cancel = await api(secret, 'POST', `/v1/payment_intents/${intent.body.id}/cancel`, {});
    expect(cancel.status).toBe(403);
    const list = await api(m.keys.test.secret, 'GET', '/v1/payment_intents?limit=100');
    expect(list.body.data.map((p: { amount: number }) => p.amount)).toEqual([1500]);

    // Write includes read; resources left out are none.
    const customer = await api(secret, 'POST', '/v1/customers', { name: 'Jenny' });
    expect(customer.status).toBe(200);
    expect((await api(secret, 'GET', `/v1/customers/${customer.body.id}`)).status).toBe(200);
    expect((await api(secret, 'DELETE', `/v1/customers/${customer.body.id}`)).status).toBe(200);
    expect((await api(secret, 'GET', '/v1/refunds')).body.error).toMatchObject({ type: 'permission_error', required_permission: 'rak_refund_read' });
    expect((await api(secret, 'GET', '/v1/events')).body.error).toMatchObject({ required_permission: 'rak_event_read' });
    expect((await api(secret, 'POST', '/v1/webhook_endpoints', { url: 'https://example.com/h', enabled_events: ['*'] })).status).toBe(403);
    expect((await api(secret, 'POST', '/v1/cli/listen_sessions', { device_name: 'x' })).status).toBe(403);

    // The audit log has its creation with what it may do.
    const audit = await t.db.selectFrom('audit_log').selectAll().where('merchant_id', '=', m.merchant.id).where('action', '=', 'api_key.created').execute();
    expect(audit.map((a) => a.data)).toContainEqual(expect.objectContaining({ type: 'restricted', permissions: { payment_intents: 'read', customers: 'write' } }));
  });

  it('keep their permissions when rolled, stop working when revoked, and need at least one permission', async () => {
    const { caller } = await ownerOf();
    const { secret, key } = await caller.developers.createRestrictedKey({ name: 'Reader', permissions: { events: 'read' } });
    expect((await api(secret, 'GET', '/v1/events')).status).toBe(200);
    const rolled = await caller.developers.rollKey({ id: key.id, expiresInHours: 0 });
    expect(rolled.secret).toMatch(/^rk_test_/);
    expect(rolled.key.permissions).toEqual({ events: 'read' });
    expect((await api(rolled.secret, 'GET', '/v1/events')).status).toBe(200);
    expect((await api(rolled.secret, 'GET', '/v1/customers')).status).toBe(403);
    expect((await api(secret, 'GET', '/v1/events')).status).toBe(401);
    await caller.developers.revokeKey({ id: rolled.key.id });
    expect((await api(rolled.secret, 'GET', '/v1/events')).status).toBe(401);

    await expect(caller.developers.createRestrictedKey({ name: 'Nothing', permissions: { events: 'none' } })).rejects.toThrow(/at least one permission/);
  });
});
