import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentError } from '../../../shared/errors.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { sumBalanceHistory } from '../balance/balance.repository.js';
import { getBalance, listBalanceTransactions, releaseAvailableFunds, updateBalanceSettings } from '../balance/balance.service.js';
import { listEvents } from '../events/events.service.js';
import { capturePaymentIntent, createPaymentIntent } from '../payment-intents/payment-intents.service.js';
import { createRefund, listRefunds, processPendingRefunds } from '../refunds/refunds.service.js';
import { cardFee } from '../../../shared/contracts/balance.js';
import type { Actor } from '../shared/deps.js';
import { advanceTestPayouts, createPayout, getPayout, isPayoutDay, listPayouts, nextPayoutDay, runAutomaticPayouts, TEST_PAYOUT_FAILURE_METADATA } from './payouts.service.js';

let t: TestDatabase;
const DAY_MS = 86_400_000;
const later = () => new Date(Date.now() + 40 * DAY_MS);

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

async function newActor(): Promise<Actor> {
  return { merchantId: (await createTestMerchant(t.db)).merchant.id, livemode: false };
}
const pay = (a: Actor, amount: number, currency = 'usd', pm = 'pm_card_visa', extra: Record<string, unknown> = {}) =>
  createPaymentIntent(t.deps, a, { amount, currency, confirm: true, payment_method: pm, ...extra });
const fail = (p: Promise<unknown>) => p.then(() => null, (e: PaymentError) => e);
const total = (list: { currency: string; amount: number }[], currency: string) => list.find((x) => x.currency === currency)?.amount ?? 0;

async function allTransactions(a: Actor) {
  const { rows } = await sql<{ id: string; type: string; net: number; currency: string; status: string; payout_id: string | null }>`
    select id, type, net, currency, status, payout_id from balance_transactions where merchant_id = ${a.merchantId} and livemode = ${a.livemode}`.execute(t.db);
  return rows.map((r) => ({ ...r, net: Number(r.net) }));
}

/** The ledger's invariants for one merchant: what the property test checks after every random history. */
async function checkLedger(a: Actor) {
  const txns = await allTransactions(a);
  const balance = await getBalance(t.deps, a);
  const currencies = new Set([...txns.map((x) => x.currency), ...balance.available.map((b) => b.currency)]);
  for (const currency of currencies) {
    const sum = txns.filter((x) => x.currency === currency).reduce((s, x) => s + x.net, 0);
    expect(total(balance.available, currency) + total(balance.pending, currency)).toBe(sum);
    const unsettled = txns.filter((x) => x.currency === currency && x.status === 'available' && x.payout_id === null).reduce((s, x) => s + x.net, 0);
    expect(unsettled).toBe(total(balance.available, currency));
  }
  const history = await sumBalanceHistory(t.db, a);
  for (const h of history) expect(total(h.status === 'available' ? balance.available : balance.pending, h.currency)).toBe(Number(h.amount));
  const payouts = await listPayouts(t.deps, a, { limit: 100 });
  for (const p of payouts.data) {
    // Every payout has its own transaction, minus its amount.
    expect(txns.filter((x) => x.id === p.balance_transaction).map((x) => x.net)).toEqual([-p.amount]);
    if (p.reconciliation_status === 'not_applicable') {
      // A partial manual payout settles nothing itself; its own transaction waits for an itemized payout.
      expect(txns.filter((x) => x.payout_id === p.id)).toEqual([]);
      continue;
    }
    const settled = txns.filter((x) => x.payout_id === p.id && x.id !== p.balance_transaction);
    expect(settled.reduce((s, x) => s + x.net, 0)).toBe(p.amount);
    expect(txns.filter((x) => x.payout_id === p.id && x.id === p.balance_transaction).map((x) => x.net)).toEqual([-p.amount]);
  }
}

