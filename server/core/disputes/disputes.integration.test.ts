import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentError } from '../../../shared/errors.js';
import { apiClient } from '../../api/test-client.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../../test/db.js';
import { getBalance, listBalanceTransactions } from '../balance/balance.service.js';
import { createPaymentIntent } from '../payment-intents/payment-intents.service.js';
import { createRefund } from '../refunds/refunds.service.js';
import type { Actor } from '../shared/deps.js';
import { DISPUTE_RESPONSE_DAYS, disputeFee, openDispute, uploadEvidenceFile } from './disputes.service.js';

let t: TestDatabase;
let server: TestServer;
let actor: Actor;
let call: ReturnType<typeof apiClient>;

beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  t = await createTestDatabase();
  server = await startTestServer(t.deps);
  const m = await createTestMerchant(t.db);
  actor = { merchantId: m.merchant.id, livemode: false, userId: m.user.id, requestId: 'req_test', idempotencyKey: null };
  call = apiClient(server.baseUrl, m.keys.test.secret);
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

async function ok(method: string, path: string, params?: Record<string, unknown>) {
  const response = await call(method, path, params ? { params } : {});
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

const paid = async (amount = 5000, currency = 'usd') => {
  const intent = await createPaymentIntent(t.deps, actor, { amount, currency, confirm: true, payment_method: 'pm_card_visa' } as Parameters<typeof createPaymentIntent>[2]);
  expect(intent.status).toBe('succeeded');
  return intent;
};

async function eventsFor(id: string) {
  const list = await ok('GET', '/events', { limit: 100 });
  return list.data.filter((e: { data: { object: { id: string } } }) => e.data.object.id === id).map((e: { type: string }) => e.type).reverse();
}

describe('opening a dispute', () => {
  it('a chargeback takes what was received, due in a week, with its events', async () => {
    const intent = await paid(5000);
    const before = Date.now();
    const dispute = (await openDispute(t.deps, actor, { paymentIntentId: intent.id, reason: 'product_not_received', networkReasonCode: '13.1' }))!;
    expect(dispute).toMatchObject({
      object: 'dispute',
      amount: 5000,
      currency: 'usd',
      payment_intent: intent.id,
      reason: 'product_not_received',
      status: 'needs_response',
      is_charge_refundable: false,
      evidence_details: { has_evidence: false, past_due: false, submission_count: 0 },
      payment_method_details: { type: 'card', card: { brand: 'visa', case_type: 'chargeback', network_reason_code: '13.1' } },
    });
    expect(dispute.id).toMatch(/^dp_/);
    const due = dispute.evidence_details.due_by! * 1000;
    expect(due).toBeGreaterThanOrEqual(before + DISPUTE_RESPONSE_DAYS * 86_400_000 - 1000);
    expect(due).toBeLessThanOrEqual(Date.now() + DISPUTE_RESPONSE_DAYS * 86_400_000);
    expect(await eventsFor(dispute.id)).toEqual(['charge.dispute.created', 'charge.dispute.funds_withdrawn']);
    // One dispute per payment: opening again returns it.
    expect((await openDispute(t.deps, actor, { paymentIntentId: intent.id, reason: 'fraudulent' }))!.id).toBe(dispute.id);
    // A chargeback blocks refunds.
    const refund = await call('POST', '/refunds', { params: { payment_intent: intent.id } });
    expect(refund.status).toBe(400);
    expect(refund.body.error).toMatchObject({ code: 'charge_disputed', param: 'payment_intent' });
  });

  it('an inquiry moves no money and leaves the payment refundable', async () => {
    const intent = await paid(2500);
    const dispute = (await openDispute(t.deps, actor, { paymentIntentId: intent.id, reason: 'fraudulent', inquiry: true }))!;
    expect(dispute).toMatchObject({ status: 'warning_needs_response', is_charge_refundable: true, payment_method_details: { card: { case_type: 'inquiry' } } });
    expect(await eventsFor(dispute.id)).toEqual(['charge.dispute.created']);
    expect((await ok('POST', '/refunds', { payment_intent: intent.id, amount: 500 })).status).toBe('pending');
    const closed = await ok('POST', `/disputes/${dispute.id}/close`);
    expect(closed.status).toBe('warning_closed');
  });

  it('a partly refunded payment is disputed for what is left; a fully refunded one not at all', async () => {
    const intent = await paid(4000);
    await createRefund(t.deps, actor, { payment_intent: intent.id, amount: 1500 });
    expect((await openDispute(t.deps, actor, { paymentIntentId: intent.id, reason: 'duplicate' }))!.amount).toBe(2500);
    const refunded = await paid(3000);
    await createRefund(t.deps, actor, { payment_intent: refunded.id });
    expect(await openDispute(t.deps, actor, { paymentIntentId: refunded.id, reason: 'duplicate' })).toBeNull();
  });

  it('charges the dispute fee in the currency’s own minor units', () => {
    expect(disputeFee('usd')).toBe(1500);
    expect(disputeFee('jpy')).toBe(15);
    expect(disputeFee('kwd')).toBe(15000);
  });
});

describe('the balance', () => {
  const balanceOf = async () => {
    const b = await getBalance(t.deps, actor);
    const sum = (list: { currency: string; amount: number }[]) => list.filter((x) => x.currency === 'eur').reduce((a, x) => a + x.amount, 0);
    return sum(b.available) + sum(b.pending);
  };

  it('a chargeback withdraws amount and fee in one balance transaction; winning puts both back', async () => {
    const start = await balanceOf();
    const intent = await paid(10_000, 'eur');
    const afterCharge = await balanceOf();
    const dispute = (await openDispute(t.deps, actor, { paymentIntentId: intent.id, reason: 'fraudulent' }))!;
    expect(dispute.charge).toMatch(/^ch_/);
    expect(dispute.balance_transactions).toEqual([
      expect.objectContaining({ object: 'balance_transaction', type: 'adjustment', reporting_category: 'dispute', amount: -10_000, fee: 1500, net: -11_500, currency: 'eur', source: dispute.id }),
    ]);
    expect(await balanceOf()).toBe(afterCharge - 11_500);
    const won = await ok('POST', `/disputes/${dispute.id}`, { evidence: { uncategorized_text: 'winning_evidence' } });
    expect(won.balance_transactions.map((b: { reporting_category: string; net: number }) => [b.reporting_category, b.net])).toEqual([
      ['dispute', -11_500],
      ['dispute_reversal', 11_500],
    ]);
    expect(await balanceOf()).toBe(afterCharge);
    expect(afterCharge).toBeGreaterThan(start);
    const listed = await listBalanceTransactions(t.deps, actor, { source: dispute.id });
    expect(listed.data).toHaveLength(2);
  });

  it('a lost or accepted chargeback keeps the money withdrawn; an inquiry never moves any', async () => {
    const lost = await paid(2000, 'eur');
    const before = await balanceOf();
    const dispute = (await openDispute(t.deps, actor, { paymentIntentId: lost.id, reason: 'fraudulent' }))!;
    await ok('POST', `/disputes/${dispute.id}/close`);
    expect(await balanceOf()).toBe(before - 2000 - 1500);
    const inquiry = await paid(3000, 'eur');
    const beforeInquiry = await balanceOf();
    const opened = (await openDispute(t.deps, actor, { paymentIntentId: inquiry.id, reason: 'fraudulent', inquiry: true }))!;
    expect(opened.balance_transactions).toEqual([]);
    await ok('POST', `/disputes/${opened.id}/close`);
    expect(await balanceOf()).toBe(beforeInquiry);
  });
});

describe('dispute test cards', () => {
  it('4000 0000 0000 0259 succeeds, then a fraudulent chargeback opens; 2685 product not received; 1976 an inquiry', async () => {
    const cases = [
      { number: '4000000000000259', reason: 'fraudulent', status: 'needs_response' },
      { number: '4000000000002685', reason: 'product_not_received', status: 'needs_response' },
      { number: '4000000000001976', reason: 'fraudulent', status: 'warning_needs_response' },
    ];
    for (const c of cases) {
      const intent = await ok('POST', '/payment_intents', { amount: 2500, currency: 'usd', confirm: true, payment_method_data: { type: 'card', card: { number: c.number, exp_month: 12, exp_year: 2040, cvc: '123' } } });
      expect(intent.status).toBe('succeeded');
      const list = await ok('GET', '/disputes', { payment_intent: intent.id });
      expect(list.data).toHaveLength(1);
      expect(list.data[0]).toMatchObject({ reason: c.reason, status: c.status, amount: 2500, charge: intent.latest_charge });
    }
    // Through confirm, with the pm_card_* id, and after a manual capture.
    const later = await ok('POST', '/payment_intents', { amount: 1800, currency: 'usd' });
    await ok('POST', `/payment_intents/${later.id}/confirm`, { payment_method: 'pm_card_createDispute' });
    expect((await ok('GET', '/disputes', { payment_intent: later.id })).data).toHaveLength(1);
    const manual = await ok('POST', '/payment_intents', { amount: 1900, currency: 'usd', capture_method: 'manual', confirm: true, payment_method: 'pm_card_createDisputeProductNotReceived' });
    expect(manual.status).toBe('requires_capture');
    expect((await ok('GET', '/disputes', { payment_intent: manual.id })).data).toHaveLength(0);
    await ok('POST', `/payment_intents/${manual.id}/capture`);
    expect((await ok('GET', '/disputes', { payment_intent: manual.id })).data[0]).toMatchObject({ reason: 'product_not_received', amount: 1900 });
    // An ordinary card is never disputed.
    const plain = await ok('POST', '/payment_intents', { amount: 1000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    expect((await ok('GET', '/disputes', { payment_intent: plain.id })).data).toHaveLength(0);
  });
});

describe('/v1/disputes', () => {
  it('stages evidence, then winning_evidence submitted wins it (updated, closed, funds reinstated)', async () => {
    const intent = await paid(7000);
    const dispute = (await openDispute(t.deps, actor, { paymentIntentId: intent.id, reason: 'fraudulent' }))!;
    const staged = await ok('POST', `/disputes/${dispute.id}`, { evidence: { customer_name: 'Jane Doe', product_description: 'Blue mug' }, submit: false, metadata: { case: '42' } });
    expect(staged).toMatchObject({ status: 'needs_response', metadata: { case: '42' }, evidence: { customer_name: 'Jane Doe', product_description: 'Blue mug', receipt: null }, evidence_details: { has_evidence: true, submission_count: 0 } });
    const won = await ok('POST', `/disputes/${dispute.id}`, { evidence: { uncategorized_text: 'winning_evidence', product_description: '' } });
    expect(won).toMatchObject({ status: 'won', evidence: { customer_name: 'Jane Doe', product_description: null, uncategorized_text: 'winning_evidence' }, evidence_details: { submission_count: 1 } });
    expect(await eventsFor(dispute.id)).toEqual([
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
      'charge.dispute.updated',
      'charge.dispute.updated',
      'charge.dispute.closed',
      'charge.dispute.funds_reinstated',
    ]);
    const refused = await call('POST', `/disputes/${dispute.id}`, { params: { evidence: { customer_name: 'x' } } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'dispute_unexpected_state', message: expect.stringMatching(/already closed/) });
    // Metadata may still change.
    expect((await ok('POST', `/disputes/${dispute.id}`, { metadata: { case: '43' } })).metadata).toEqual({ case: '43' });
    // Won back: the payment may be refunded again.
    expect((await ok('POST', '/refunds', { payment_intent: intent.id, amount: 100 })).status).toBe('pending');
  });

  it('losing_evidence loses; plain evidence goes under review and cannot be accepted or changed then', async () => {
    const lose = (await openDispute(t.deps, actor, { paymentIntentId: (await paid()).id, reason: 'fraudulent' }))!;
    expect((await ok('POST', `/disputes/${lose.id}`, { evidence: { uncategorized_text: 'losing_evidence' } })).status).toBe('lost');
    const review = (await openDispute(t.deps, actor, { paymentIntentId: (await paid()).id, reason: 'general' }))!;
    expect((await ok('POST', `/disputes/${review.id}`, { evidence: { uncategorized_text: 'We shipped it.' } })).status).toBe('under_review');
    const close = await call('POST', `/disputes/${review.id}/close`);
    expect(close.body.error).toMatchObject({ code: 'dispute_unexpected_state', message: expect.stringMatching(/already submitted/) });
    // An empty update changes nothing.
    expect((await ok('POST', `/disputes/${review.id}`)).status).toBe('under_review');
  });

  it('close accepts the dispute: lost, with charge.dispute.closed', async () => {
    const dispute = (await openDispute(t.deps, actor, { paymentIntentId: (await paid()).id, reason: 'fraudulent' }))!;
    const closed = await ok('POST', `/disputes/${dispute.id}/close`);
    expect(closed.status).toBe('lost');
    expect((await eventsFor(dispute.id)).slice(-1)).toEqual(['charge.dispute.closed']);
    expect((await call('POST', `/disputes/${dispute.id}/close`)).status).toBe(400);
  });

  it('refuses unknown fields, unknown files, too much text and late evidence', async () => {
    const dispute = (await openDispute(t.deps, actor, { paymentIntentId: (await paid()).id, reason: 'fraudulent' }))!;
    const unknown = await call('POST', `/disputes/${dispute.id}`, { params: { evidence: { nonsense: 'x' } } });
    expect(unknown.body.error).toMatchObject({ code: 'parameter_unknown', param: 'evidence[nonsense]' });
    const missingFile = await call('POST', `/disputes/${dispute.id}`, { params: { evidence: { receipt: 'file_doesnotexist' } } });
    expect(missingFile.status).toBe(404);
    expect(missingFile.body.error).toMatchObject({ code: 'resource_missing', param: 'evidence[receipt]' });
    const tooLong = await call('POST', `/disputes/${dispute.id}`, { params: { evidence: { uncategorized_text: 'x'.repeat(20_001) } } });
    expect(tooLong.body.error).toMatchObject({ param: 'evidence[uncategorized_text]' });
    const many = Object.fromEntries(['access_activity_log', 'billing_address', 'cancellation_policy_disclosure', 'cancellation_rebuttal', 'customer_name', 'product_description', 'shipping_address', 'uncategorized_text'].map((f) => [f, 'y'.repeat(19_000)]));
    const total = await call('POST', `/disputes/${dispute.id}`, { json: true, params: { evidence: many, submit: false } });
    expect(total.body.error.message).toMatch(/combined length/);

    const pdf = await uploadEvidenceFile(t.deps, actor, { filename: 'receipt.pdf', type: 'application/pdf', contentBase64: Buffer.from('%PDF-1.4 receipt').toString('base64') });
    expect(pdf).toMatchObject({ object: 'file', purpose: 'dispute_evidence', size: 16, filename: 'receipt.pdf' });
    expect((await ok('POST', `/disputes/${dispute.id}`, { evidence: { receipt: pdf.id }, submit: false })).evidence.receipt).toBe(pdf.id);
    await expect(uploadEvidenceFile(t.deps, actor, { filename: 'x.png', type: 'image/png', contentBase64: Buffer.from('not a png').toString('base64') })).rejects.toThrow(/not a valid image\/png/);
    // Another merchant cannot name this merchant's file.
    const other = await createTestMerchant(t.db);
    const otherActor = { merchantId: other.merchant.id, livemode: false };
    const theirs = await createPaymentIntent(t.deps, otherActor, { amount: 1000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' } as Parameters<typeof createPaymentIntent>[2]);
    const theirDispute = (await openDispute(t.deps, otherActor, { paymentIntentId: theirs.id, reason: 'fraudulent' }))!;
    const theirCall = apiClient(server.baseUrl, other.keys.test.secret);
    expect((await theirCall('POST', `/disputes/${theirDispute.id}`, { params: { evidence: { receipt: pdf.id } } })).status).toBe(404);
    expect((await theirCall('GET', `/disputes/${dispute.id}`)).status).toBe(404);

    await t.db.updateTable('disputes').set({ evidence_due_by: new Date(Date.now() - 1000) }).where('id', '=', dispute.id).execute();
    expect((await ok('GET', `/disputes/${dispute.id}`)).evidence_details.past_due).toBe(true);
    const late = await call('POST', `/disputes/${dispute.id}`, { params: { evidence: { customer_name: 'late' } } });
    expect(late.body.error.message).toMatch(/was due by/);
  });

  it('lists newest first with filters and keyset pagination; expands payment_intent', async () => {
    const a = await paid(1111);
    const b = await paid(2222);
    const da = (await openDispute(t.deps, actor, { paymentIntentId: a.id, reason: 'fraudulent' }))!;
    const db = (await openDispute(t.deps, actor, { paymentIntentId: b.id, reason: 'fraudulent', inquiry: true }))!;
    const first = await ok('GET', '/disputes', { limit: 1 });
    expect(first).toMatchObject({ object: 'list', url: '/v1/disputes', has_more: true });
    expect(first.data[0].id).toBe(db.id);
    expect((await ok('GET', '/disputes', { limit: 1, starting_after: db.id })).data[0].id).toBe(da.id);
    expect((await ok('GET', '/disputes', { payment_intent: a.id })).data.map((d: { id: string }) => d.id)).toEqual([da.id]);
    const inquiries = await ok('GET', '/disputes', { status: 'warning_needs_response' });
    expect(inquiries.data.map((d: { id: string }) => d.id)).toContain(db.id);
    expect(inquiries.data.every((d: { status: string }) => d.status === 'warning_needs_response')).toBe(true);
    const expanded = await ok('GET', `/disputes/${da.id}`, { expand: ['payment_intent'] });
    expect(expanded.payment_intent).toMatchObject({ id: a.id, object: 'payment_intent' });
    expect((await call('GET', '/disputes/dp_missing')).status).toBe(404);
  });
});

describe('a refund and a dispute racing on one payment', () => {
  it('never take more than the payment received', async () => {
    for (let round = 0; round < 6; round++) {
      const intent = await paid(10_000);
      // Several partial refunds and the dispute start together; each waits for the payment's row lock.
      const refunds = Array.from({ length: 4 }, () =>
        createRefund(t.deps, actor, { payment_intent: intent.id, amount: 3000 }).then(
          (r) => r.amount,
          (e: unknown) => {
            expect(e).toBeInstanceOf(PaymentError);
            expect((e as PaymentError).code).toMatch(/^(charge_disputed|refund_exceeds_amount|charge_already_refunded)$/);
            return 0;
          },
        ),
      );
      const dispute = openDispute(t.deps, actor, { paymentIntentId: intent.id, reason: 'fraudulent' }).then((d) => d?.amount ?? 0);
      const [disputed, ...refunded] = await Promise.all([dispute, ...refunds]);
      const refundedSum = refunded.reduce((a, b) => a + b, 0);
      const refundRows = await t.db.selectFrom('refunds').select('amount').where('payment_intent_id', '=', intent.id).execute();
      expect(refundRows.reduce((s, r) => s + Number(r.amount), 0)).toBe(refundedSum);
      // The refunds before the dispute were taken in full, the dispute took exactly what they left, and no
      // refund came after it: together, the whole payment and not a unit more.
      expect(disputed).toBeGreaterThan(0);
      expect(disputed + refundedSum).toBe(10_000);
      // The balance moved by exactly as much (fees aside): refunds and the chargeback, nothing twice.
      const refundIds = (await t.db.selectFrom('refunds').select('id').where('payment_intent_id', '=', intent.id).execute()).map((r) => r.id);
      const disputeIds = (await t.db.selectFrom('disputes').select('id').where('payment_intent_id', '=', intent.id).execute()).map((r) => r.id);
      const moved = await t.db.selectFrom('balance_transactions').select('amount').where('source_id', 'in', [...refundIds, ...disputeIds]).execute();
      expect(moved.reduce((sum, m) => sum + Number(m.amount), 0)).toBe(-10_000);
    }
  });
});
