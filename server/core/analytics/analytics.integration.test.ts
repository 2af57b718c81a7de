import { TZDate } from '@date-fns/tz';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLLUP_GRANULARITIES } from '../../../shared/contracts/analytics.js';
import { PaymentError } from '../../../shared/errors.js';
import { backdatePayment } from '../../test/backdate.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { updateMerchantSettings } from '../accounts/merchants.service.js';
import { createCustomer } from '../customers/customers.service.js';
import { closeDispute, updateDispute } from '../disputes/disputes.service.js';
import { mulberry32 } from '../../seed/demo-history.js';
import { capturePaymentIntent, createPaymentIntent } from '../payment-intents/payment-intents.service.js';
import { completeThreeDSecure } from '../payment-intents/three-d-secure.service.js';
import { createRefund, processPendingRefunds } from '../refunds/refunds.service.js';
import type { Actor } from '../shared/deps.js';
import { seedBulkPayments } from '../../seed/bulk.js';
import { seedDemoHistory } from '../../seed/demo-history.js';
import * as repo from './analytics.repository.js';
import { advanceAnalyticsDays, compactAnalytics, getOverview, rebuildAnalytics } from './analytics.service.js';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

async function newActor(): Promise<Actor> {
  const m = await createTestMerchant(t.db);
  return { merchantId: m.merchant.id, livemode: false, userId: m.user.id };
}

const swallow = (p: Promise<unknown>) => p.then((v) => v, (e: unknown) => (e instanceof PaymentError ? null : Promise.reject(e)));
const pay = (actor: Actor, amount: number, pm = 'pm_card_visa', extra: Record<string, unknown> = {}) =>
  createPaymentIntent(t.deps, actor, { amount, currency: 'usd', confirm: true, payment_method: pm, ...extra });

/**
 * Moves an intent (and its attempts, refunds, dispute and their balance transactions) to another instant, as
 * if it had happened then: refunds a minute later, the dispute two minutes later, its reversal a day later.
 */
async function moveIntent(actor: Actor, id: string, at: Date) {
  await backdatePayment(t.db, actor.merchantId, id, at);
  const later = (ms: number) => new Date(at.getTime() + ms);
  await sql`update refunds set created_at = ${later(60_000)} where payment_intent_id = ${id} and merchant_id = ${actor.merchantId}`.execute(t.db);
  await sql`update disputes set created_at = ${later(120_000)} where payment_intent_id = ${id} and merchant_id = ${actor.merchantId}`.execute(t.db);
  await sql`update balance_transactions bt set created_at = case
      when bt.source_id in (select id from charges where payment_intent_id = ${id} and merchant_id = ${actor.merchantId}) then ${at}::timestamptz
      when bt.source_id in (select id from refunds where payment_intent_id = ${id} and merchant_id = ${actor.merchantId}) then ${later(60_000)}::timestamptz
      when bt.reporting_category = 'dispute' then ${later(120_000)}::timestamptz
      else ${later(86_400_000)}::timestamptz end
    where bt.merchant_id = ${actor.merchantId} and (
      bt.source_id in (select id from charges where payment_intent_id = ${id} and merchant_id = ${actor.merchantId})
      or bt.source_id in (select id from refunds where payment_intent_id = ${id} and merchant_id = ${actor.merchantId})
      or bt.source_id in (select id from disputes where payment_intent_id = ${id} and merchant_id = ${actor.merchantId}))`.execute(t.db);
}

/** Every rollup table, in the order the rebuild reports them. */
const ALL_TABLES = [
  'analytics_payment_buckets',
  'analytics_attempt_buckets',
  'analytics_customer_buckets',
  'analytics_daily_payment_buckets',
  'analytics_daily_attempt_buckets',
  'analytics_daily_customer_buckets',
] as const;
const EXACT = ALL_TABLES.map(() => 0);

/** The fees of a merchant's balance transactions (payouts aside), straight from the ledger. */
async function ledgerFees(actor: Actor): Promise<number> {
  const { rows } = await sql<{ fee: string }>`select coalesce(sum(fee), 0) fee from balance_transactions
    where merchant_id = ${actor.merchantId} and reporting_category not in ('payout', 'payout_reversal')`.execute(t.db);
  return Number(rows[0].fee);
}