describe('payouts', () => {
  it('a manual payout pays out the available balance and lists the transactions it settles', async () => {
    const a = await newActor();
    expect((await fail(createPayout(t.deps, a, { currency: 'usd' })))?.code).toBe('balance_insufficient');
    const p1 = await pay(a, 1000);
    const p2 = await pay(a, 3000);
    await createRefund(t.deps, a, { payment_intent: p1.id, amount: 500 });
    await releaseAvailableFunds(t.deps, { now: later() });
    const available = total((await getBalance(t.deps, a)).available, 'usd');
    expect(available).toBe(1000 - 59 + 3000 - 117 - 500);
    expect(await fail(createPayout(t.deps, a, { currency: 'usd', amount: available + 1 }))).toMatchObject({ code: 'balance_insufficient', param: 'amount' });
    const payout = await createPayout(t.deps, a, { currency: 'usd', amount: available, description: 'Weekly' });
    expect(payout).toMatchObject({ object: 'payout', amount: available, status: 'pending', automatic: false, currency: 'usd', description: 'Weekly' });
    expect(total((await getBalance(t.deps, a)).available, 'usd')).toBe(0);
    const settled = await listBalanceTransactions(t.deps, a, { payout: payout.id, limit: 100 });
    expect(settled.data.map((x) => x.type).sort()).toEqual(['charge', 'charge', 'payout', 'refund']);
    expect(settled.data.filter((x) => x.type !== 'payout').map((x) => x.source)).toContain(p2.latest_charge);
    // The database keeps a settled transaction with its payout.
    const charge = settled.data.find((x) => x.type === 'charge')!;
    await expect(sql`update balance_transactions set payout_id = null where merchant_id = ${a.merchantId} and id = ${charge.id}`.execute(t.db)).rejects.toThrow(/already settled/);
    expect((await fail(createPayout(t.deps, a, { currency: 'usd' })))?.code).toBe('balance_insufficient');
    await checkLedger(a);
  });

  it('a partial manual payout takes only its amount, is not itemized, and the next whole payout settles it', async () => {
    const a = await newActor();
    await pay(a, 10_000, 'jpy');
    await pay(a, 4000, 'jpy');
    await releaseAvailableFunds(t.deps, { now: later() });
    const available = total((await getBalance(t.deps, a)).available, 'jpy');
    expect(available).toBe(10_000 - cardFee(10_000, 'jpy') + 4000 - cardFee(4000, 'jpy'));
    for (const amount of [0, -5, 1.5]) expect((await fail(createPayout(t.deps, a, { currency: 'jpy', amount })))?.param).toBe('amount');
    expect((await fail(createPayout(t.deps, a, { currency: 'xyz', amount: 100 })))?.param).toBe('currency');
    expect(await fail(createPayout(t.deps, a, { currency: 'eur', amount: 100 }))).toMatchObject({ code: 'balance_insufficient', param: 'amount' });
    const part = await createPayout(t.deps, a, { currency: 'jpy', amount: 5000 });
    expect(part).toMatchObject({ amount: 5000, currency: 'jpy', automatic: false, reconciliation_status: 'not_applicable' });
    expect(total((await getBalance(t.deps, a)).available, 'jpy')).toBe(available - 5000);
    expect((await listBalanceTransactions(t.deps, a, { payout: part.id })).data).toEqual([]);
    await checkLedger(a);
    // The rest, as one itemized payout: the two charges, and the partial payout's own transaction.
    const rest = await createPayout(t.deps, a, { currency: 'jpy' });
    expect(rest).toMatchObject({ amount: available - 5000, reconciliation_status: 'in_progress' });
    const settled = await listBalanceTransactions(t.deps, a, { payout: rest.id, limit: 100 });
    expect(settled.data.map((x) => x.source).sort()).toEqual(expect.arrayContaining([part.id]));
    expect(settled.data.filter((x) => x.id !== rest.balance_transaction).reduce((sum, x) => sum + x.net, 0)).toBe(rest.amount);
    await checkLedger(a);
  });

  it('parallel payouts never take more than the available balance', async () => {
    const a = await newActor();
    await pay(a, 10_000);
    await releaseAvailableFunds(t.deps, { now: later() });
    const available = total((await getBalance(t.deps, a)).available, 'usd');
    const share = Math.floor(available / 3) + 1; // three of these do not fit
    const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map(() => createPayout(t.deps, a, { currency: 'usd', amount: share })));
    const made = results.filter((r) => r.status === 'fulfilled');
    expect(made).toHaveLength(2);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as PaymentError).code).toBe('balance_insufficient');
    expect(total((await getBalance(t.deps, a)).available, 'usd')).toBe(available - 2 * share);
    // Whole-balance and partial payouts racing: the whole one takes what is left when it runs, no more.
    const mixed = await Promise.allSettled([createPayout(t.deps, a, { currency: 'usd' }), createPayout(t.deps, a, { currency: 'usd', amount: 1 })]);
    const taken = mixed.flatMap((r) => (r.status === 'fulfilled' ? [r.value.amount] : []));
    expect(taken.reduce((sum, x) => sum + x, 0)).toBe(available - 2 * share);
    expect(total((await getBalance(t.deps, a)).available, 'usd')).toBe(0);
    await checkLedger(a);
  });

  it('test mode: pending -> in_transit -> paid, and a failing payout returns its amount to the balance', async () => {
    const a = await newActor();
    await pay(a, 2000, 'eur');
    await releaseAvailableFunds(t.deps, { now: later() });
    const ok = await createPayout(t.deps, a, { currency: 'eur' });
    await advanceTestPayouts(t.deps);
    expect((await getPayout(t.deps, a, ok.id)).status).toBe('in_transit');
    await advanceTestPayouts(t.deps);
    expect((await getPayout(t.deps, a, ok.id)).status).toBe('paid');
    expect((await getPayout(t.deps, a, ok.id)).reconciliation_status).toBe('completed');

    await pay(a, 5000, 'eur');
    await releaseAvailableFunds(t.deps, { now: later() });
    const doomed = await createPayout(t.deps, a, { currency: 'eur', metadata: { [TEST_PAYOUT_FAILURE_METADATA.key]: TEST_PAYOUT_FAILURE_METADATA.value } });
    await advanceTestPayouts(t.deps);
    await advanceTestPayouts(t.deps);
    const failed = await getPayout(t.deps, a, doomed.id);
    expect(failed).toMatchObject({ status: 'failed', failure_code: 'account_closed' });
    expect(total((await getBalance(t.deps, a)).available, 'eur')).toBe(doomed.amount);
    const types = (await listEvents(t.deps, a, { type: 'payout.*', limit: 20 })).data.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['payout.created', 'payout.updated', 'payout.paid', 'payout.failed']));
    // The returned amount is paid out again by the next payout.
    const again = await createPayout(t.deps, a, { currency: 'eur' });
    expect(again.amount).toBe(doomed.amount);
    await checkLedger(a);
  });

  it('automatic payouts follow the schedule, once a day', async () => {
    const daily = await newActor();
    const manual = await newActor();
    await updateBalanceSettings(t.deps, manual, { fee_percent_bps: 290, fee_fixed: 30, payout_interval: 'manual', payout_weekly_anchor: 'monday', payout_monthly_anchor: 1, payout_delay_days: 0 });
    await pay(daily, 1500);
    await pay(manual, 1500);
    await releaseAvailableFunds(t.deps, { now: later() });
    await runAutomaticPayouts(t.deps);
    await runAutomaticPayouts(t.deps);
    const dailyPayouts = await listPayouts(t.deps, daily);
    expect(dailyPayouts.data).toHaveLength(1);
    expect(dailyPayouts.data[0]).toMatchObject({ automatic: true, amount: 1500 - 74 });
    expect((await listPayouts(t.deps, manual)).data).toHaveLength(0);
  });

  it('schedule days: weekly on its weekday, monthly on its date or the month\'s last day', () => {
    const weekly = { payout_interval: 'weekly', payout_weekly_anchor: 'friday', payout_monthly_anchor: 1 } as const;
    expect(isPayoutDay(weekly, new Date('2026-12-04T10:00:00Z'))).toBe(true); // a Friday
    expect(isPayoutDay(weekly, new Date('2026-12-03T10:00:00Z'))).toBe(false);
    const monthly = { payout_interval: 'monthly', payout_weekly_anchor: 'monday', payout_monthly_anchor: 31 } as const;
    expect(nextPayoutDay(monthly, new Date('2027-02-10T00:00:00Z'))?.toISOString()).toBe('2027-02-28T00:00:00.000Z');
    expect(nextPayoutDay({ ...monthly, payout_interval: 'manual' }, new Date())).toBeNull();
  });
});

