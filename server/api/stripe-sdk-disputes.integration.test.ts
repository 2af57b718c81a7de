import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiredProperties } from './stripe-declarations.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';

/** The official stripe npm SDK, unmodified, against PaymentFlow: saved payment methods and disputes. */

let database: TestDatabase;
let server: TestServer;
let stripe: Stripe;

beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  process.env.RATE_LIMIT_LIVE = '10000';
  database = await createTestDatabase();
  const merchant = await createTestMerchant(database.db);
  server = await startTestServer(database.deps);
  const port = Number(new URL(server.baseUrl).port);
  stripe = new Stripe(merchant.keys.test.secret, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

describe('official stripe SDK: payment methods', () => {
  it('paymentMethods.create with raw card data, attach, list (both ways), pay, detach', async () => {
    const customer = await stripe.customers.create({ email: 'sdk.cards@example.test' });
    const created = await stripe.paymentMethods.create({
      type: 'card',
      card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' },
      billing_details: { name: 'SDK Buyer' },
    });
    expect(created).toMatchObject({ object: 'payment_method', type: 'card', customer: null, card: { brand: 'visa', last4: '4242' } });
    const attached = await stripe.paymentMethods.attach(created.id, { customer: customer.id });
    expect(attached.customer).toBe(customer.id);

    const listed = await stripe.paymentMethods.list({ customer: customer.id, type: 'card' });
    expect(listed.data.map((pm) => pm.id)).toEqual([created.id]);
    const viaCustomer = await stripe.customers.listPaymentMethods(customer.id, { type: 'card' });
    expect(viaCustomer.data.map((pm) => pm.id)).toEqual([created.id]);
    expect((await stripe.customers.retrievePaymentMethod(customer.id, created.id)).id).toBe(created.id);

    for (const amount of [1500, 2500]) {
      const paid = await stripe.paymentIntents.create({ amount, currency: 'usd', customer: customer.id, payment_method: created.id, confirm: true });
      expect(paid.status).toBe('succeeded');
    }
    const updated = await stripe.paymentMethods.update(created.id, { metadata: { label: 'work' } });
    expect(updated.metadata).toEqual({ label: 'work' });
    const detached = await stripe.paymentMethods.detach(created.id);
    expect(detached.customer).toBeNull();
    await expect(
      stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: created.id, confirm: true }),
    ).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'payment_method_unexpected_state' });
  });
});

function expectDeclared(object: object, name: string) {
  const missing = requiredProperties('resources/Disputes.d.ts', name).filter((p) => !Object.prototype.hasOwnProperty.call(object, p));
  expect(missing, `${name}: properties the stripe SDK declares always present`).toEqual([]);
}

describe('official stripe SDK: disputes', () => {
  it('a dispute test card is disputed; disputes.list, retrieve, update with evidence (staged, then winning), close', async () => {
    const paid = await stripe.paymentIntents.create({ amount: 4900, currency: 'usd', payment_method: 'pm_card_createDispute', confirm: true });
    expect(paid.status).toBe('succeeded');
    const listed = await stripe.disputes.list({ payment_intent: paid.id });
    expect(listed.data).toHaveLength(1);
    const dispute = listed.data[0]!;
    expect(dispute).toMatchObject({ object: 'dispute', amount: 4900, status: 'needs_response', reason: 'fraudulent', payment_intent: paid.id, charge: paid.latest_charge });
    expectDeclared(dispute, 'Dispute');
    expectDeclared(dispute.evidence, 'Dispute.Evidence');
    expectDeclared(dispute.evidence_details, 'Dispute.EvidenceDetails');
    expectDeclared(dispute.payment_method_details!.card!, 'Dispute.PaymentMethodDetails.Card');
    expect(dispute.evidence_details.due_by).toBeGreaterThan(Math.floor(Date.now() / 1000));

    const staged = await stripe.disputes.update(dispute.id, { evidence: { customer_name: 'SDK Buyer', product_description: 'A blue mug' }, submit: false, metadata: { ticket: 'T-1' } });
    expect(staged).toMatchObject({ status: 'needs_response', metadata: { ticket: 'T-1' }, evidence: { customer_name: 'SDK Buyer' }, evidence_details: { has_evidence: true, submission_count: 0 } });
    const won = await stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'winning_evidence' } });
    expect(won).toMatchObject({ status: 'won', evidence: { customer_name: 'SDK Buyer', uncategorized_text: 'winning_evidence' }, evidence_details: { submission_count: 1 } });
    expect(won.balance_transactions.map((b) => b.reporting_category)).toEqual(['dispute', 'dispute_reversal']);
    expect((await stripe.disputes.retrieve(dispute.id)).status).toBe('won');

    const other = await stripe.paymentIntents.create({ amount: 2100, currency: 'usd', payment_method: 'pm_card_createDisputeProductNotReceived', confirm: true });
    const [second] = (await stripe.disputes.list({ payment_intent: other.id })).data;
    const closed = await stripe.disputes.close(second!.id);
    expect(closed).toMatchObject({ status: 'lost', reason: 'product_not_received' });
    await expect(stripe.disputes.update(second!.id, { evidence: { customer_name: 'late' } })).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'dispute_unexpected_state' });
  });
});

describe('official stripe SDK: charge.disputed', () => {
  it('is false until a dispute exists on the charge, then true in retrieve, list, search and expanded latest_charge', async () => {
    const plain = await stripe.paymentIntents.create({ amount: 3100, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, expand: ['latest_charge'] });
    expect((plain.latest_charge as Stripe.Charge).disputed).toBe(false);
    const paid = await stripe.paymentIntents.create({ amount: 3200, currency: 'usd', payment_method: 'pm_card_createDispute', confirm: true, expand: ['latest_charge'] });
    const charge = paid.latest_charge as Stripe.Charge;
    expect(charge.disputed).toBe(true);
    expect((await stripe.disputes.list({ payment_intent: paid.id })).data[0]!.charge).toBe(charge.id);
    expect((await stripe.charges.retrieve(charge.id)).disputed).toBe(true);
    expect((await stripe.charges.retrieve((plain.latest_charge as Stripe.Charge).id)).disputed).toBe(false);
    const listed = await stripe.charges.list({ payment_intent: paid.id });
    expect(listed.data.map((c) => c.disputed)).toEqual([true]);
    const retrieved = await stripe.paymentIntents.retrieve(paid.id, { expand: ['latest_charge'] });
    expect((retrieved.latest_charge as Stripe.Charge).disputed).toBe(true);
    const found = await stripe.charges.search({ query: `disputed:"true" AND payment_intent:"${paid.id}"` });
    expect(found.data.map((c) => c.id)).toEqual([charge.id]);
    const notDisputed = await stripe.charges.search({ query: `disputed:"false" AND payment_intent:"${plain.id}"` });
    expect(notDisputed.data).toHaveLength(1);
    expect((await stripe.charges.search({ query: `disputed:"true" AND payment_intent:"${plain.id}"` })).data).toEqual([]);
  });
});
