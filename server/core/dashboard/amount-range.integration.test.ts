/**
 * Issue 8 item 7: "$100.00 – $150.00 (Amount in USD)" returned ¥10,190 and £115.99, because minor units
 * were compared across currencies. An amount range now names its currency and compares within it only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMOUNT_NEEDS_CURRENCY } from '../../../shared/contracts/dashboard.js';
import { callerFor, createPayment, type Caller } from '../../trpc/routers/payments.fixtures.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import type { Scope } from '../shared/deps.js';
import { findPayments } from './payments.service.js';
import { findRefunds } from './refunds.service.js';

let t: TestDatabase;
let scope: Scope;
let owner: Caller;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  scope = { merchantId: m.merchant.id, livemode: false };
  owner = await callerFor(t, m.user.id, m.merchant.id);
  ids.usd = await createPayment(t, scope.merchantId, { amount: 12_000, currency: 'usd' });
  ids.jpy = await createPayment(t, scope.merchantId, { amount: 10_190, currency: 'jpy' });
  ids.gbp = await createPayment(t, scope.merchantId, { amount: 11_599, currency: 'gbp' });
  ids.usdSmall = await createPayment(t, scope.merchantId, { amount: 5_000, currency: 'usd' });
});
afterAll(async () => { await t?.drop(); });

describe('amount range within one currency', () => {
  it('compares amounts only within the chosen currency', async () => {
    const usd = await findPayments(t.deps, scope, 'UTC', { currency: 'usd', amountMin: 10_000, amountMax: 15_000 });
    expect(usd.items.map((i) => i.id)).toEqual([ids.usd]);
    const jpy = await findPayments(t.deps, scope, 'UTC', { currency: 'JPY', amountMin: 10_000 });
    expect(jpy.items.map((i) => i.id)).toEqual([ids.jpy]);
    expect((await owner.payments.list({ currency: 'gbp', amountMax: 11_599 })).items.map((i) => i.id)).toEqual([ids.gbp]);
  });

  it('refuses an amount range without a currency, with a clear message on `currency`', async () => {
    await expect(findPayments(t.deps, scope, 'UTC', { amountMin: 10_000, amountMax: 15_000 })).rejects.toMatchObject({
      issues: [expect.objectContaining({ message: AMOUNT_NEEDS_CURRENCY, path: ['currency'] })],
    });
    await expect(findRefunds(t.deps, scope, 'UTC', { amountMax: 100 })).rejects.toMatchObject({
      issues: [expect.objectContaining({ message: AMOUNT_NEEDS_CURRENCY, path: ['currency'] })],
    });
    await expect(owner.payments.list({ amountMin: 100 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining(AMOUNT_NEEDS_CURRENCY) });
    await expect(owner.payments.list({ currency: 'usd', amountMin: 200, amountMax: 100 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('greater than the maximum') });
  });
});