type Op =
  | { kind: 'charge'; amount: number; currency: 'usd' | 'jpy' | 'kwd'; card: 'ok' | 'decline' | 'manual' | 'refundFail' }
  | { kind: 'refund'; index: number; share: number }
  | { kind: 'release' }
  | { kind: 'payout'; currency: 'usd' | 'jpy' | 'kwd'; failing: boolean; share: number | null }
  | { kind: 'advance' }
  | { kind: 'settleRefunds' };

const currency = fc.constantFrom('usd' as const, 'jpy' as const, 'kwd' as const);
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('charge' as const), amount: fc.integer({ min: 500, max: 500_000 }), currency, card: fc.constantFrom('ok' as const, 'ok' as const, 'decline' as const, 'manual' as const, 'refundFail' as const) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('refund' as const), index: fc.nat(), share: fc.integer({ min: 1, max: 100 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('release' as const) }), weight: 1 },
  // share: a partial manual payout of that percentage of the available balance (null: the whole balance).
  { arbitrary: fc.record({ kind: fc.constant('payout' as const), currency, failing: fc.boolean(), share: fc.option(fc.integer({ min: 1, max: 120 }), { nil: null }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('advance' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('settleRefunds' as const) }), weight: 1 },
);

describe('the ledger under random histories (property)', () => {
  it('sum of balance transactions = available + pending per currency; each payout = the sum it settles; none settled twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), fc.integer({ min: 0, max: 3 }), async (ops, delayDays) => {
        const a = await newActor();
        await updateBalanceSettings(t.deps, a, { fee_percent_bps: 290, fee_fixed: 30, payout_interval: 'manual', payout_weekly_anchor: 'monday', payout_monthly_anchor: 1, payout_delay_days: delayDays });
        const paid: string[] = [];
        // The model: what each currency's balance must be, from what the test itself did.
        const captured: { currency: string; amount: number }[] = [];
        for (const o of ops) {
          if (o.kind === 'charge') {
            const pm = o.card === 'decline' ? 'pm_card_chargeDeclined' : o.card === 'refundFail' ? 'pm_card_refundFail' : 'pm_card_visa';
            const amount = o.currency === 'kwd' ? o.amount * 10 : o.amount;
            const pi = await pay(a, amount, o.currency, pm, o.card === 'manual' ? { capture_method: 'manual' } : {}).catch(() => null);
            if (pi && o.card === 'manual') {
              const part = Math.max(pi.amount - 100, 500);
              await capturePaymentIntent(t.deps, a, pi.id, { amount_to_capture: part });
              captured.push({ currency: o.currency, amount: part });
            } else if (pi) captured.push({ currency: o.currency, amount });
            if (pi) paid.push(pi.id);
          } else if (o.kind === 'refund' && paid.length) {
            const id = paid[o.index % paid.length];
            await createRefund(t.deps, a, { payment_intent: id, amount: o.share * 5 }).catch((e: PaymentError) => expect(e.code).toMatch(/refund_exceeds_amount|charge_already_refunded/));
          } else if (o.kind === 'release') {
            await releaseAvailableFunds(t.deps, { now: later() });
          } else if (o.kind === 'payout') {
            const metadata: Record<string, string> = o.failing ? { [TEST_PAYOUT_FAILURE_METADATA.key]: TEST_PAYOUT_FAILURE_METADATA.value } : {};
            const available = total((await getBalance(t.deps, a)).available, o.currency);
            const amount = o.share === null ? undefined : Math.max(1, Math.floor((available * o.share) / 100));
            await createPayout(t.deps, a, { currency: o.currency, metadata, ...(amount === undefined ? {} : { amount }) }).catch((e: PaymentError) => expect(e.code).toBe('balance_insufficient'));
          } else if (o.kind === 'advance') {
            await advanceTestPayouts(t.deps);
          } else if (o.kind === 'settleRefunds') {
            await processPendingRefunds(t.deps, { olderThanMs: -60_000 });
          }
        }
        await checkLedger(a);
        const refunds = (await listRefunds(t.deps, a, { limit: 100 })).data.filter((r) => r.status !== 'failed');
        const payouts = (await listPayouts(t.deps, a, { limit: 100 })).data.filter((p) => p.status !== 'failed');
        const balance = await getBalance(t.deps, a);
        for (const c of ['usd', 'jpy', 'kwd']) {
          const expected =
            captured.filter((x) => x.currency === c).reduce((s, x) => s + x.amount - cardFee(x.amount, c), 0) -
            refunds.filter((r) => r.currency === c).reduce((s, r) => s + r.amount, 0) -
            payouts.filter((p) => p.currency === c).reduce((s, p) => s + p.amount, 0);
          expect(total(balance.available, c) + total(balance.pending, c)).toBe(expected);
        }
      }),
      { numRuns: 12 },
    );
  });
});
