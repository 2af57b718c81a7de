import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAuditLog, type AuditEntryDto } from '../core/accounts/audit.service.js';
import { authenticateApiKey, createApiKey } from '../core/api-keys/api-keys.service.js';
import { releaseAvailableFunds } from '../core/balance/balance.service.js';
import { runReport } from '../core/reports/reports.service.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';
import { apiClient, type Params } from './test-client.js';

/**
 * Issue 14.6 through the REST API: every sensitive action taken with an API key writes exactly one audit
 * entry, in the transaction of the action, whose actor is the key (id, type, name, redacted token; never
 * the secret), with the caller's IP and user agent. A refused action writes none, as in the dashboard.
 */

let t: TestDatabase;
let server: TestServer;
let merchant: Awaited<ReturnType<typeof createTestMerchant>>;
let call: ReturnType<typeof apiClient>;
let secretKeyId: string;
const UA = 'Stripe/v1 NodeBindings/17.0.0 (audit test)';

beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  t = await createTestDatabase();
  merchant = await createTestMerchant(t.db);
  server = await startTestServer(t.deps);
  call = apiClient(server.baseUrl, merchant.keys.test.secret);
  secretKeyId = (await authenticateApiKey(t.db, merchant.keys.test.secret)).keyId;
});

afterAll(async () => {
  await server?.close();
  await t?.drop();
});

async function ok(method: string, path: string, params?: Params, headers: Record<string, string> = {}) {
  const response = await call(method, path, { params, headers: { 'user-agent': UA, ...headers } });
  expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBe(200);
  return response.body;
}

async function entries(): Promise<AuditEntryDto[]> {
  return (await findAuditLog(t.db, merchant.merchant.id, 100)).entries;
}

/** The entries written since `before` (newest first). */
async function newEntries(before: AuditEntryDto[]) {
  const seen = new Set(before.map((e) => e.id));
  return (await entries()).filter((e) => !seen.has(e.id));
}

async function paidIntent(amount = 5000, paymentMethod = 'pm_card_visa') {
  return ok('POST', '/payment_intents', { amount, currency: 'usd', payment_method: paymentMethod, confirm: 'true' });
}

async function capturableIntent() {
  return ok('POST', '/payment_intents', { amount: 3000, currency: 'usd', payment_method: 'pm_card_visa', confirm: 'true', capture_method: 'manual' });
}

async function disputeId() {
  const paid = await paidIntent(4900, 'pm_card_createDispute');
  const listed = await ok('GET', '/disputes', { payment_intent: paid.id });
  return listed.data[0].id as string;
}

interface Case {
  action: string;
  /** Prepares what the action needs (its own calls may write entries of their own: they are not counted). */
  setup?: () => Promise<Record<string, string>>;
  act: (ids: Record<string, string>) => Promise<{ id: string }>;
  data?: (ids: Record<string, string>, result: any) => Record<string, unknown>;
}

