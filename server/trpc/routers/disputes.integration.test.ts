import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../core/customers/customers.service.js';
import { openDispute } from '../../core/disputes/disputes.service.js';
import { openSignedDownload } from '../../core/files/files.service.js';
import { createPaymentIntent } from '../../core/payment-intents/payment-intents.service.js';
import type { Actor } from '../../core/shared/deps.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { callerFor, errorOf, memberCaller, type Caller } from './payments.fixtures.js';

let t: TestDatabase;
let owner: Caller;
let actor: Actor;
let merchantId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  merchantId = m.merchant.id;
  owner = await callerFor(t, m.user.id, merchantId);
  actor = { merchantId, livemode: false, userId: m.user.id };
});
afterAll(async () => { await t?.drop(); });

async function disputed(amount: number, options: { inquiry?: boolean; email?: string } = {}) {
  const customer = options.email ? await createCustomer(t.deps, actor, { email: options.email }) : null;
  const pi = await createPaymentIntent(t.deps, actor, { amount, currency: 'usd', confirm: true, payment_method: 'pm_card_visa', description: `Order ${amount}`, ...(customer ? { customer: customer.id } : {}) });
  return (await openDispute(t.deps, actor, { paymentIntentId: pi.id, reason: 'product_not_received', inquiry: options.inquiry }))!;
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\n').toString('base64');

describe('disputes router', () => {
  it('lists disputes needing a response first, soonest due first, with the time left; then the others', async () => {
    const later = await disputed(1000, { email: 'later@example.test' });
    const sooner = await disputed(2000);
    const closed = await disputed(3000);
    await owner.disputes.accept({ id: closed.id });
    await t.db.updateTable('disputes').set({ evidence_due_by: new Date(Date.now() + 2 * 86_400_000) }).where('id', '=', sooner.id).execute();

    const page = await owner.disputes.list({});
    expect(page.needsResponse).toBe(2);
    expect(page.items.map((i) => i.dispute.id)).toEqual([sooner.id, later.id, closed.id]);
    expect(page.items[0]!.secondsLeft).toBeGreaterThan(2 * 86_400 - 120);
    expect(page.items[0]!.secondsLeft).toBeLessThanOrEqual(2 * 86_400);
    expect(page.items[1]).toMatchObject({ customer: { email: 'later@example.test' }, description: 'Order 1000', fee: 1500 });
    expect(page.items[2]).toMatchObject({ secondsLeft: null, dispute: { status: 'lost' } });

    const needing = await owner.disputes.list({ status: 'needs_response', limit: 1 });
    expect(needing.items.map((i) => i.dispute.id)).toEqual([sooner.id]);
    const next = await owner.disputes.list({ status: 'needs_response', limit: 1, cursor: needing.nextCursor! });
    expect(next.items.map((i) => i.dispute.id)).toEqual([later.id]);
    expect(next.nextCursor).toBeNull();
    expect((await owner.disputes.list({ status: 'closed' })).items.map((i) => i.dispute.id)).toEqual([closed.id]);
  });

  it('saves evidence with an uploaded file, submits it, and shows the file on the detail', async () => {
    const dispute = await disputed(4500);
    const file = await owner.disputes.uploadFile({ filename: 'tracking.pdf', type: 'application/pdf', contentBase64: PDF });
    const staged = await owner.disputes.saveEvidence({ id: dispute.id, submit: false, evidence: { shipping_tracking_number: '1Z999', shipping_documentation: file.id } });
    expect(staged.status).toBe('needs_response');
    const detail = await owner.disputes.get({ id: dispute.id });
    expect(detail.files).toEqual([expect.objectContaining({ id: file.id, filename: 'tracking.pdf', size: Buffer.from(PDF, 'base64').length })]);
    expect(detail.dispute.evidence).toMatchObject({ shipping_tracking_number: '1Z999', shipping_documentation: file.id });
    // The file comes back as uploaded, to this merchant only.
    // (Through the member's signed download link, which server/http/file-download.ts serves.)
    const link = await owner.disputes.fileLink({ id: file.id });
    const opened = await openSignedDownload(t.deps, file.id, Object.fromEntries(new URL(link.url, 'http://localhost').searchParams));
    expect(opened).toMatchObject({ file: { filename: 'tracking.pdf', type: 'pdf' }, contentType: 'application/pdf' });
    expect((await buffer(opened.body)).toString('base64')).toBe(PDF);
    const stranger = await createTestMerchant(t.db);
    const strangerCaller = await callerFor(t, stranger.user.id, stranger.merchant.id);
    expect((await errorOf(strangerCaller.disputes.fileLink({ id: file.id }))).code).toBe('NOT_FOUND');
    const submitted = await owner.disputes.saveEvidence({ id: dispute.id, submit: true, evidence: { uncategorized_text: 'winning_evidence' } });
    expect(submitted.status).toBe('won');
    expect((await owner.disputes.forPayment({ id: dispute.payment_intent }))?.id).toBe(dispute.id);
    // The payment's timeline tells the dispute's story too.
    const payment = await owner.payments.get({ id: dispute.payment_intent });
    const types = payment.timeline.flatMap((e) => (e.kind === 'event' ? [e.type] : []));
    expect(types).toEqual(expect.arrayContaining(['charge.dispute.created', 'charge.dispute.funds_withdrawn', 'charge.dispute.closed', 'charge.dispute.funds_reinstated']));
    // And its ledger: the charge, the withdrawal (amount + fee) and the reversal.
    const ledger = await owner.balances.forPayment({ paymentIntentId: dispute.payment_intent });
    expect(ledger.transactions.map((x) => [x.reporting_category, x.net])).toEqual([
      ['charge', expect.any(Number)],
      ['dispute', -(4500 + 1500)],
      ['dispute_reversal', 4500 + 1500],
    ]);
  });

  it('lets owner, admin and support respond; finance, developer and viewer only read', async () => {
    const dispute = await disputed(5500);
    for (const role of ['finance', 'developer', 'viewer'] as const) {
      const { caller } = await memberCaller(t, merchantId, role);
      expect((await caller.disputes.get({ id: dispute.id })).dispute.id).toBe(dispute.id);
      expect((await caller.disputes.list({})).items.length).toBeGreaterThan(0);
      expect((await errorOf(caller.disputes.accept({ id: dispute.id }))).code).toBe('FORBIDDEN');
      expect((await errorOf(caller.disputes.saveEvidence({ id: dispute.id, submit: false, evidence: { customer_name: 'x' } }))).code).toBe('FORBIDDEN');
      expect((await errorOf(caller.disputes.uploadFile({ filename: 'a.pdf', type: 'application/pdf', contentBase64: PDF }))).code).toBe('FORBIDDEN');
    }
    const { caller: support } = await memberCaller(t, merchantId, 'support');
    expect((await support.disputes.saveEvidence({ id: dispute.id, submit: false, evidence: { customer_name: 'Ann' } })).evidence.customer_name).toBe('Ann');
    expect((await support.disputes.accept({ id: dispute.id })).status).toBe('lost');
    const { caller: admin } = await memberCaller(t, merchantId, 'admin');
    const inquiry = await disputed(6500, { inquiry: true });
    expect((await admin.disputes.accept({ id: inquiry.id })).status).toBe('warning_closed');
  });

  it('answers a bad request with a clear error', async () => {
    const error = await errorOf(owner.disputes.get({ id: 'dp_missing' }));
    expect(error.code).toBe('NOT_FOUND');
    const bad = await errorOf(owner.disputes.uploadFile({ filename: 'a.png', type: 'image/png', contentBase64: PDF }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toMatch(/not a valid image\/png/);
  });
});
