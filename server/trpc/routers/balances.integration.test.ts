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

describe('balances router: the list of all balance transactions and partial payouts', () => {
  it('filters by type, currency, date range and payout; keyset pages; rows carry their payment', async () => {
    const m = await createTestMerchant(t.db);
    const me: Actor = { merchantId: m.merchant.id, livemode: false, userId: m.user.id };
    const caller = await callerFor(t, m.user.id, m.merchant.id);
    const usd = await createPaymentIntent(t.deps, me, { amount: 5000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    await createPaymentIntent(t.deps, me, { amount: 3000, currency: 'jpy', confirm: true, payment_method: 'pm_card_visa' });
    await createPaymentIntent(t.deps, me, { amount: 2000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    const refund = await createRefund(t.deps, me, { payment_intent: usd.id, amount: 500 });

    const all = await caller.balances.transactions({});
    expect(all.data.map((x) => [x.type, x.currency])).toEqual([['refund', 'usd'], ['charge', 'usd'], ['charge', 'jpy'], ['charge', 'usd']]);
    expect(all.data.find((x) => x.source === usd.latest_charge)?.payment_intent).toBe(usd.id);
    expect(all.data.find((x) => x.type === 'refund')?.source).toBe(refund.id);
    expect((await caller.balances.transactions({ type: 'charge', currency: 'usd' })).data.map((x) => x.amount)).toEqual([2000, 5000]);
    expect((await caller.balances.transactions({ currency: 'jpy' })).data.map((x) => x.amount)).toEqual([3000]);
    const now = Math.floor(Date.now() / 1000);
    expect((await caller.balances.transactions({ created: { gte: now + 3600 } })).data).toEqual([]);
    expect((await caller.balances.transactions({ created: { gte: now - 3600, lt: now + 3600 } })).data).toHaveLength(4);
    // Keyset pages: two by two, forwards and back.
    const first = await caller.balances.transactions({ limit: 2 });
    expect(first.has_more).toBe(true);
    const second = await caller.balances.transactions({ limit: 2, starting_after: first.data[1].id });
    expect([...first.data, ...second.data].map((x) => x.id)).toEqual(all.data.map((x) => x.id));
    expect((await caller.balances.transactions({ limit: 2, ending_before: second.data[0].id })).data.map((x) => x.id)).toEqual(first.data.map((x) => x.id));
    await expect(caller.balances.transactions({ type: 'nonsense' as 'charge' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.balances.transactions({ currency: 'xyz' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    // A partial payout, then the rest: the full one lists what it settles, the partial payout's line among them.
    await releaseAvailableFunds(t.deps, { now: new Date(Date.now() + 3 * 86_400_000) });
    const available = (await caller.balances.overview()).balance.available.find((b) => b.currency === 'usd')!.amount;
    expect(available).toBe(5000 - 175 + 2000 - 88 - 500);
    expect((await errorOf(caller.balances.createPayout({ currency: 'usd', amount: available + 1 }))).message).toMatch(/insufficient funds/);
    expect((await errorOf(caller.balances.createPayout({ currency: 'usd', amount: 0 }))).code).toBe('BAD_REQUEST');
    const part = await caller.balances.createPayout({ currency: 'usd', amount: 1000 });
    expect(part).toMatchObject({ amount: 1000, reconciliation_status: 'not_applicable' });
    expect((await caller.balances.payout({ id: part.id })).transactions.data).toEqual([]);
    const rest = await caller.balances.createPayout({ currency: 'usd' });
    expect(rest.amount).toBe(available - 1000);
    const settled = await caller.balances.transactions({ payout: rest.id, limit: 100 });
    expect(settled.data.map((x) => x.type).sort()).toEqual(['charge', 'charge', 'payout', 'payout', 'refund']);
    expect(settled.data.filter((x) => x.id !== rest.balance_transaction).reduce((s, x) => s + x.net, 0)).toBe(rest.amount);
  });
});