const CASES: Case[] = [
  {
    action: 'customer.created',
    act: () => ok('POST', '/customers', { email: 'api@example.test', name: 'Api Buyer' }),
    data: () => ({ email: 'api@example.test', name: 'Api Buyer' }),
  },
  {
    action: 'customer.updated',
    setup: async () => ({ customer: (await ok('POST', '/customers', { email: 'u@example.test' })).id }),
    act: (ids) => ok('POST', `/customers/${ids.customer}`, { name: 'Renamed', 'metadata[tier]': 'gold' }),
    data: () => ({ changed: ['name', 'metadata'] }),
  },
  {
    action: 'customer.deleted',
    setup: async () => ({ customer: (await ok('POST', '/customers', { email: 'd@example.test' })).id }),
    act: (ids) => ok('DELETE', `/customers/${ids.customer}`),
  },
  {
    action: 'refund.created',
    setup: async () => ({ intent: (await paidIntent()).id }),
    act: (ids) => ok('POST', '/refunds', { payment_intent: ids.intent, amount: 1200, reason: 'requested_by_customer' }),
    data: (ids) => ({ paymentIntent: ids.intent, amount: 1200, currency: 'usd', reason: 'requested_by_customer' }),
  },
  {
    action: 'refund.updated',
    setup: async () => ({ refund: (await ok('POST', '/refunds', { payment_intent: (await paidIntent()).id, amount: 100 })).id }),
    act: (ids) => ok('POST', `/refunds/${ids.refund}`, { 'metadata[ticket]': 'T-9' }),
    data: () => ({ changed: ['metadata'] }),
  },
  {
    action: 'payment_intent.captured',
    setup: async () => ({ intent: (await capturableIntent()).id }),
    act: (ids) => ok('POST', `/payment_intents/${ids.intent}/capture`, { amount_to_capture: 2500 }),
    data: () => ({ amount: 2500, currency: 'usd' }),
  },
  {
    action: 'payment_intent.canceled',
    setup: async () => ({ intent: (await capturableIntent()).id }),
    act: (ids) => ok('POST', `/payment_intents/${ids.intent}/cancel`, { cancellation_reason: 'fraudulent' }),
    data: () => ({ reason: 'fraudulent' }),
  },
  {
    action: 'webhook_endpoint.created',
    act: () => ok('POST', '/webhook_endpoints', { url: 'https://example.com/api-hooks', 'enabled_events[0]': 'payment_intent.succeeded' }),
    data: () => ({ url: 'https://example.com/api-hooks' }),
  },
  {
    action: 'webhook_endpoint.updated',
    setup: async () => ({ endpoint: (await ok('POST', '/webhook_endpoints', { url: 'https://example.com/u', 'enabled_events[0]': '*' })).id }),
    act: (ids) => ok('POST', `/webhook_endpoints/${ids.endpoint}`, { description: 'Orders', disabled: 'true' }),
    // As the dashboard records it: the new values (an endpoint holds no personal data; the secret is not a parameter).
    data: () => ({ description: 'Orders', disabled: true }),
  },
  {
    action: 'webhook_endpoint.deleted',
    setup: async () => ({ endpoint: (await ok('POST', '/webhook_endpoints', { url: 'https://example.com/d', 'enabled_events[0]': '*' })).id }),
    act: (ids) => ok('DELETE', `/webhook_endpoints/${ids.endpoint}`),
  },
  {
    action: 'payout.created',
    setup: async () => {
      await paidIntent(10_000);
      await releaseAvailableFunds(t.deps, { now: new Date(Date.now() + 10 * 86_400_000) });
      return {};
    },
    // The whole available balance (no amount), which every payout rule accepts.
    act: () => ok('POST', '/payouts', { currency: 'usd' }),
    data: (_ids, payout) => (expect(payout.amount).toBeGreaterThan(0), { amount: payout.amount, currency: 'usd' }),
  },
  {
    action: 'dispute.updated',
    setup: async () => ({ dispute: await disputeId() }),
    act: (ids) => ok('POST', `/disputes/${ids.dispute}`, { 'evidence[customer_name]': 'Api Buyer', submit: 'false' }),
    data: () => ({ changed: ['evidence', 'submit'], status: 'needs_response' }),
  },
  {
    action: 'dispute.closed',
    setup: async () => ({ dispute: await disputeId() }),
    act: (ids) => ok('POST', `/disputes/${ids.dispute}/close`),
    data: () => ({ amount: 4900, currency: 'usd', status: 'lost' }),
  },
  {
    action: 'report_run.created',
    act: () => ok('POST', '/reporting/report_runs', { report_type: 'payments.itemized.1', 'parameters[interval_start]': '0', 'parameters[interval_end]': String(Math.floor(Date.now() / 1000) + 60) }),
    data: () => ({ report_type: 'payments.itemized.1', format: 'csv' }),
  },
  {
    action: 'report_file.downloaded',
    setup: async () => {
      const run = await ok('POST', '/reporting/report_runs', { report_type: 'payments.itemized.1', 'parameters[interval_start]': '0', 'parameters[interval_end]': String(Math.floor(Date.now() / 1000) + 60) });
      expect(await runReport(t.deps, { merchantId: merchant.merchant.id, livemode: false }, run.id)).toBe('succeeded');
      const done = await ok('GET', `/reporting/report_runs/${run.id}`);
      return { file: done.result.id, filename: done.result.filename };
    },
    act: async (ids) => {
      const response = await call('GET', `/files/${ids.file}/contents`, { headers: { 'user-agent': UA } });
      expect(response.status).toBe(200);
      return { id: ids.file! };
    },
    data: (ids) => ({ filename: ids.filename }),
  },
];

