import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardFee } from '../../../shared/contracts/balance.js';
import { PaymentError } from '../../../shared/errors.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { getCharge, listCharges } from '../charges/charges.service.js';
import { listEvents } from '../events/events.service.js';
import { capturePaymentIntent, createPaymentIntent, getPaymentIntent } from '../payment-intents/payment-intents.service.js';
import { completeThreeDSecure } from '../payment-intents/three-d-secure.service.js';
import { createRefund, processPendingRefunds } from '../refunds/refunds.service.js';
import type { Actor } from '../shared/deps.js';
import { computeCardFeeInSql, sumBalanceHistory } from './balance.repository.js';
import { getBalance, getBalanceTransaction, listBalanceTransactions, lockAvailableBalance, releaseAvailableFunds, updateBalanceSettings } from './balance.service.js';

let t: TestDatabase;
let actor: Actor;
const DAY = 86_400;

beforeAll(async () => {
  t = await createTestDatabase();
  actor = { merchantId: (await createTestMerchant(t.db)).merchant.id, livemode: false };
});
afterAll(async () => t?.drop());

async function newActor(): Promise<Actor> {
  return { merchantId: (await createTestMerchant(t.db)).merchant.id, livemode: false };
}
const pay = (a: Actor, amount: number, currency = 'usd', pm = 'pm_card_visa', extra: Record<string, unknown> = {}) =>
  createPaymentIntent(t.deps, a, { amount, currency, confirm: true, payment_method: pm, ...extra });
const fail = (p: Promise<unknown>) => p.then(() => null, (e: PaymentError) => e);
const total = (list: { currency: string; amount: number }[], currency: string) => list.find((x) => x.currency === currency)?.amount ?? 0;

describe('charges', () => {
  it('a successful confirmation makes a captured charge with its fee as a pending balance transaction (2.9 % + 30)', async () => {
    const a = await newActor();
    const pi = await pay(a, 1000);
    expect(pi.latest_charge).toMatch(/^ch_/);
    const charge = await getCharge(t.deps, a, pi.latest_charge!);
    expect(charge).toMatchObject({
      object: 'charge', amount: 1000, amount_captured: 1000, amount_refunded: 0, captured: true, paid: true, refunded: false,
      status: 'succeeded', payment_intent: pi.id, currency: 'usd', outcome: { type: 'authorized', network_status: 'approved_by_network' },
      payment_method_details: { type: 'card', card: { brand: 'visa', last4: '4242' } },
    });
    const txn = await getBalanceTransaction(t.deps, a, charge.balance_transaction!);
    expect(txn).toMatchObject({ type: 'charge', reporting_category: 'charge', amount: 1000, fee: 59, net: 941, status: 'pending', source: charge.id, currency: 'usd' });
    expect(txn.fee_details).toEqual([{ amount: 59, application: null, currency: 'usd', description: 'PaymentFlow processing fees', type: 'stripe_fee' }]);
    expect(txn.available_on - txn.created).toBe(2 * DAY);
    const balance = await getBalance(t.deps, a);
    expect(total(balance.pending, 'usd')).toBe(941);
    expect(total(balance.available, 'usd')).toBe(0);
  });

  it('a decline is a failed charge with its code and outcome, and moves no money', async () => {
    const a = await newActor();
    const error = await fail(pay(a, 2000, 'usd', 'pm_card_chargeDeclinedInsufficientFunds'));
    const pi = error!.extra!.payment_intent as { id: string; latest_charge: string };
    const charge = await getCharge(t.deps, a, pi.latest_charge);
    expect(charge).toMatchObject({ status: 'failed', paid: false, captured: false, amount_captured: 0, balance_transaction: null, failure_code: 'card_declined', outcome: { type: 'issuer_declined', reason: 'insufficient_funds' } });
    const retried = await createPaymentIntent(t.deps, a, { amount: 2000, currency: 'usd' });
    expect(retried.latest_charge).toBeNull();
    expect((await getBalance(t.deps, a)).pending).toEqual([]);
  });

  it('lists by payment_intent and customer; one charge per attempt', async () => {
    const a = await newActor();
    const pi = await createPaymentIntent(t.deps, a, { amount: 1500, currency: 'eur' });
    const { confirmPaymentIntent } = await import('../payment-intents/payment-intents.service.js');
    await fail(confirmPaymentIntent(t.deps, a, pi.id, { payment_method: 'pm_card_chargeDeclined' }));
    const ok = await confirmPaymentIntent(t.deps, a, pi.id, { payment_method: 'pm_card_visa' });
    const list = await listCharges(t.deps, a, { payment_intent: pi.id });
    expect(list.data.map((c) => c.status)).toEqual(['succeeded', 'failed']);
    expect(list.data[0].id).toBe(ok.latest_charge);
    expect((await listCharges(t.deps, a, { customer: 'cus_none' })).data).toEqual([]);
  });

  it('manual capture writes the balance transaction at capture, for the captured amount', async () => {
    const a = await newActor();
    const pi = await pay(a, 5000, 'usd', 'pm_card_visa', { capture_method: 'manual' });
    const authorized = await getCharge(t.deps, a, pi.latest_charge!);
    expect(authorized).toMatchObject({ status: 'succeeded', captured: false, amount_captured: 0, balance_transaction: null });
    await capturePaymentIntent(t.deps, a, pi.id, { amount_to_capture: 4000 });
    const captured = await getCharge(t.deps, a, pi.latest_charge!);
    expect(captured).toMatchObject({ captured: true, amount_captured: 4000 });
    const txn = await getBalanceTransaction(t.deps, a, captured.balance_transaction!);
    expect(txn).toMatchObject({ amount: 4000, fee: cardFee(4000, 'usd'), net: 4000 - cardFee(4000, 'usd') });
  });

  it('3-D Secure: the charge appears when the challenge completes', async () => {
    const a = await newActor();
    const pi = await createPaymentIntent(t.deps, a, { amount: 2500, currency: 'usd', confirm: true, payment_method_data: { type: 'card', card: { number: '4000002500003155', exp_month: 12, exp_year: 2040, cvc: '123' } } });
    expect(pi.latest_charge).toBeNull();
    const done = await completeThreeDSecure(t.deps, pi.id, pi.client_secret, 'complete');
    const charge = await getCharge(t.deps, a, done.latest_charge!);
    expect(charge).toMatchObject({ status: 'succeeded', payment_method_details: { card: { three_d_secure: { result: 'authenticated' } } } });
    expect(total((await getBalance(t.deps, a)).pending, 'usd')).toBe(2500 - cardFee(2500, 'usd'));
  });
});

