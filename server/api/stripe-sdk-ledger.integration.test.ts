import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseAvailableFunds } from '../core/balance/balance.service.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';
import { requiredProperties } from './stripe-declarations.js';
import { apiClient } from './test-client.js';

/**
 * Charges, balance, balance transactions and payouts read by the official stripe SDK (issue 11), and every
 * property its declarations say is always present.
 */

let database: TestDatabase;
let server: TestServer;
let stripe: Stripe;
let call: ReturnType<typeof apiClient>;

beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  database = await createTestDatabase();
  const merchant = await createTestMerchant(database.db);
  server = await startTestServer(database.deps);
  const port = Number(new URL(server.baseUrl).port);
  stripe = new Stripe(merchant.keys.test.secret, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
  call = apiClient(server.baseUrl, merchant.keys.test.secret);
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

function expectDeclared(object: unknown, file: string, name: string) {
  const missing = requiredProperties(file, name).filter((p) => !Object.prototype.hasOwnProperty.call(object, p));
  expect(missing, `${name}: properties the stripe SDK declares always present`).toEqual([]);
}

describe('the ledger through the official stripe SDK', () => {
  it('latest_charge (expanded with its balance transaction), charges.list/retrieve/search', async () => {
    const customer = await stripe.customers.create({ email: 'ledger@example.test' });
    const paid = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa', confirm: true, metadata: { order: 'L-1' } });
    const read = await stripe.paymentIntents.retrieve(paid.id, { expand: ['latest_charge.balance_transaction'] });
    const charge = read.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ object: 'charge', amount: 1000, amount_captured: 1000, captured: true, paid: true, status: 'succeeded', customer: customer.id, payment_intent: paid.id });
    expect(charge.outcome?.type).toBe('authorized');
    expect(charge.payment_method_details?.card?.last4).toBe('4242');
    const txn = charge.balance_transaction as Stripe.BalanceTransaction;
    expect(txn).toMatchObject({ object: 'balance_transaction', amount: 1000, fee: 59, net: 941, type: 'charge', reporting_category: 'charge', status: 'pending', source: charge.id });
    expect(txn.fee_details).toEqual([{ amount: 59, application: null, currency: 'usd', description: 'PaymentFlow processing fees', type: 'stripe_fee' }]);
    expectDeclared(charge, 'resources/Charges.d.ts', 'Charge');
    expectDeclared(txn, 'resources/BalanceTransactions.d.ts', 'BalanceTransaction');

    await stripe.paymentIntents.create({ amount: 800, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true }).catch(() => null);
    const listed = await stripe.charges.list({ customer: customer.id });
    expect(listed.data.map((c) => c.id)).toEqual([charge.id]);
    const byIntent = await stripe.charges.list({ payment_intent: paid.id, limit: 1 });
    expect(byIntent.data[0].id).toBe(charge.id);
    expect((await stripe.charges.retrieve(charge.id)).amount).toBe(1000);
    const failed = await stripe.charges.search({ query: 'status:"failed" AND amount:800' });
    expect(failed.data).toHaveLength(1);
    expect(failed.data[0]).toMatchObject({ status: 'failed', failure_code: 'card_declined', outcome: { type: 'issuer_declined' } });
    const byMetadata = await stripe.charges.search({ query: 'metadata["order"]:"L-1"' });
    expect(byMetadata.data.map((c) => c.id)).toEqual([charge.id]);
    const bad = await call('GET', '/charges/search', { params: { query: 'email:"x@y.z"' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('search_query_invalid');

    const refund = await stripe.refunds.create({ payment_intent: paid.id, amount: 300 }, { idempotencyKey: 'ledger-refund-1' });
    expect(refund.charge).toBe(charge.id);
    const refundTxn = await stripe.balanceTransactions.retrieve(refund.balance_transaction as string);
    expect(refundTxn).toMatchObject({ type: 'refund', amount: -300, fee: 0, net: -300, source: refund.id });
    expect((await stripe.charges.retrieve(charge.id)).amount_refunded).toBe(300);
  });

  it('balance.retrieve, balanceTransactions.list (filters), payouts create/list/retrieve', async () => {
    const before = await stripe.balance.retrieve();
    expectDeclared(before, 'resources/Balance.d.ts', 'Balance');
    expect(before.object).toBe('balance');
    const pendingUsd = before.pending.find((b) => b.currency === 'usd')!.amount;
    expect(pendingUsd).toBe(941);
    expect(before.available.find((b) => b.currency === 'usd')!.amount).toBe(-300);

    const charges = await stripe.balanceTransactions.list({ type: 'charge' });
    expect(charges.data.every((t) => t.type === 'charge')).toBe(true);
    const all = await stripe.balanceTransactions.list({ limit: 100 });
    const sum = all.data.filter((t) => t.currency === 'usd').reduce((s, t) => s + t.net, 0);
    expect(sum).toBe(941 - 300);

    await releaseAvailableFunds(database.deps, { now: new Date(Date.now() + 3 * 86_400_000) });
    const after = await stripe.balance.retrieve();
    expect(after.available.find((b) => b.currency === 'usd')!.amount).toBe(641);

    const tooMuch = await call('POST', '/payouts', { params: { amount: 700, currency: 'usd' } });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error).toMatchObject({ type: 'invalid_request_error', param: 'amount' });
    const payout = await stripe.payouts.create({ amount: 641, currency: 'usd' }, { idempotencyKey: 'ledger-payout-1' });
    expect(payout).toMatchObject({ object: 'payout', amount: 641, currency: 'usd', status: 'pending', automatic: false });
    expectDeclared(payout, 'resources/Payouts.d.ts', 'Payout');
    const replay = await stripe.payouts.create({ amount: 641, currency: 'usd' }, { idempotencyKey: 'ledger-payout-1' });
    expect(replay.id).toBe(payout.id);
    const list = await stripe.payouts.list();
    expect(list.data.map((p) => p.id)).toEqual([payout.id]);
    const settled = await stripe.balanceTransactions.list({ payout: payout.id, limit: 100 } as Stripe.BalanceTransactionListParams);
    expect(settled.data.map((t) => t.type).sort()).toEqual(['charge', 'payout', 'refund']);
    const expanded = await stripe.payouts.retrieve(payout.id, { expand: ['balance_transaction'] });
    expect((expanded.balance_transaction as Stripe.BalanceTransaction).amount).toBe(-641);
    const bySource = await call('GET', '/balance_transactions', { params: { source: payout.id, expand: ['data.source'] } });
    expect(bySource.body.data[0].source).toMatchObject({ object: 'payout', id: payout.id });
    expect((await stripe.balance.retrieve()).available.find((b) => b.currency === 'usd')!.amount).toBe(0);
    const missing = await call('GET', '/payouts/po_missing');
    expect(missing.status).toBe(404);
  });
});

describe('partial payouts through the official stripe SDK', () => {
  it('payouts.create with any amount up to the available balance; more is balance_insufficient; parallel requests never overdraw', async () => {
    const merchant = await createTestMerchant(database.db);
    const port = Number(new URL(server.baseUrl).port);
    const sdk = new Stripe(merchant.keys.test.secret, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
    await sdk.paymentIntents.create({ amount: 20_000, currency: 'eur', payment_method: 'pm_card_visa', confirm: true });
    await releaseAvailableFunds(database.deps, { now: new Date(Date.now() + 3 * 86_400_000) });
    const available = (await sdk.balance.retrieve()).available.find((b) => b.currency === 'eur')!.amount;
    expect(available).toBe(20_000 - 610);

    const part = await sdk.payouts.create({ amount: 5000, currency: 'eur' });
    expect(part).toMatchObject({ amount: 5000, currency: 'eur', reconciliation_status: 'not_applicable' });
    expectDeclared(part, 'resources/Payouts.d.ts', 'Payout');
    expect((await sdk.balance.retrieve()).available.find((b) => b.currency === 'eur')!.amount).toBe(available - 5000);
    await expect(sdk.payouts.create({ amount: available, currency: 'eur' })).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'balance_insufficient', param: 'amount' });
    await expect(sdk.payouts.create({ amount: 0, currency: 'eur' })).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'amount' });
    await expect(sdk.payouts.create({ amount: 100, currency: 'usd' })).rejects.toMatchObject({ code: 'balance_insufficient' });

    // Five requests of 4,000 race for 13,390: three fit.
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => sdk.payouts.create({ amount: 4000, currency: 'eur' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect((await sdk.balance.retrieve()).available.find((b) => b.currency === 'eur')!.amount).toBe(available - 5000 - 12_000);
  });
});
