import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentError } from '../../shared/errors.js';
import { rebuildAnalytics } from '../core/analytics/analytics.service.js';
import { createPaymentIntent } from '../core/payment-intents/payment-intents.service.js';
import type { Actor } from '../core/shared/deps.js';
import { backdatePayment } from '../test/backdate.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../test/db.js';
import * as m0032 from './migrations/0032_attempt_figures_from_attempt_buckets.js';

/** Migration 0032: the attempt figures leave the payment rollups for the attempt rollups, and come back down. */

let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => { await t?.drop(); });

const pay = (actor: Actor, pm: string, extra: Record<string, unknown> = {}) =>
  createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd', confirm: true, payment_method: pm, ...extra })
    .catch((e: unknown) => (e instanceof PaymentError ? null : Promise.reject(e)));

async function attemptFiguresOnPayments(actor: Actor, table: string) {
  const { rows } = await sql<{ attempts: number; succeeded: number; failed: number }>`
    select sum(attempts)::int attempts, sum(succeeded_attempts)::int succeeded, sum(failed_attempts)::int failed
    from ${sql.table(table)} where merchant_id = ${actor.merchantId}`.execute(t.db);
  return rows[0];
}

describe('0032_attempt_figures_from_attempt_buckets', () => {
  it('refills the payment rollups\' attempt figures from the attempt rollups on the way down, and drops them on the way up', async () => {
    const m = await createTestMerchant(t.db);
    const actor: Actor = { merchantId: m.merchant.id, livemode: false, userId: m.user.id };
    await pay(actor, 'pm_card_visa');
    await pay(actor, 'pm_card_visa', { capture_method: 'manual' });
    const declined = await pay(actor, 'pm_card_chargeDeclined');
    expect(declined).toBeNull();
    // Yesterday's decline, in a day row: the payment moved there (its rollups with it) and the days cut.
    const { rows: [last] } = await sql<{ id: string }>`select id from payment_intents where merchant_id = ${actor.merchantId} and status = 'requires_payment_method'`.execute(t.db);
    await backdatePayment(t.db, actor.merchantId, last!.id, new Date(Date.now() - 86_400_000));
    await sql`select analytics_recut_days(${actor.merchantId}, 'UTC')`.execute(t.db);
    await m0032.down(t.db);
    expect(await attemptFiguresOnPayments(actor, 'analytics_payment_buckets')).toEqual({ attempts: 3, succeeded: 2, failed: 1 });
    expect(await attemptFiguresOnPayments(actor, 'analytics_daily_payment_buckets')).toEqual({ attempts: 1, succeeded: 0, failed: 1 });
    // The writers of before 0032 are back: a decline counts on the payment rollup again.
    await pay(actor, 'pm_card_chargeDeclinedInsufficientFunds');
    expect(await attemptFiguresOnPayments(actor, 'analytics_payment_buckets')).toEqual({ attempts: 4, succeeded: 2, failed: 2 });
    await m0032.up(t.db);
    const { rows } = await sql<{ n: number }>`select count(*)::int n from information_schema.columns
      where table_name in ('analytics_payment_buckets', 'analytics_daily_payment_buckets') and column_name in ('attempts', 'succeeded_attempts', 'failed_attempts')`.execute(t.db);
    expect(rows[0]!.n).toBe(0);
    await pay(actor, 'pm_card_visa');
    expect((await rebuildAnalytics(t.deps, actor.merchantId)).map((r) => r.differences)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
