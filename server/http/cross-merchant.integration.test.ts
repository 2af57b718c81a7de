import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../core/accounts/accounts.service.js';
import { createApiKey } from '../core/api-keys/api-keys.service.js';
import { createCustomer } from '../core/customers/customers.service.js';
import { createWebhookEndpoint } from '../core/webhook-endpoints/webhook-endpoints.service.js';
import { callerFor, createPayment, type Caller } from '../trpc/routers/payments.fixtures.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';

/**
 * Tenancy: with merchant B's session or key, every id of merchant A answers not-found (never data, never
 * "forbidden", which would confirm the id exists), and A's objects are unchanged afterwards.
 */

let t: TestDatabase;
let server: TestServer;
let asB: Caller;
let bSecret: string;
const a = {} as {
  payment: string; capturable: string; refund: string; customer: string; key: string; endpoint: string; view: string; member: string; event: string;
  audit: string; merchantId: string;
};

beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  t = await createTestDatabase();
  const merchantA = await createTestMerchant(t.db);
  const merchantB = await createTestMerchant(t.db);
  a.merchantId = merchantA.merchant.id;
  const actor = { merchantId: a.merchantId, livemode: false };
  a.payment = await createPayment(t, a.merchantId, { outcome: 'succeeded', amount: 5000, refunded: 1000 });
  a.capturable = await createPayment(t, a.merchantId, { outcome: 'requires_capture', amount: 3000 });
  a.refund = (await t.db.selectFrom('refunds').select('id').where('merchant_id', '=', a.merchantId).executeTakeFirstOrThrow()).id;
  a.customer = (await createCustomer(t.deps, actor, { email: 'jane@example.test', name: 'Jane' })).id;
  a.key = (await createApiKey(t.db, actor, 'secret', { createdBy: merchantA.user.id })).dto.id;
  a.endpoint = (await createWebhookEndpoint(t.deps, actor, { url: 'https://example.com/hook', enabled_events: ['*'] })).id;
  a.member = (await addMember(t.db, a.merchantId, { email: `dev-${a.merchantId}@example.test`.toLowerCase(), name: 'Dev', password: 'a-long-test-passphrase', role: 'developer' })).id;
  a.event = (await t.db.selectFrom('events').select('id').where('merchant_id', '=', a.merchantId).executeTakeFirstOrThrow()).id;
  a.audit = (await t.db.selectFrom('audit_log').select('id').where('merchant_id', '=', a.merchantId).executeTakeFirstOrThrow()).id;
  const asA = await callerFor(t, merchantA.user.id, a.merchantId);
  a.view = (await asA.views.create({ page: 'payments', name: 'Big ones', params: { amount_gte: 1000 } })).id;
  asB = await callerFor(t, merchantB.user.id, merchantB.merchant.id);
  bSecret = merchantB.keys.test.secret;
  server = await startTestServer(t.deps);
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

async function answer(call: () => Promise<unknown>): Promise<string> {
  try {
    const data = await call();
    return `data: ${JSON.stringify(data).slice(0, 120)}`;
  } catch (error) {
    return error instanceof TRPCError ? error.code : String(error);
  }
}