describe('REST actions taken with an API key are audited', () => {
  it.each(CASES)('$action writes exactly one entry naming the key, with IP, user agent, target and what changed', async (c) => {
    const ids = (await c.setup?.()) ?? {};
    const before = await entries();
    const result = await c.act(ids);
    const written = await newEntries(before);
    expect(written.map((e) => e.action)).toEqual([c.action]);
    const [entry] = written;
    expect(entry).toMatchObject({
      targetId: result.id, userId: null, userEmail: null, livemode: false, ip: '127.0.0.1', userAgent: UA,
      apiKey: { id: secretKeyId, type: 'secret', name: null, redacted: `sk_test_••••${merchant.keys.test.secret.slice(-4)}` },
    });
    if (c.data) expect(entry!.data).toEqual(c.data(ids, result));
    // Never the key itself, nor a webhook signing secret.
    expect(JSON.stringify(entry)).not.toContain(merchant.keys.test.secret);
    expect(JSON.stringify(entry)).not.toContain('whsec_');
  });

  it('covers every audited REST route (a new sensitive route needs a row above)', () => {
    expect(CASES.map((c) => c.action).sort()).toEqual([
      'customer.created', 'customer.deleted', 'customer.updated', 'dispute.closed', 'dispute.updated', 'payment_intent.canceled',
      'payment_intent.captured', 'payout.created', 'refund.created', 'refund.updated', 'report_file.downloaded', 'report_run.created',
      'webhook_endpoint.created', 'webhook_endpoint.deleted', 'webhook_endpoint.updated',
    ]);
  });

  it('an Idempotency-Key replay writes no second entry; the entry commits with the action', async () => {
    const intent = (await paidIntent()).id;
    const before = await entries();
    const first = await ok('POST', '/refunds', { payment_intent: intent, amount: 700 }, { 'idempotency-key': 'audit-refund-1' });
    const replay = await call('POST', '/refunds', { params: { payment_intent: intent, amount: 700 }, headers: { 'idempotency-key': 'audit-refund-1', 'user-agent': UA } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(first.id);
    const written = await newEntries(before);
    expect(written.map((e) => [e.action, e.targetId])).toEqual([['refund.created', first.id]]);
  });

  it('a refused action writes no entry, with or without an Idempotency-Key', async () => {
    const intent = (await paidIntent(1000)).id;
    const before = await entries();
    const tooMuch = await call('POST', '/refunds', { params: { payment_intent: intent, amount: 5000 }, headers: { 'user-agent': UA } });
    expect(tooMuch.status).toBe(400);
    const tooMuchIdempotent = await call('POST', '/refunds', { params: { payment_intent: intent, amount: 5000 }, headers: { 'idempotency-key': 'audit-refused-1' } });
    expect(tooMuchIdempotent.body.error.code).toBe('refund_exceeds_amount');
    const missing = await call('POST', '/customers/cus_missing', { params: { name: 'x' } });
    expect(missing.status).toBe(404);
    const notCapturable = await call('POST', `/payment_intents/${intent}/capture`);
    expect(notCapturable.status).toBe(400);
    const restricted = await createApiKey(t.db, { merchantId: merchant.merchant.id, livemode: false }, 'restricted', { name: 'Reader', createdBy: null, permissions: { customers: 'read' } });
    const denied = await call('POST', '/customers', { key: restricted.plaintext, params: { email: 'no@example.test' } });
    expect(denied.status).toBe(403);
    expect(await newEntries(before)).toEqual([]);
  });

  it('a restricted key is named with its type and name; the audit log filters by API-key actors', async () => {
    const restricted = await createApiKey(t.db, { merchantId: merchant.merchant.id, livemode: false }, 'restricted', { name: 'Warehouse sync', createdBy: null, permissions: { customers: 'write' } });
    const created = await call('POST', '/customers', { key: restricted.plaintext, params: { email: 'wh@example.test' }, headers: { 'user-agent': 'warehouse/2.1' } });
    expect(created.status).toBe(200);
    const [entry] = (await findAuditLog(t.db, merchant.merchant.id, 10, undefined, { actor: 'warehouse' })).entries;
    expect(entry).toMatchObject({
      action: 'customer.created', targetId: created.body.id, userAgent: 'warehouse/2.1',
      apiKey: { id: restricted.dto.id, type: 'restricted', name: 'Warehouse sync', redacted: `rk_test_••••${restricted.plaintext.slice(-4)}` },
    });
    const byKeyId = (await findAuditLog(t.db, merchant.merchant.id, 100, undefined, { actor: restricted.dto.id })).entries;
    expect(byKeyId.map((e) => e.targetId)).toEqual([created.body.id]);
    const byLast4 = (await findAuditLog(t.db, merchant.merchant.id, 100, undefined, { actor: restricted.plaintext.slice(-4) })).entries;
    expect(byLast4.map((e) => e.targetId)).toContain(created.body.id);
    const keyEntries = (await findAuditLog(t.db, merchant.merchant.id, 100, undefined, { actorKind: 'api_key' })).entries;
    expect(keyEntries.length).toBeGreaterThan(10);
    expect(keyEntries.every((e) => e.apiKey !== null && e.userId === null)).toBe(true);
    const members = (await findAuditLog(t.db, merchant.merchant.id, 100, undefined, { actorKind: 'member' })).entries;
    expect(members.map((e) => e.action)).toEqual(['merchant.created']);
    expect(members.every((e) => e.apiKey === null)).toBe(true);
  });
});