describe('analytics rollups', () => {
  it('counts a payment in the same transaction: read-after-write on the overview', async () => {
    const actor = await newActor();
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const input = { from: today, to: tomorrow, timezone: 'UTC', compare: 'none' as const };
    expect((await getOverview(t.deps, actor, input)).totals.gross_volume).toBe(0);
    const pi = await pay(actor, 1234);
    const after = await getOverview(t.deps, actor, input);
    expect(after.totals).toMatchObject({ gross_volume: 1234, successful_payments: 1, payments: 1, attempted_payments: 1, attempts: 1, payment_success_rate: 1 });
    await createRefund(t.deps, actor, { payment_intent: pi.id, amount: 234 });
    const refunded = await getOverview(t.deps, actor, input);
    const fees = await ledgerFees(actor);
    expect(fees).toBeGreaterThan(0);
    // Net volume: gross minus refunds minus fees (the charge's processing fee).
    expect(refunded.totals).toMatchObject({ refunded_amount: 234, fees, net_volume: 1000 - fees, refunds: 1 });
    await swallow(pay(actor, 500, 'pm_card_chargeDeclinedInsufficientFunds'));
    const declined = await getOverview(t.deps, actor, input);
    expect(declined.totals).toMatchObject({ attempts: 2, failed_attempts: 1, attempt_success_rate: 0.5, payment_success_rate: 0.5 });
    expect(declined.decline_reasons).toEqual([{ key: 'insufficient_funds', attempts: 1 }]);
    // A rollup written in a transaction that rolls back leaves no trace.
    await t.db.transaction().execute(async (tx) => {
      await createPaymentIntent(t.deps, actor, { amount: 999, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' }, tx);
      throw new Error('rollback');
    }).catch(() => undefined);
    expect((await getOverview(t.deps, actor, input)).totals.gross_volume).toBe(1234);
  });

  it('writes three rollup rows for a create+confirm: the attempt has one, its figures read from the attempt rollup (0032)', async () => {
    const actor = await newActor();
    await pay(actor, 1500);
    // The intent's row and the fee's row; the attempt's only row is in the attempt rollup.
    expect(await repo.countRollupRows(t.db, actor, 'analytics_payment_buckets')).toBe(2);
    expect(await repo.countRollupRows(t.db, actor, 'analytics_attempt_buckets')).toBe(1);
    await swallow(pay(actor, 700, 'pm_card_chargeDeclinedInsufficientFunds'));
    await pay(actor, 900, 'pm_card_visa', { capture_method: 'manual' });
    const day = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const q = { currency: 'usd', from: new Date(day - 86_400_000), to: new Date(day + 2 * 86_400_000), granularity: 'hour' as const, timeZone: 'UTC' };
    const rows = await repo.selectRollupSeries(t.db, actor, q);
    const sum = (f: keyof repo.PeriodRow) => rows.reduce((n, r) => n + Number(r[f]), 0);
    const total = Object.fromEntries((['attempts', 'succeeded_attempts', 'failed_attempts', 'payments', 'attempted_payments', 'succeeded_payments'] as const).map((f) => [f, sum(f)]));
    // Authorised counts the manual capture's authorization; the decline is the one failed attempt.
    expect(total).toMatchObject({ attempts: 3, succeeded_attempts: 2, failed_attempts: 1, payments: 3, attempted_payments: 3, succeeded_payments: 1 });
    expect(rows).toEqual(await repo.selectBaseSeries(t.db, actor, q));
  });

  it('equals a recomputation from the base tables after a random mix of operations, in every zone and granularity', async () => {
    const actor = await newActor();
    const other = await newActor();
    const rand = mulberry32(1311);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    // Times around New York's and London's 2026 daylight-saving changes and the year's edges.
    const anchors = [Date.UTC(2026, 2, 8, 6), Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 10, 1, 5), Date.UTC(2026, 0, 1, 0), Date.UTC(2025, 11, 31, 12)];
    const succeeded: string[] = [];
    for (let i = 0; i < 70; i++) {
      const who = i % 7 === 0 ? other : actor;
      const kind = pick(['ok', 'ok', 'ok', 'decline', 'decline2', 'manual', '3ds', '3dsfail', 'open', 'customer', 'dispute', 'dispute', 'inquiry']);
      let id: string | undefined;
      if (kind === 'customer') {
        const c = await createCustomer(t.deps, who, { email: `c${i}@shop.test` });
        await sql`update customers set created_at = ${new Date(pick(anchors) + (rand() - 0.5) * 8 * 3_600_000)} where id = ${c.id}`.execute(t.db);
        continue;
      }
      const amount = 100 + Math.floor(rand() * 20_000);
      if (kind === 'ok') id = (await pay(who, amount, pick(['pm_card_visa', 'pm_card_mastercard', 'pm_card_amex']))).id;
      if (kind === 'decline' || kind === 'decline2') {
        const pi = await createPaymentIntent(t.deps, who, { amount, currency: 'usd' });
        await swallow(createPaymentIntent(t.deps, who, { amount, currency: 'usd' }));
        const { confirmPaymentIntent } = await import('../payment-intents/payment-intents.service.js');
        await swallow(confirmPaymentIntent(t.deps, who, pi.id, { payment_method: pick(['pm_card_chargeDeclined', 'pm_card_chargeDeclinedExpiredCard']) }));
        if (kind === 'decline2') await confirmPaymentIntent(t.deps, who, pi.id, { payment_method: 'pm_card_visa' });
        id = pi.id;
      }
      if (kind === 'manual') {
        const pi = await pay(who, amount, 'pm_card_visa', { capture_method: 'manual' });
        if (rand() < 0.7) await capturePaymentIntent(t.deps, who, pi.id, { amount_to_capture: Math.max(50, Math.floor(amount / 2)) });
        id = pi.id;
      }
      if (kind === '3ds' || kind === '3dsfail') {
        const pi = await pay(who, amount, 'pm_card_threeDSecure2Required');
        if (rand() < 0.8) await completeThreeDSecure(t.deps, pi.id, pi.client_secret, kind === '3ds' ? 'complete' : 'fail');
        id = pi.id;
      }
      if (kind === 'open') id = (await createPaymentIntent(t.deps, who, { amount, currency: pick(['usd', 'eur']) })).id;
      // A chargeback (withdrawn with its fee), then won (reinstated), lost, or left open; or an inquiry.
      if (kind === 'dispute' || kind === 'inquiry') {
        id = (await pay(who, amount, kind === 'dispute' ? 'pm_card_createDispute' : 'pm_card_createDisputeInquiry')).id;
        const { rows } = await sql<{ id: string }>`select id from disputes where payment_intent_id = ${id} and merchant_id = ${who.merchantId}`.execute(t.db);
        const outcome = rand();
        if (outcome < 0.35) await updateDispute(t.deps, who, rows[0].id, { evidence: { uncategorized_text: 'winning_evidence' } });
        else if (outcome < 0.7) await closeDispute(t.deps, who, rows[0].id);
      }
      const final = await sql<{ status: string }>`select status from payment_intents where id = ${id!}`.execute(t.db);
      if (final.rows[0].status === 'succeeded' && who === actor) succeeded.push(id!);
      // Refunds: several at once on the same payment, some to fail at settlement.
      if (final.rows[0].status === 'succeeded' && rand() < 0.5) {
        await Promise.allSettled(Array.from({ length: 4 }, () => createRefund(t.deps, who, { payment_intent: id!, amount: 50 + Math.floor(rand() * 3000) })));
      }
      await moveIntent(who, id!, new Date(pick(anchors) + (rand() - 0.5) * 8 * 3_600_000));
    }
    const refundFail = await pay(actor, 4000, 'pm_card_refundFail');
    await Promise.allSettled([1, 2, 3].map(() => createRefund(t.deps, actor, { payment_intent: refundFail.id, amount: 1000 })));
    await processPendingRefunds(t.deps, { olderThanMs: 0 });
    await moveIntent(actor, refundFail.id, new Date(anchors[0] + 3_600_000));

    // The rebuild from the base tables finds nothing to correct.
    const report = await rebuildAnalytics(t.deps);
    expect(report).toEqual(ALL_TABLES.map((table) => ({ table, differences: 0 })));

    const zones = ['UTC', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Chatham'];
    const from = new Date(Date.UTC(2025, 11, 1));
    const to = new Date(Date.UTC(2026, 11, 1));
    for (const timeZone of zones) {
      for (const granularity of ROLLUP_GRANULARITIES) {
        const range = granularity === 'hour' ? { from: new Date(anchors[0] - 2 * 86_400_000), to: new Date(anchors[0] + 2 * 86_400_000) } : { from, to };
        const q = { currency: 'usd', timeZone, granularity, ...range };
        const rolled = await repo.selectRollupSeries(t.db, actor, q);
        const base = await repo.selectBaseSeries(t.db, actor, q);
        expect(rolled, `${timeZone} ${granularity}`).toEqual(base);
        expect(rolled.some((r) => r.gross_amount > 0)).toBe(true);
      }
    }
    // The breakdowns equal a GROUP BY over the attempts.
    const breakdowns = await repo.selectAttemptBreakdowns(t.db, actor, { currency: 'usd', from, to });
    const raw = async (column: string, where: string) =>
      (await sql<{ key: string; attempts: number }>`select coalesce(${sql.ref(`x.${column}`)}, '') as key, count(*)::int attempts from payment_attempts x
        join payment_intents pi on pi.id = x.payment_intent_id where x.merchant_id = ${actor.merchantId} and pi.currency = 'usd'
        and x.created_at >= ${from} and x.created_at < ${to} ${sql.raw(where)} group by 1 order by 2 desc, 1`.execute(t.db)).rows;
    expect(breakdowns.card_brand).toEqual(await raw('card_brand', ''));
    expect(breakdowns.decline_code).toEqual(await raw('decline_code', "and x.outcome = 'failed'"));
    expect(breakdowns.three_d_secure).toEqual(await raw('three_d_secure', 'and x.three_d_secure is not null'));
    expect(breakdowns.three_d_secure.length).toBeGreaterThan(0);

    // The money figures are exercised: fees, chargebacks (some reinstated) and disputes are in the range.
    const baseYear = await repo.selectBaseSeries(t.db, actor, { currency: 'usd', timeZone: 'UTC', granularity: 'month', from, to });
    const total = (rows: repo.PeriodRow[], k: keyof repo.PeriodRow) => rows.reduce((sum, r) => sum + (r[k] as number), 0);
    expect(total(baseYear, 'fee_amount')).toBeGreaterThan(0);
    expect(total(baseYear, 'disputes')).toBeGreaterThan(1);
    expect(total(baseYear, 'disputed_amount')).toBeGreaterThan(0);

    // The daily layer: the merchant's Settings zone changes (each change recuts its days in the same
    // transaction), and every day, week and month from the days equals the raw GROUP BY in that zone,
    // as do the breakdowns and the overview (which reads the days when the zone is the merchant's).
    for (const timeZone of zones) {
      await updateMerchantSettings(t.db, actor.merchantId, actor.userId!, { timezone: timeZone });
      const local = { from: new Date(new TZDate(2025, 11, 1, timeZone).getTime()), to: new Date(new TZDate(2026, 11, 1, timeZone).getTime()) };
      for (const granularity of ['day', 'week', 'month'] as const) {
        const q = { currency: 'usd', timeZone, granularity, ...local };
        const days = await repo.selectRollupSeries(t.db, actor, q, 'daily');
        expect(days, `${timeZone} ${granularity} from the days`).toEqual(await repo.selectBaseSeries(t.db, actor, q));
        expect(days.some((r) => r.disputes > 0 && r.fee_amount > 0)).toBe(true);
      }
      const dailyBreakdowns = await repo.selectAttemptBreakdowns(t.db, actor, { currency: 'usd', timeZone, ...local }, 'daily');
      expect(dailyBreakdowns).toEqual(await repo.selectAttemptBreakdowns(t.db, actor, { currency: 'usd', ...local }));
      const overview = await getOverview(t.deps, actor, { from: '2025-12-01', to: '2026-12-01', granularity: 'month', compare: 'previous_year', currency: 'usd' });
      expect(overview.timezone).toBe(timeZone);
      expect(overview.three_d_secure).toEqual(dailyBreakdowns.three_d_secure);
      expect(overview.card_brands).toEqual(dailyBreakdowns.card_brand.map((d) => ({ key: d.key || 'unknown', attempts: d.attempts })));
      expect(overview.decline_reasons).toEqual(dailyBreakdowns.decline_code.map((d) => ({ key: d.key || 'unknown', attempts: d.attempts })));
      const base = await repo.selectBaseSeries(t.db, actor, { currency: 'usd', timeZone, granularity: 'month', ...local });
      expect(overview.series.map((p) => [p.start, p.gross_volume, p.net_volume, p.fees, p.disputes, p.disputed_amount])).toEqual(
        base.map((r, i) => [Math.max(r.period.getTime(), local.from.getTime()) / 1000, r.gross_amount, r.gross_amount - r.refunded_amount - r.disputed_amount - r.fee_amount, r.fee_amount, r.disputes, r.disputed_amount]),
      );
    }
    expect((await rebuildAnalytics(t.deps, actor.merchantId)).map((r) => r.differences)).toEqual(EXACT);

    // The other merchant's figures never leak in.
    const mine = await repo.selectRollupSeries(t.db, actor, { currency: 'usd', timeZone: 'UTC', granularity: 'month', from, to });
    const { rows } = await sql<{ n: string }>`select count(*) n from payment_intents where merchant_id = ${actor.merchantId} and currency = 'usd' and created_at >= ${from} and created_at < ${to}`.execute(t.db);
    expect(total(mine, 'payments')).toBe(Number(rows[0].n));

    // A rollup that drifted (written around the triggers) is found and corrected by the rebuild.
    await sql`update analytics_payment_buckets set gross_amount = gross_amount + 1 where merchant_id = ${actor.merchantId} and bucket = (select min(bucket) from analytics_payment_buckets where merchant_id = ${actor.merchantId})`.execute(t.db);
    expect((await rebuildAnalytics(t.deps, actor.merchantId))[0]).toEqual({ table: 'analytics_payment_buckets', differences: 2 });
    expect((await rebuildAnalytics(t.deps, actor.merchantId))[0].differences).toBe(0);
  });

  it('keeps the total refunded exact under concurrent refunds of many payments', async () => {
    const actor = await newActor();
    const intents = await Promise.all(Array.from({ length: 6 }, () => pay(actor, 5000)));
    await Promise.allSettled(intents.flatMap((pi) => Array.from({ length: 5 }, () => createRefund(t.deps, actor, { payment_intent: pi.id, amount: 1300 }))));
    const { rows } = await sql<{ total: string }>`select coalesce(sum(amount), 0) total from refunds where merchant_id = ${actor.merchantId} and status in ('pending','succeeded')`.execute(t.db);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const overview = await getOverview(t.deps, actor, { from: today, to: tomorrow, timezone: 'UTC', compare: 'none' });
    expect(overview.totals.refunded_amount).toBe(Number(rows[0].total));
    expect(overview.totals.refunds).toBe(6 * 3);
  });
});

describe('analytics under concurrency and compaction', () => {
  const TABLES = ALL_TABLES;
  const range = () => {
    const now = Date.now() - (Date.now() % 900_000);
    return { currency: 'usd', timeZone: 'UTC', granularity: 'hour' as const, from: new Date(now - 3 * 86_400_000), to: new Date(now + 86_400_000) };
  };

  it('completes 32 parallel create+confirm for one merchant and currency without errors, and the rollup equals the recomputation', async () => {
    const actor = await newActor();
    const { confirmPaymentIntent } = await import('../payment-intents/payment-intents.service.js');
    // Open intents to confirm while others are created and confirmed in one call: the two statements touch the
    // payment and attempt rollups in opposite orders, which deadlocked when the triggers upserted shared rows.
    const results: PromiseSettledResult<unknown>[] = [];
    const ROUNDS = 4;
    for (let round = 0; round < ROUNDS; round++) {
      const open = await Promise.all(Array.from({ length: 16 }, (_, i) => createPaymentIntent(t.deps, actor, { amount: 2000 + i, currency: 'usd' })));
      results.push(...(await Promise.allSettled(Array.from({ length: 32 }, (_, i) =>
        i % 2 === 0 ? pay(actor, 1000 + i, i % 4 === 2 ? 'pm_card_mastercard' : 'pm_card_visa') : confirmPaymentIntent(t.deps, actor, open[(i - 1) / 2].id, { payment_method: 'pm_card_visa' })))));
    }
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const q = range();
    const rolled = await repo.selectRollupSeries(t.db, actor, q);
    expect(rolled).toEqual(await repo.selectBaseSeries(t.db, actor, q));
    expect(rolled.reduce((s, r) => s + r.payments, 0)).toBe(ROUNDS * 32);
    expect(rolled.reduce((s, r) => s + r.succeeded_payments, 0)).toBe(ROUNDS * 32);
    expect((await rebuildAnalytics(t.deps, actor.merchantId)).map((r) => r.differences)).toEqual(EXACT);
  });

  it('compaction folds the delta rows into one per key and leaves every figure unchanged', async () => {
    const actor = await newActor();
    // The merchant's days are cut at today's midnight; yesterday's changes write day rows too (decision 023).
    await advanceAnalyticsDays(t.deps);
    const yesterday = new Date(Date.now() - (Date.now() % 86_400_000) - 3 * 3_600_000);
    for (let i = 0; i < 6; i++) await moveIntent(actor, (await pay(actor, 500 + i)).id, yesterday);
    const declined = await createPaymentIntent(t.deps, actor, { amount: 700, currency: 'usd' });
    const { confirmPaymentIntent } = await import('../payment-intents/payment-intents.service.js');
    await swallow(confirmPaymentIntent(t.deps, actor, declined.id, { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' }));
    await moveIntent(actor, declined.id, yesterday);
    const pi = await pay(actor, 3000);
    await createRefund(t.deps, actor, { payment_intent: pi.id, amount: 400 });
    await moveIntent(actor, pi.id, yesterday);
    for (let i = 0; i < 3; i++) {
      const c = await createCustomer(t.deps, actor, { email: `k${i}@shop.test` });
      await sql`update customers set created_at = ${yesterday} where id = ${c.id}`.execute(t.db);
    }
    const q = range();
    const before = await repo.selectRollupSeries(t.db, actor, q);
    const beforeBreakdowns = await repo.selectAttemptBreakdowns(t.db, actor, q);
    const figures = async () => Promise.all(TABLES.map(async (table) => sortRows(await repo.selectRollupRows(t.db, actor, table))));
    const beforeRows = await figures();
    const counts = async () => Promise.all(TABLES.map((table) => repo.countRollupRows(t.db, actor, table)));
    const beforeCounts = await counts();
    // Two compactions at once (SKIP LOCKED), then once more: idempotent.
    await Promise.all([compactAnalytics(t.deps, { limit: 3 }), compactAnalytics(t.deps, { limit: 3 })]);
    await compactAnalytics(t.deps);
    const afterCounts = await counts();
    for (let i = 0; i < TABLES.length; i++) expect(afterCounts[i], TABLES[i]).toBeLessThan(beforeCounts[i]);
    // One row per key now.
    expect(afterCounts).toEqual(beforeRows.map((rows) => rows.length));
    expect(await figures()).toEqual(beforeRows);
    expect(await repo.selectRollupSeries(t.db, actor, q)).toEqual(before);
    expect(await repo.selectAttemptBreakdowns(t.db, actor, q)).toEqual(beforeBreakdowns);
    expect(await repo.selectRollupSeries(t.db, actor, q)).toEqual(await repo.selectBaseSeries(t.db, actor, q));
    expect(await compactAnalytics(t.deps)).toBe(0);
    expect(await counts()).toEqual(afterCounts);
    expect((await rebuildAnalytics(t.deps, actor.merchantId)).map((r) => r.differences)).toEqual(EXACT);
  });
});

const sortRows = (rows: Record<string, unknown>[]) =>
  rows.map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

describe('seeded history', () => {
  it('is rolled up: the demo history as it is written, the bulk load by one rebuild at its end', async () => {
    const m = await createTestMerchant(t.db);
    const scope = { merchantId: m.merchant.id, livemode: false };
    await seedDemoHistory(t.deps, m.merchant.id, () => {}, { payments: 400, customers: 60 });
    await seedBulkPayments(t.deps, m.merchant.id, false, 2000, () => {});
    const { rows } = await sql<{ n: string; gross: string }>`select count(*) n, coalesce(sum(amount_received) filter (where status = 'succeeded'), 0) gross
      from payment_intents where merchant_id = ${m.merchant.id} and livemode = false and currency = 'usd'`.execute(t.db);
    const all = await repo.selectRollupSeries(t.db, scope, { currency: 'usd', timeZone: 'UTC', granularity: 'month', from: new Date(Date.now() - 800 * 86_400_000 - (Date.now() % 900_000)), to: new Date(Date.now() + 86_400_000 - (Date.now() % 900_000)) });
    expect(all.reduce((s, r) => s + r.payments, 0)).toBe(Number(rows[0].n));
    expect(all.reduce((s, r) => s + r.gross_amount, 0)).toBe(Number(rows[0].gross));
    expect(all.reduce((s, r) => s + r.refunded_amount, 0)).toBeGreaterThan(0);
    expect((await rebuildAnalytics(t.deps, m.merchant.id)).map((r) => r.differences)).toEqual(EXACT);
  }, 120_000);
});

describe('analytics time zones', () => {
  async function payAt(actor: Actor, iso: string, amount: number) {
    const pi = await pay(actor, amount);
    await moveIntent(actor, pi.id, new Date(iso));
  }

  it('cuts days at local midnight in +05:30 and +05:45', async () => {
    const actor = await newActor();
    await payAt(actor, '2026-04-09T18:29:00Z', 100); // 23:59 on Apr 9 in Kolkata, 00:14 on Apr 10 in Kathmandu
    await payAt(actor, '2026-04-09T18:30:00Z', 200); // 00:00 on Apr 10 in Kolkata
    await payAt(actor, '2026-04-09T18:14:00Z', 400); // 23:59 on Apr 9 in Kathmandu
    const kolkata = await getOverview(t.deps, actor, { from: '2026-04-09', to: '2026-04-11', timezone: 'Asia/Kolkata', compare: 'none' });
    expect(kolkata.series.map((p) => [p.start, p.gross_volume])).toEqual([
      [Date.UTC(2026, 3, 8, 18, 30) / 1000, 500],
      [Date.UTC(2026, 3, 9, 18, 30) / 1000, 200],
    ]);
    const kathmandu = await getOverview(t.deps, actor, { from: '2026-04-09', to: '2026-04-11', timezone: 'Asia/Kathmandu', compare: 'none' });
    expect(kathmandu.series.map((p) => [p.start, p.end, p.gross_volume])).toEqual([
      [Date.UTC(2026, 3, 8, 18, 15) / 1000, Date.UTC(2026, 3, 9, 18, 15) / 1000, 400],
      [Date.UTC(2026, 3, 9, 18, 15) / 1000, Date.UTC(2026, 3, 10, 18, 15) / 1000, 300],
    ]);
  });

  it('has 23- and 25-hour days across New York daylight-saving changes, and compares with the previous period', async () => {
    const actor = await newActor();
    await payAt(actor, '2026-03-09T03:50:00Z', 700); // 23:50 EDT on Mar 8 (the 23-hour day)
    await payAt(actor, '2026-03-09T04:05:00Z', 800); // 00:05 EDT on Mar 9
    await payAt(actor, '2026-11-02T04:30:00Z', 900); // 23:30 EST on Nov 1 (the 25-hour day)
    await payAt(actor, '2026-03-07T12:00:00Z', 300); // Mar 7, the previous period of Mar 8
    const spring = await getOverview(t.deps, actor, { from: '2026-03-08', to: '2026-03-10', timezone: 'America/New_York', compare: 'previous_period' });
    expect(spring.series.map((p) => [p.start, (p.end - p.start) / 3600, p.gross_volume])).toEqual([
      [Date.UTC(2026, 2, 8, 5) / 1000, 23, 700],
      [Date.UTC(2026, 2, 9, 4) / 1000, 24, 800],
    ]);
    expect(spring.compare_range).toEqual({ start: Date.UTC(2026, 2, 6, 5) / 1000, end: Date.UTC(2026, 2, 8, 5) / 1000 });
    expect(spring.compare_totals?.gross_volume).toBe(300);
    expect(spring.deltas.gross_volume).toBe(4);
    const fall = await getOverview(t.deps, actor, { from: '2026-11-01', to: '2026-11-02', timezone: 'America/New_York', granularity: 'hour', compare: 'none' });
    expect(fall.series).toHaveLength(25);
    expect(fall.totals.gross_volume).toBe(900);
    const lastYear = await getOverview(t.deps, actor, { from: '2027-03-08', to: '2027-03-10', timezone: 'America/New_York', compare: 'previous_year' });
    expect(lastYear.compare_totals?.gross_volume).toBe(1500);
  });

  it('charts minutes from the base tables: each payment in its own local minute, empty minutes included', async () => {
    const actor = await newActor();
    await payAt(actor, '2026-05-04T09:15:10Z', 100); // 15:00 in Kathmandu (+05:45)
    await payAt(actor, '2026-05-04T09:15:50Z', 200);
    await payAt(actor, '2026-05-04T09:17:00Z', 400);
    await payAt(actor, '2026-05-04T09:30:00Z', 800); // 15:15 local: outside the range
    const minutes = await getOverview(t.deps, actor, { from: '2026-05-04T15:00', to: '2026-05-04T15:15', timezone: 'Asia/Kathmandu', granularity: 'minute', compare: 'previous_period' });
    expect(minutes.series).toHaveLength(15);
    expect(minutes.series.slice(0, 3).map((p) => [p.start, p.end - p.start, p.gross_volume, p.successful_payments])).toEqual([
      [Date.UTC(2026, 4, 4, 9, 15) / 1000, 60, 300, 2],
      [Date.UTC(2026, 4, 4, 9, 16) / 1000, 60, 0, 0],
      [Date.UTC(2026, 4, 4, 9, 17) / 1000, 60, 400, 1],
    ]);
    expect(minutes.totals.gross_volume).toBe(700);
    expect(minutes.compare_series).toHaveLength(15);
    // The same range by the hour (from the rollups) agrees on the totals.
    const hour = await getOverview(t.deps, actor, { from: '2026-05-04T15:00', to: '2026-05-04T15:15', timezone: 'Asia/Kathmandu', granularity: 'hour', compare: 'none' });
    expect(hour.totals).toEqual(minutes.totals);
    const err = await getOverview(t.deps, actor, { from: '2026-05-04T08:00', to: '2026-05-04T15:00', timezone: 'UTC', granularity: 'minute' }).catch((e: PaymentError) => e);
    expect(err).toMatchObject({ param: 'granularity' });
  });

  it("reads the daily layer for whole days in the merchant's zone, the 15-minute buckets otherwise, and the rebuild checks the days", async () => {
    const m = await createTestMerchant(t.db);
    const actor: Actor = { merchantId: m.merchant.id, livemode: false, userId: m.user.id };
    await updateMerchantSettings(t.db, actor.merchantId, m.user.id, { timezone: 'Asia/Kathmandu' });
    await payAt(actor, '2026-04-09T18:14:00Z', 400); // 23:59 on Apr 9 in Kathmandu
    await payAt(actor, '2026-04-09T18:15:00Z', 200); // 00:00 on Apr 10
    const days = { from: '2026-04-09', to: '2026-04-11', compare: 'none' as const };
    const before = await getOverview(t.deps, actor, days);
    expect(before.series.map((p) => p.gross_volume)).toEqual([400, 200]);
    // A drifted day row (written around the triggers) shows on the merchant's zone only: that read used the days.
    await sql`update analytics_daily_payment_buckets set gross_amount = gross_amount + 7 where ctid = (select ctid from analytics_daily_payment_buckets where merchant_id = ${actor.merchantId} and day = '2026-04-10' limit 1)`.execute(t.db);
    expect((await getOverview(t.deps, actor, days)).series.map((p) => p.gross_volume)).toEqual([400, 207]);
    expect((await getOverview(t.deps, actor, { ...days, timezone: 'Asia/Kolkata' })).series.map((p) => p.gross_volume)).toEqual([600, 0]);
    // With the zone and currency given, the figures are read alongside the settings: the same layers answer.
    expect((await getOverview(t.deps, actor, { ...days, timezone: 'Asia/Kathmandu', currency: 'usd' })).series.map((p) => p.gross_volume)).toEqual([400, 207]);
    expect((await getOverview(t.deps, actor, { ...days, timezone: 'Asia/Kolkata', currency: 'usd' })).series.map((p) => p.gross_volume)).toEqual([600, 0]);
    expect((await getOverview(t.deps, actor, { ...days, from: '2026-04-09T06:00' })).totals.gross_volume).toBe(600);
    const report = await rebuildAnalytics(t.deps, actor.merchantId);
    expect(report.find((r) => r.table === 'analytics_daily_payment_buckets')?.differences).toBe(2);
    expect(report.filter((r) => r.table !== 'analytics_daily_payment_buckets').map((r) => r.differences)).toEqual([0, 0, 0, 0, 0]);
    expect(await getOverview(t.deps, actor, days)).toEqual(before);

    // A zone change while a payment's transaction is open waits for it, so the recut days include it.
    const open = t.db.transaction().execute(async (tx) => {
      await createPaymentIntent(t.deps, actor, { amount: 900, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' }, tx);
      const change = updateMerchantSettings(t.db, actor.merchantId, m.user.id, { timezone: 'America/New_York' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { change }; // not awaited here: it waits for this transaction to end
    });
    await (await open).change;
    const today = await getOverview(t.deps, actor, { from: new TZDate(Date.now() - 86_400_000, 'America/New_York').toISOString().slice(0, 10), to: new TZDate(Date.now() + 2 * 86_400_000, 'America/New_York').toISOString().slice(0, 10), compare: 'none' });
    expect(today.timezone).toBe('America/New_York');
    expect(today.totals.gross_volume).toBe(900);
    expect((await rebuildAnalytics(t.deps, actor.merchantId)).map((r) => r.differences)).toEqual(EXACT);
  });

  it('answers bad input with clear errors', async () => {
    const actor = await newActor();
    const err = (input: Record<string, unknown>) => getOverview(t.deps, actor, input as never).then(() => null, (e: PaymentError) => e);
    expect((await err({ from: '2026-01-01', to: '2026-01-02', timezone: 'Mars/Olympus' }))?.param).toBe('timezone');
    expect((await err({ from: '2026-01-02', to: '2026-01-01' }))?.param).toBe('to');
    expect((await err({ from: '2026-01-01T10:07', to: '2026-01-02' }))?.param).toBe('from');
    expect((await err({ from: '2020-01-01', to: '2026-01-01', granularity: 'hour' }))?.param).toBe('granularity');
    expect((await err({ from: '2026-02-30', to: '2026-03-02' }))?.param).toBe('from');
  });
});

describe('the day cut (decision 023)', () => {
  const zone = 'Asia/Kathmandu';
  const at = async (expr: string) => (await sql<{ d: Date }>`select ${sql.raw(expr)} as d`.execute(t.db)).rows[0].d;
  const cutOf = async (merchantId: string) =>
    (await sql<{ cut_until: Date; time_zone: string }>`select cut_until, time_zone from analytics_day_cuts where merchant_id = ${merchantId}`.execute(t.db)).rows[0];
  /** As the job left the days `n` days ago: the cut at that local midnight, no day rows from then on. */
  const cutBack = async (merchantId: string, n: number) => {
    await sql`update analytics_day_cuts set cut_until = date_trunc('day', now(), time_zone) - make_interval(days => ${n}) where merchant_id = ${merchantId}`.execute(t.db);
    for (const table of ['analytics_daily_payment_buckets', 'analytics_daily_attempt_buckets', 'analytics_daily_customer_buckets']) {
      await sql`delete from ${sql.table(table)} d using analytics_day_cuts c where c.merchant_id = d.merchant_id and d.merchant_id = ${merchantId} and d.day >= (c.cut_until at time zone c.time_zone)::date`.execute(t.db);
    }
  };

  it("writes today's payments to the 15-minute buckets only, folds the days passed when the cut moves, and counts a late change before the cut in the days", async () => {
    const actor = await newActor();
    // The zone change cuts the merchant's days at today's local midnight.
    await updateMerchantSettings(t.db, actor.merchantId, actor.userId!, { timezone: zone });
    expect(await cutOf(actor.merchantId)).toEqual({ time_zone: zone, cut_until: await at(`date_trunc('day', now(), '${zone}')`) });
    const dayRows = () => repo.countRollupRows(t.db, actor, 'analytics_daily_payment_buckets');
    await pay(actor, 1000);
    expect(await dayRows()).toBe(0);

    await cutBack(actor.merchantId, 3);
    const twoDaysAgo = await at(`date_trunc('day', now(), '${zone}') - interval '2 days' + interval '10 hours'`);
    for (const amount of [700, 800]) await moveIntent(actor, (await pay(actor, amount)).id, twoDaysAgo);
    const manual = await pay(actor, 5000, 'pm_card_visa', { capture_method: 'manual' });
    await moveIntent(actor, manual.id, twoDaysAgo);
    expect(await dayRows()).toBe(0);

    const local = { from: await at(`date_trunc('day', now(), '${zone}') - interval '5 days'`), to: await at(`date_trunc('day', now(), '${zone}') + interval '1 day'`) };
    const q = { currency: 'usd', timeZone: zone, granularity: 'day' as const, ...local };
    const days = () => repo.selectRollupSeries(t.db, actor, q, 'daily');
    const base = () => repo.selectBaseSeries(t.db, actor, q);
    const before = await days();
    expect(before).toEqual(await base());
    expect(before.reduce((s, r) => s + r.gross_amount, 0)).toBe(2500);

    // The job moves the cut: the days passed become day rows, and nothing changes for a reader.
    expect(await advanceAnalyticsDays(t.deps)).toBeGreaterThan(0);
    expect((await cutOf(actor.merchantId)).cut_until).toEqual(await at(`date_trunc('day', now(), '${zone}')`));
    expect(await dayRows()).toBeGreaterThan(0);
    expect(await days()).toEqual(before);
    expect((await rebuildAnalytics(t.deps, actor.merchantId)).map((r) => r.differences)).toEqual(EXACT);

    // Capturing the payment made two days ago changes a day before the cut: its day row is written at once.
    const rowsBefore = await dayRows();
    await capturePaymentIntent(t.deps, actor, manual.id, {});
    expect(await dayRows()).toBeGreaterThan(rowsBefore);
    const after = await days();
    expect(after.reduce((s, r) => s + r.gross_amount, 0)).toBe(7500);
    expect(after).toEqual(await base());
    const overview = await getOverview(t.deps, actor, { from: new TZDate(local.from.getTime(), zone).toISOString().slice(0, 10), to: new TZDate(local.to.getTime(), zone).toISOString().slice(0, 10), granularity: 'day', compare: 'none' });
    expect(overview.totals.gross_volume).toBe(7500);
    expect((await rebuildAnalytics(t.deps, actor.merchantId)).map((r) => r.differences)).toEqual(EXACT);
    expect(await advanceAnalyticsDays(t.deps)).toBe(0);
  });

  it('puts every cut on a UTC quarter hour not after the current one, so a write in this quarter hour needs no day row (0031)', async () => {
    const actor = await newActor();
    for (const timezone of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Eucla', 'Pacific/Chatham', 'America/St_Johns']) {
      await updateMerchantSettings(t.db, actor.merchantId, actor.userId!, { timezone });
      await sql`update analytics_day_cuts set cut_until = cut_until - interval '2 days' where merchant_id = ${actor.merchantId}`.execute(t.db);
      await advanceAnalyticsDays(t.deps);
      const { rows } = await sql<{ on_quarter: boolean; not_after: boolean }>`
        select analytics_bucket(cut_until) = cut_until as on_quarter, cut_until <= analytics_bucket(clock_timestamp()) as not_after
        from analytics_day_cuts where merchant_id = ${actor.merchantId}`.execute(t.db);
      expect({ timezone, ...rows[0] }).toEqual({ timezone, on_quarter: true, not_after: true });
    }
    // A write just before the current quarter hour takes the lookup (a day row when that is before the cut);
    // one inside it skips it. Both count exactly.
    const justBefore = await at(`analytics_bucket(clock_timestamp()) - interval '1 second'`);
    await moveIntent(actor, (await pay(actor, 300)).id, justBefore);
    await pay(actor, 400);
    expect((await rebuildAnalytics(t.deps, actor.merchantId)).map((r) => r.differences)).toEqual(EXACT);
  });

  it('reads the cut only for an instant before the current quarter hour (0031)', async () => {
    const actor = await newActor();
    const dayRows = () => repo.countRollupRows(t.db, actor, 'analytics_daily_payment_buckets');
    const add = (instant: string) => sql`select analytics_add(${actor.merchantId}, false, 'usd', ${sql.raw(instant)}, 1, 0, 0, 0, 0, 0, 0, 0, 0)`.execute(t.db);
    // A cut an hour ahead, which no mover makes (a cut is never after the clock): a write in this quarter hour
    // does not read it, so it writes no day row though its instant is before that cut...
    await sql`insert into analytics_day_cuts (merchant_id, time_zone, cut_until) values (${actor.merchantId}, 'UTC', analytics_bucket(clock_timestamp()) + interval '1 hour')
      on conflict (merchant_id) do update set time_zone = excluded.time_zone, cut_until = excluded.cut_until`.execute(t.db);
    await add(`analytics_bucket(clock_timestamp()) + interval '14 minutes'`);
    expect(await dayRows()).toBe(0);
    // ...while a write a second before this quarter hour reads it and writes its day row.
    await add(`analytics_bucket(clock_timestamp()) - interval '1 second'`);
    expect(await dayRows()).toBe(1);
  });

  it('moves the cut only after a writer that read the old cut commits, so its change is in the days', async () => {
    const actor = await newActor();
    await updateMerchantSettings(t.db, actor.merchantId, actor.userId!, { timezone: zone });
    const paid = await pay(actor, 1200);
    await cutBack(actor.merchantId, 3);
    const yesterday = await at(`date_trunc('day', now(), '${zone}') - interval '1 day' + interval '1 hour'`);
    let moved: Promise<number> | undefined;
    await t.db.transaction().execute(async (tx) => {
      // The move is after the old cut: it writes 15-minute rows only, holding the merchant's rollup lock.
      await sql`update payment_intents set created_at = ${yesterday} where id = ${paid.id} and merchant_id = ${actor.merchantId}`.execute(tx);
      await sql`update payment_attempts set created_at = ${yesterday} where payment_intent_id = ${paid.id} and merchant_id = ${actor.merchantId}`.execute(tx);
      moved = advanceAnalyticsDays(t.deps);
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    expect(await moved).toBeGreaterThan(0);
    const local = { from: await at(`date_trunc('day', now(), '${zone}') - interval '4 days'`), to: await at(`date_trunc('day', now(), '${zone}') + interval '1 day'`) };
    const q = { currency: 'usd', timeZone: zone, granularity: 'day' as const, ...local };
    const days = await repo.selectRollupSeries(t.db, actor, q, 'daily');
    expect(days).toEqual(await repo.selectBaseSeries(t.db, actor, q));
    expect(days.find((d) => d.gross_amount > 0)?.period).toEqual(await at(`date_trunc('day', now(), '${zone}') - interval '1 day'`));
    expect(await repo.countRollupRows(t.db, actor, 'analytics_daily_payment_buckets')).toBeGreaterThan(0);
    expect((await rebuildAnalytics(t.deps, actor.merchantId)).map((r) => r.differences)).toEqual(EXACT);
  });
});