describe('cross-merchant: the dashboard', () => {
  it('answers not-found for every id of another merchant', async () => {
    const calls: Record<string, () => Promise<unknown>> = {
      'payments.get': () => asB.payments.get({ id: a.payment }),
      'payments.refund': () => asB.payments.refund({ id: a.payment, amount: 100 }),
      'payments.capture': () => asB.payments.capture({ id: a.capturable }),
      'payments.cancel': () => asB.payments.cancel({ id: a.capturable }),
      'refunds.get': () => asB.refunds.get({ id: a.refund }),
      'customers.get': () => asB.customers.get({ id: a.customer }),
      'customers.update': () => asB.customers.update({ id: a.customer, name: 'Mallory' }),
      'customers.delete': () => asB.customers.delete({ id: a.customer }),
      'developers.rollKey': () => asB.developers.rollKey({ id: a.key, expiresInHours: 0 }),
      'developers.revokeKey': () => asB.developers.revokeKey({ id: a.key }),
      'webhooks.endpoint': () => asB.webhooks.endpoint({ id: a.endpoint }),
      'webhooks.update': () => asB.webhooks.update({ id: a.endpoint, url: 'https://evil.example/hook' }),
      'webhooks.remove': () => asB.webhooks.remove({ id: a.endpoint }),
      'webhooks.revealSecret': () => asB.webhooks.revealSecret({ id: a.endpoint }),
      'webhooks.rollSecret': () => asB.webhooks.rollSecret({ id: a.endpoint }),
      'webhooks.deliveries': () => asB.webhooks.deliveries({ endpointId: a.endpoint }),
      'views.delete': () => asB.views.delete({ id: a.view }),
      'settings.changeRole': () => asB.settings.changeRole({ userId: a.member, role: 'admin' }),
      'settings.removeMember': () => asB.settings.removeMember({ userId: a.member }),
      'twoFactor.resetMember': () => asB.twoFactor.resetMember({ userId: a.member }),
    };
    const answers: Record<string, string> = {};
    for (const [name, call] of Object.entries(calls)) answers[name] = await answer(call);
    expect(answers).toEqual(Object.fromEntries(Object.keys(calls).map((name) => [name, 'NOT_FOUND'])));
  });

  it('never lists another merchant’s objects or audit entries', async () => {
    const lists = {
      payments: (await asB.payments.list({})).items.map((p) => p.id),
      customers: (await asB.customers.list({})).items.map((c) => c.id),
      views: (await asB.views.list({ page: 'payments' })).map((v) => v.id),
      keys: (await asB.developers.keys()).keys.map((k) => k.id),
      endpoints: (await asB.webhooks.endpoints()).map((e) => e.id),
      members: (await asB.settings.members()).members.map((m) => m.userId),
      audit: (await asB.settings.auditLog({ filters: { target: a.merchantId } })).entries.map((e) => e.id),
      lookup: JSON.stringify(await asB.lookup.resolve({ q: a.payment })),
    };
    const ids = Object.values(a);
    for (const [name, found] of Object.entries(lists)) {
      const leaked = ids.filter((id) => (Array.isArray(found) ? found.includes(id) : found.includes(id)));
      expect({ name, leaked }).toEqual({ name, leaked: [] });
    }
    expect(await asB.settings.auditLogCsv({ target: a.audit })).toMatchObject({ csv: expect.not.stringContaining(a.merchantId) });
  });

  it('left merchant A’s objects as they were', async () => {
    const customer = await t.db.selectFrom('customers').select(['name', 'deleted_at' as never]).where('id', '=', a.customer).executeTakeFirst().catch(() => null);
    expect(customer).toBeTruthy();
    expect((await t.db.selectFrom('saved_views').select('id').where('id', '=', a.view).execute()).length).toBe(1);
    expect((await t.db.selectFrom('api_keys').select('revoked_at').where('id', '=', a.key).executeTakeFirstOrThrow()).revoked_at).toBeNull();
    expect((await t.db.selectFrom('memberships').select('role').where('user_id', '=', a.member).executeTakeFirstOrThrow()).role).toBe('developer');
    expect((await t.db.selectFrom('payment_intents').select('status').where('id', '=', a.capturable).executeTakeFirstOrThrow()).status).toBe('requires_capture');
  });
});

describe('cross-merchant: the REST API', () => {
  it('answers 404 resource_missing for every id of another merchant', async () => {
    const requests: [string, string][] = [
      ['GET', `/payment_intents/${a.payment}`], ['POST', `/payment_intents/${a.payment}`], ['POST', `/payment_intents/${a.capturable}/capture`],
      ['POST', `/payment_intents/${a.capturable}/cancel`], ['POST', `/payment_intents/${a.payment}/confirm`],
      ['GET', `/refunds/${a.refund}`], ['POST', `/refunds/${a.refund}`], ['GET', `/customers/${a.customer}`], ['POST', `/customers/${a.customer}`],
      ['DELETE', `/customers/${a.customer}`], ['GET', `/events/${a.event}`], ['GET', `/webhook_endpoints/${a.endpoint}`],
      ['POST', `/webhook_endpoints/${a.endpoint}`], ['DELETE', `/webhook_endpoints/${a.endpoint}`],
    ];
    const answers: string[] = [];
    for (const [method, path] of requests) {
      const response = await fetch(`${server.baseUrl}/v1${path}`, {
        method, headers: { authorization: `Bearer ${bSecret}`, ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        // Updates carry a change; actions (capture, cancel, confirm) none.
        body: method === 'POST' ? (/\/[a-z]+$/.test(path.split('/').slice(2).join('/')) ? '' : 'metadata[x]=1') : undefined,
      });
      const body = (await response.json()) as { error?: { code?: string } };
      answers.push(`${method} ${path}: ${response.status} ${body.error?.code ?? 'data'}`);
    }
    expect(answers).toEqual(requests.map(([method, path]) => `${method} ${path}: 404 resource_missing`));
  });
});
