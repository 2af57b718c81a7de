import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, pruneExpiredSessions, resolveSession } from '../core/accounts/accounts.service.js';
import { sha256Hex } from '../core/shared/crypto.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../test/db.js';
import { createPaymentIntent, getPaymentIntent } from '../core/payment-intents/payment-intents.service.js';
import { createRefund, getRefund } from '../core/refunds/refunds.service.js';
import type { Actor } from '../core/shared/deps.js';
import { expireIntents, JOBS, processPendingRefunds, pruneIdempotencyKeys, startWorkers } from './index.js';

let t: TestDatabase;
let actor: Actor;

beforeAll(async () => {
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  actor = { merchantId: m.merchant.id, livemode: false };
});
afterAll(async () => t?.drop());

describe('background jobs', () => {
  it('prunes idempotency keys older than 24 hours unless a request still holds them', async () => {
    const row = (key: string, ageHours: number, status: 'completed' | 'in_progress', lockedForMs: number | null = null) => ({
      merchant_id: actor.merchantId, livemode: false, key, request_method: 'POST', request_path: '/v1/customers', request_hash: 'h',
      status, created_at: new Date(Date.now() - ageHours * 3600_000), locked_until: lockedForMs === null ? null : new Date(Date.now() + lockedForMs),
    });
    await t.db.insertInto('idempotency_keys').values([
      row('old', 25, 'completed'), row('fresh', 23, 'completed'), row('stuck', 30, 'in_progress', 60_000), row('crashed', 30, 'in_progress', -60_000),
    ]).execute();
    expect(await pruneIdempotencyKeys(t.deps)).toBe(2);
    const left = await t.db.selectFrom('idempotency_keys').select('key').where('merchant_id', '=', actor.merchantId).execute();
    expect(left.map((r) => r.key).sort()).toEqual(['fresh', 'stuck']);
  });

  it('prunes sessions past their idle or absolute expiry and keeps live ones', async () => {
    const m = await createTestMerchant(t.db);
    const live = await createSession(t.db, m.user.id, m.merchant.id);
    const idle = await createSession(t.db, m.user.id, m.merchant.id);
    await t.db.updateTable('sessions').set({ last_seen_at: new Date(Date.now() - 25 * 3_600_000) }).where('token_hash', '=', sha256Hex(idle.token)).execute();
    expect(await pruneExpiredSessions(t.db)).toBe(1);
    expect(await resolveSession(t.db, live.token)).not.toBeNull();
    expect(await t.db.selectFrom('sessions').select('token_hash').where('token_hash', '=', sha256Hex(idle.token)).executeTakeFirst()).toBeUndefined();
  });

  it('shares work between concurrent runs without doing anything twice', async () => {
    const intents = await Promise.all(Array.from({ length: 12 }, () => createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd' })));
    const later = new Date(Date.now() + 2 * 3600_000);
    const counts = await Promise.all([expireIntents(t.deps, later, 3), expireIntents(t.deps, later, 3), expireIntents(t.deps, later, 3)]);
    expect(counts.reduce((s, n) => s + n, 0)).toBe(12);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from events where merchant_id = ${actor.merchantId} and type = 'payment_intent.canceled'`.execute(t.db);
    expect(rows[0].n).toBe(12);
    for (const pi of intents) expect((await getPaymentIntent(t.deps, actor, pi.id)).cancellation_reason).toBe('abandoned');

    const paid = await createPaymentIntent(t.deps, actor, { amount: 5000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    for (let i = 0; i < 5; i++) await createRefund(t.deps, actor, { payment_intent: paid.id, amount: 100 });
    const settled = await Promise.all([processPendingRefunds(t.deps, { olderThanMs: 0 }), processPendingRefunds(t.deps, { olderThanMs: 0 })]);
    expect(settled[0] + settled[1]).toBe(5);
    const { rows: updates } = await sql<{ n: number }>`select count(*)::int as n from events where merchant_id = ${actor.merchantId} and type = 'refund.updated'`.execute(t.db);
    expect(updates[0].n).toBe(5);
  });

  it('the workers settle a refund on their own and stop cleanly', async () => {
    const paid = await createPaymentIntent(t.deps, actor, { amount: 5000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    const refund = await createRefund(t.deps, actor, { payment_intent: paid.id, amount: 100 });
    const lines: string[] = [];
    const fast = JOBS.map((job) => (job.name === 'process-refunds' ? { ...job, intervalMs: 100, run: (deps: typeof t.deps) => processPendingRefunds(deps, { olderThanMs: 0 }) } : job));
    const workers = await startWorkers(t.deps, (l) => lines.push(l), fast);
    const deadline = Date.now() + 10_000;
    while ((await getRefund(t.deps, actor, refund.id)).status === 'pending' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await workers.stop();
    expect((await getRefund(t.deps, actor, refund.id)).status).toBe('succeeded');
    expect(lines).toEqual([]);
  });
});