describe('fees', () => {
  it('zero- and three-decimal currencies, and a merchant schedule from Settings', async () => {
    const a = await newActor();
    const jpy = await pay(a, 1234, 'jpy');
    const kwd = await pay(a, 12_340, 'kwd');
    const fee = async (pi: { latest_charge: string | null }) => (await getBalanceTransaction(t.deps, a, (await getCharge(t.deps, a, pi.latest_charge!)).balance_transaction!)).fee;
    expect(await fee(jpy)).toBe(66);
    expect(await fee(kwd)).toBe(390);
    await updateBalanceSettings(t.deps, a, { fee_percent_bps: 150, fee_fixed: 10, payout_interval: 'manual', payout_weekly_anchor: 'monday', payout_monthly_anchor: 1, payout_delay_days: 0 });
    const custom = await pay(a, 1000);
    const charge = await getCharge(t.deps, a, custom.latest_charge!);
    const txn = await getBalanceTransaction(t.deps, a, charge.balance_transaction!);
    expect(txn).toMatchObject({ fee: 25, net: 975, status: 'available' });
    expect(total((await getBalance(t.deps, a)).available, 'usd')).toBe(975);
  });

  it('the SQL fee of the confirmation statement agrees with cardFee on random amounts', async () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const cases = Array.from({ length: 120 }, (_, i) => {
      const currency = ['usd', 'jpy', 'kwd'][i % 3];
      return { amount: Math.floor(rand() * 99_999_999) + 1, bps: Math.floor(rand() * 1000), fixed: Math.floor(rand() * 100), currency };
    });
    const sqlFees = await computeCardFeeInSql(t.db, cases.map((c) => ({ ...c, exponent: c.currency === 'usd' ? 2 : c.currency === 'jpy' ? 0 : 3 })));
    expect(sqlFees).toEqual(cases.map((c) => cardFee(c.amount, c.currency, { percent_bps: c.bps, fixed: c.fixed })));
  });
});

