import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../test/db.js';
import { expireIntents } from '../core/payment-intents/expiry.service.js';
import { getPaymentIntent } from '../core/payment-intents/payment-intents.service.js';
import { listPaymentIntents } from '../core/payment-intents/payment-intents-queries.service.js';
import { findPaymentAttempts } from '../core/payment-intents/payment-intents-queries.service.js';
import { createRefund } from '../core/refunds/refunds.service.js';
import type { Scope } from '../core/shared/deps.js';
import { seedBulkPayments } from './bulk.js';
import { findSecondaryIndexes } from './seed.repository.js';

let t: TestDatabase;
let scope: Scope;

beforeAll(async () => {
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  scope = { merchantId: m.merchant.id, livemode: false };
  await seedBulkPayments(t.deps, m.merchant.id, false, 3000, () => {});
}, 60_000);
afterAll(async () => t?.drop());

describe('bulk seed', () => {
  it('writes rows the core can read back, with events carrying exactly the API objects', async () => {
    const { rows } = await sql<{ status: string; n: number }>`select status, count(*)::int as n from payment_intents where merchant_id = ${scope.merchantId} group by 1`.execute(t.db);
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(3000);
    const succeeded = rows.find((r) => r.status === 'succeeded')!.n / 3000;
    expect(succeeded).toBeGreaterThan(0.84);
    expect(succeeded).toBeLessThan(0.92);
    expect(await expireIntents(t.deps)).toBe(0);
    const page = await listPaymentIntents(t.deps, scope, { limit: 100 });
    // The outcomes are drawn at random (5 % canceled): the newest 100 lack one now and then (0.95^100 ≈ 0.6 %
    // of runs have no canceled one), so the newest intent of each outcome is checked as well.
    const { rows: oneOfEach } = await sql<{ id: string }>`
      select distinct on (outcome) id from (
        select id, created_at, case when last_payment_error is not null then 'declined' else status end as outcome
        from payment_intents where merchant_id = ${scope.merchantId}) o
      order by outcome, created_at desc`.execute(t.db);
    expect(oneOfEach).toHaveLength(3);
    const checked = [...page.data, ...(await Promise.all(oneOfEach.map((r) => getPaymentIntent(t.deps, scope, r.id))))];
    const statuses = new Set<string>();
    for (const pi of checked) {
      statuses.add(pi.last_payment_error ? 'declined' : pi.status);
      const events = await t.db.selectFrom('events').select(['type', 'data']).where('merchant_id', '=', scope.merchantId).where('object_id', '=', pi.id).orderBy('created_at').execute();
      expect(events[0].type).toBe('payment_intent.created');
      expect((events[events.length - 1].data as { object: unknown }).object).toEqual(await getPaymentIntent(t.deps, scope, pi.id));
      if (pi.status === 'succeeded') {
        const [attempt] = await findPaymentAttempts(t.deps, scope, pi.id);
        expect(attempt).toMatchObject({ outcome: 'succeeded', payment_method: pi.payment_method, card: { last4: expect.stringMatching(/^\d{4}$/) } });
      }
      if (pi.last_payment_error) {
        expect(events.map((e) => e.type)).toEqual(['payment_intent.created', 'payment_intent.payment_failed', 'payment_intent.canceled']);
        const pm = pi.last_payment_error.payment_method!;
        const row = await t.db.selectFrom('payment_methods').selectAll().where('id', '=', pm.id).executeTakeFirstOrThrow();
        expect(pm.card.exp_year).toBe(row.card_exp_year);
        expect(pm.created).toBe(Math.floor(row.created_at.getTime() / 1000));
        expect(pm.card.fingerprint).toBe(row.card_fingerprint);
      }
    }
    expect(statuses).toEqual(new Set(['succeeded', 'declined', 'canceled']));
    const paid = page.data.find((p) => p.status === 'succeeded')!;
    expect((await createRefund(t.deps, scope, { payment_intent: paid.id })).amount).toBe(paid.amount);
  });

  it('rebuilds exactly the same secondary indexes when it drops them for a large load', async () => {
    const tables = ['payment_methods', 'payment_intents', 'payment_attempts', 'events'];
    const before = await findSecondaryIndexes(t.db, tables);
    expect(before.length).toBeGreaterThan(10);
    const lines: string[] = [];
    await seedBulkPayments(t.deps, scope.merchantId, false, 500, (l) => lines.push(l), { rebuildIndexes: true });
    expect(lines.some((l) => l.startsWith('Rebuilding'))).toBe(true);
    expect(await findSecondaryIndexes(t.db, tables)).toEqual(before);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from payment_intents where merchant_id = ${scope.merchantId}`.execute(t.db);
    expect(rows[0].n).toBe(3500);
  });
});
