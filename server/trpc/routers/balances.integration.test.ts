import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseAvailableFunds } from '../../core/balance/balance.service.js';
import { createPaymentIntent } from '../../core/payment-intents/payment-intents.service.js';
import { createRefund } from '../../core/refunds/refunds.service.js';
import type { Actor } from '../../core/shared/deps.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { callerFor, memberCaller, type Caller } from './payments.fixtures.js';

let t: TestDatabase;
let owner: Caller;
let actor: Actor;
let merchantId: string;
let paymentId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  merchantId = m.merchant.id;
  owner = await callerFor(t, m.user.id, merchantId);
  actor = { merchantId, livemode: false, userId: m.user.id };
  const pi = await createPaymentIntent(t.deps, actor, { amount: 10_000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
  paymentId = pi.id;
  await createRefund(t.deps, actor, { payment_intent: pi.id, amount: 1000 });
});
afterAll(async () => { await t?.drop(); });

async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('balances router', () => {
  it('overview: balance, next payout day on the default daily schedule', async () => {
    const overview = await owner.balances.overview();
    expect(overview.balance.pending).toEqual([{ amount: 9680, currency: 'usd', source_types: { card: 9680 } }]);
    expect(overview.balance.available).toEqual([{ amount: -1000, currency: 'usd', source_types: { card: -1000 } }]);
    expect(overview.settings).toMatchObject({ payout_interval: 'daily', fee_percent_bps: 290, fee_fixed: 30, payout_delay_days: 2 });
    expect(overview.next_payout_date).toBeTypeOf('number');
  });

  it('a payment shows its charge, fee, net and the refund\'s balance effect', async () => {
    const ledger = await owner.balances.forPayment({ paymentIntentId: paymentId });
    expect(ledger.charges).toHaveLength(1);
    expect(ledger.transactions.map((x) => [x.type, x.amount, x.fee, x.net])).toEqual([['charge', 10_000, 320, 9680], ['refund', -1000, 0, -1000]]);
  });

  it('manual payout from the dashboard, payout detail lists what it settles', async () => {
    await releaseAvailableFunds(t.deps, { now: new Date(Date.now() + 3 * 86_400_000) });
    const payout = await owner.balances.createPayout({ currency: 'usd' });
    expect(payout.amount).toBe(8680);
    const detail = await owner.balances.payout({ id: payout.id });
    expect(detail.transactions.data.map((x) => x.type).sort()).toEqual(['charge', 'payout', 'refund']);
    expect((await owner.balances.payouts({})).data.map((p) => p.id)).toEqual([payout.id]);
    expect((await errorOf(owner.balances.createPayout({ currency: 'usd' }))).message).toMatch(/no available usd balance/);
  });

  it('roles: finance reads, cannot pay out or change fees; support and developers see no balance', async () => {
    const finance = (await memberCaller(t, merchantId, 'finance')).caller;
    expect((await finance.balances.overview()).balance.object).toBe('balance');
    expect((await errorOf(finance.balances.createPayout({ currency: 'usd' }))).code).toBe('FORBIDDEN');
    const settings = { fee_percent_bps: 250, fee_fixed: 25, payout_interval: 'weekly' as const, payout_weekly_anchor: 'friday' as const, payout_monthly_anchor: 1, payout_delay_days: 3 };
    expect((await errorOf(finance.balances.updateSettings(settings))).code).toBe('FORBIDDEN');
    for (const role of ['support', 'developer', 'viewer'] as const) {
      const caller = (await memberCaller(t, merchantId, role)).caller;
      expect((await errorOf(caller.balances.overview())).code).toBe('FORBIDDEN');
    }
    const admin = (await memberCaller(t, merchantId, 'admin')).caller;
    expect(await admin.balances.updateSettings(settings)).toEqual(settings);
    expect((await finance.balances.settings()).payout_weekly_anchor).toBe('friday');
    expect((await errorOf(admin.balances.updateSettings({ ...settings, fee_percent_bps: 20_000 }))).code).toBe('BAD_REQUEST');
  });
});
