import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../core/customers/customers.service.js';
import { createPaymentIntent } from '../../core/payment-intents/payment-intents.service.js';
import { createRefund } from '../../core/refunds/refunds.service.js';
import type { Actor } from '../../core/shared/deps.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { callerFor, memberCaller, type Caller } from './payments.fixtures.js';

let t: TestDatabase;
let owner: Caller;
let actor: Actor;
let merchantId: string;
let ownerEmail: string;
const refundIds: Record<string, string> = {};
let paymentId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  merchantId = m.merchant.id;
  ownerEmail = m.user.email;
  owner = await callerFor(t, m.user.id, merchantId);
  actor = { merchantId, livemode: false, userId: m.user.id };
  const customer = await createCustomer(t.deps, actor, { email: 'refunded@example.com' });
  const pi = await createPaymentIntent(t.deps, actor, { amount: 10_000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa', customer: customer.id });
  paymentId = pi.id;
  const eur = await createPaymentIntent(t.deps, actor, { amount: 3000, currency: 'eur', confirm: true, payment_method: 'pm_card_visa' });
  refundIds.small = (await createRefund(t.deps, actor, { payment_intent: pi.id, amount: 500, reason: 'duplicate', note: 'Charged twice' })).id;
  refundIds.big = (await createRefund(t.deps, actor, { payment_intent: pi.id, amount: 4000 })).id;
  refundIds.eur = (await createRefund(t.deps, { ...actor, userId: null }, { payment_intent: eur.id, amount: 3000 })).id;
  await t.db.updateTable('refunds').set({ status: 'succeeded' }).where('id', '=', refundIds.big).execute();
  await t.db.updateTable('refunds').set({ created_at: '2025-06-15T12:00:00Z' }).where('id', '=', refundIds.eur).execute();
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

const idsOf = (items: { id: string }[]) => items.map((i) => i.id).sort();

describe('refunds router', () => {
  it('lists refunds newest first with who issued them and the payer', async () => {
    const { items } = await owner.refunds.list({});
    expect(items.map((i) => i.id)).toEqual([refundIds.big, refundIds.small, refundIds.eur]);
    expect(items[1]).toMatchObject({ amount: 500, reason: 'duplicate', note: 'Charged twice', createdByEmail: ownerEmail, customerEmail: 'refunded@example.com', paymentIntentId: paymentId });
    expect(items[2]!.createdByEmail).toBeNull();
  });

  it('filters by status, amount, currency, dates and payment', async () => {
    expect(idsOf((await owner.refunds.list({ status: ['succeeded'] })).items)).toEqual([refundIds.big]);
    expect(idsOf((await owner.refunds.list({ status: ['pending', 'failed'] })).items)).toEqual(idsOf([{ id: refundIds.small! }, { id: refundIds.eur! }]));
    expect(idsOf((await owner.refunds.list({ amountMin: 1000, amountMax: 3000, currency: 'eur' })).items)).toEqual([refundIds.eur]);
    expect(idsOf((await owner.refunds.list({ currency: 'eur' })).items)).toEqual([refundIds.eur]);
    expect(idsOf((await owner.refunds.list({ from: '2025-06-15', to: '2025-06-16' })).items)).toEqual([refundIds.eur]);
    expect(idsOf((await owner.refunds.list({ to: '2025-06-15' })).items)).toEqual([]);
    expect(idsOf((await owner.refunds.list({ payment: paymentId })).items)).toEqual(idsOf([{ id: refundIds.small! }, { id: refundIds.big! }]));
  });

  it('searches by refund id, payment id, amount in a currency, payer email and the search language', async () => {
    // Another merchant's refund to a payer with the same email stays out of every answer.
    const other = await createTestMerchant(t.db);
    const otherActor: Actor = { merchantId: other.merchant.id, livemode: false, userId: other.user.id };
    const otherCustomer = await createCustomer(t.deps, otherActor, { email: 'refunded@example.com' });
    const otherPi = await createPaymentIntent(t.deps, otherActor, { amount: 900, currency: 'usd', confirm: true, payment_method: 'pm_card_visa', customer: otherCustomer.id });
    const otherRefund = (await createRefund(t.deps, otherActor, { payment_intent: otherPi.id, amount: 500 })).id;

    const search = async (q: string, extra: Record<string, unknown> = {}) => idsOf((await owner.refunds.list({ q, ...extra })).items);
    expect(await search(refundIds.small!)).toEqual([refundIds.small]);
    expect(await search(otherRefund)).toEqual([]);
    expect(await search(paymentId)).toEqual(idsOf([{ id: refundIds.small! }, { id: refundIds.big! }]));
    expect(await search('5.00', { currency: 'usd' })).toEqual([refundIds.small]);
    expect(await search('5', { currency: 'usd' })).toEqual([refundIds.small]);
    expect(await search('30', { currency: 'eur' })).toEqual([refundIds.eur]);
    expect(await search('30', { currency: 'usd' })).toEqual([]);
    expect(await search('refunded@example')).toEqual(idsOf([{ id: refundIds.small! }, { id: refundIds.big! }]));
    expect(await search('REFUNDED')).toEqual(idsOf([{ id: refundIds.small! }, { id: refundIds.big! }]));
    expect(await search('refunded@', { status: ['succeeded'] })).toEqual([refundIds.big]);
    expect(await search('status:"succeeded" OR currency:"eur"')).toEqual(idsOf([{ id: refundIds.big! }, { id: refundIds.eur! }]));
    expect(await search('nobody@nowhere.example')).toEqual([]);

    const tooShort = await errorOf(owner.refunds.list({ q: 'ab' }));
    expect(tooShort.code).toBe('BAD_REQUEST');
    expect(tooShort.message).toContain('at least 3 characters');
    expect((await errorOf(owner.refunds.list({ q: '5.001', currency: 'usd' }))).message).toContain('not an amount in USD');
    expect((await errorOf(owner.refunds.list({ q: '5.00' }))).message).toContain('Choose a currency');
    expect((await errorOf(owner.refunds.list({ q: 'status:"processing"' }))).code).toBe('BAD_REQUEST');
  });

  it('pages by amount in both directions', async () => {
    const first = await owner.refunds.list({ sort: 'amount', dir: 'asc', limit: 10 });
    expect(first.items.map((i) => i.amount)).toEqual([500, 3000, 4000]);
    expect(first.nextCursor).toBeNull();
    const desc = await owner.refunds.list({ sort: 'amount', dir: 'desc', limit: 10 });
    expect(desc.items.map((i) => i.amount)).toEqual([4000, 3000, 500]);
  });

  it('shows one refund with its payment, to every role', async () => {
    const { caller } = await memberCaller(t, merchantId, 'viewer');
    const detail = await caller.refunds.get({ id: refundIds.small! });
    expect(detail).toMatchObject({ refund: { id: refundIds.small, amount: 500 }, note: 'Charged twice', created_by: { email: ownerEmail } });
    expect(detail.payment).toMatchObject({ id: paymentId, displayStatus: 'partially_refunded', customerEmail: 'refunded@example.com' });
    expect((await errorOf(caller.refunds.get({ id: 're_missing00000000000000000' }))).code).toBe('NOT_FOUND');
  });
});