describe('refunds and availability', () => {
  it('a refund takes its amount from the balance (fee kept), a failed refund gives it back', async () => {
    const a = await newActor();
    const pi = await pay(a, 10_000);
    const refund = await createRefund(t.deps, a, { payment_intent: pi.id, amount: 3000 });
    expect(refund.charge).toBe(pi.latest_charge);
    expect(await getBalanceTransaction(t.deps, a, refund.balance_transaction!)).toMatchObject({ type: 'refund', amount: -3000, fee: 0, net: -3000, status: 'available', source: refund.id });
    expect(await getCharge(t.deps, a, pi.latest_charge!)).toMatchObject({ amount_refunded: 3000, refunded: false });
    const announced = (await listEvents(t.deps, a, { type: 'charge.refunded' })).data[0];
    expect(announced.data).toMatchObject({ object: { id: pi.latest_charge, amount_refunded: 3000 }, previous_attributes: { amount_refunded: 0 } });
    let balance = await getBalance(t.deps, a);
    expect(total(balance.pending, 'usd')).toBe(10_000 - 320);
    expect(total(balance.available, 'usd')).toBe(-3000);

    const failing = await pay(a, 2000, 'usd', 'pm_card_refundFail');
    const doomed = await createRefund(t.deps, a, { payment_intent: failing.id });
    await processPendingRefunds(t.deps, { olderThanMs: -60_000 });
    const failedCharge = await getCharge(t.deps, a, failing.latest_charge!);
    expect(failedCharge.amount_refunded).toBe(0);
    const txns = await listBalanceTransactions(t.deps, a, { source: doomed.id });
    expect(txns.data.map((x) => [x.type, x.amount])).toEqual([['refund_failure', 2000], ['refund', -2000]]);
    balance = await getBalance(t.deps, a);
    expect(total(balance.available, 'usd')).toBe(-3000);
  });

  it('pending funds become available on available_on, with balance.available, and totals match the history', async () => {
    const a = await newActor();
    await pay(a, 1000);
    await pay(a, 2000, 'eur');
    expect(await releaseAvailableFunds(t.deps, { now: new Date() })).toBeGreaterThanOrEqual(0);
    expect(total((await getBalance(t.deps, a)).available, 'usd')).toBe(0);
    await releaseAvailableFunds(t.deps, { now: new Date(Date.now() + 2 * DAY * 1000 + 60_000), batchSize: 1 });
    const balance = await getBalance(t.deps, a);
    expect(balance.available).toEqual([
      { amount: 2000 - 88, currency: 'eur', source_types: { card: 1912 } },
      { amount: 941, currency: 'usd', source_types: { card: 941 } },
    ]);
    expect(balance.pending.every((p) => p.amount === 0)).toBe(true);
    const events = await listEvents(t.deps, a, { type: 'balance.available' });
    expect(events.data.length).toBeGreaterThan(0);
    expect(events.data[0].data.object).toMatchObject({ object: 'balance', livemode: false });
    const history = await sumBalanceHistory(t.db, a);
    expect(history.filter((h) => h.status === 'available').map((h) => [h.currency, Number(h.amount)])).toEqual([['eur', 1912], ['usd', 941]]);
    const txns = await listBalanceTransactions(t.deps, a, { type: 'charge', limit: 1 });
    expect(txns).toMatchObject({ object: 'list', has_more: true, url: '/v1/balance_transactions' });
    expect(txns.data[0].status).toBe('available');
  });

  it('parallel charges of one merchant add to several rows of its running total, which still sums to the history', async () => {
    const a = await newActor();
    await Promise.all(Array.from({ length: 12 }, (_, i) => pay(a, 1000 + i)));
    const { rows } = await sql<{ slots: number }>`
      select count(distinct slot)::int as slots from balance_totals
      where merchant_id = ${a.merchantId} and livemode = false and currency = 'usd' and status = 'pending'
    `.execute(t.db);
    // One row would make every confirmation of the merchant wait for the one before it to commit.
    expect(rows[0].slots).toBeGreaterThan(1);
    const history = await sumBalanceHistory(t.db, a);
    const expected = Array.from({ length: 12 }, (_, i) => 1000 + i - cardFee(1000 + i, 'usd')).reduce((x, y) => x + y, 0);
    expect(history.map((h) => [h.currency, h.status, Number(h.amount)])).toEqual([['usd', 'pending', expected]]);
    expect(total((await getBalance(t.deps, a)).pending, 'usd')).toBe(expected);
  });

  it('spreads a total over every slot the schema allows, and the payout lock covers them all', async () => {
    // The writer's slot count and the check constraint must agree: a writer on a slot the schema refuses
    // fails its payment; slots the writers never use leave connections sharing a row.
    const { rows: allowed } = await sql<{ def: string }>`select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'balance_totals_slot_check'`.execute(t.db);
    const max = Number(/slot <= (\d+)/.exec(allowed[0]!.def)![1]);
    const a = await newActor();
    const locked = await t.db.transaction().execute((tx) => lockAvailableBalance(tx, a, 'usd'));
    expect(locked).toBe(0);
    const { rows } = await sql<{ slots: number; top: number }>`
      select count(*)::int as slots, max(slot)::int as top from balance_totals
      where merchant_id = ${a.merchantId} and livemode = false and currency = 'usd' and status = 'available'
    `.execute(t.db);
    expect(rows[0]).toEqual({ slots: max + 1, top: max });
    expect(max).toBeGreaterThanOrEqual(63);
  });

  it('keeps the intent and its charge readable together', async () => {
    const pi = await pay(actor, 700);
    expect((await getPaymentIntent(t.deps, actor, pi.id)).latest_charge).toBe(pi.latest_charge);
  });
});
