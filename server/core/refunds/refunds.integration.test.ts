import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentError } from '../../../shared/errors.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { listEvents } from '../events/events.service.js';
import { cancelPaymentIntent, createPaymentIntent, getPaymentIntent } from '../payment-intents/payment-intents.service.js';
import { getPaymentTimeline } from '../payment-intents/timeline.service.js';
import type { Actor } from '../shared/deps.js';
import { createRefund, getRefund, listRefunds, processPendingRefunds, updateRefund } from './refunds.service.js';

let t: TestDatabase;
let actor: Actor;
let userEmail: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  userEmail = m.user.email;
  actor = { merchantId: m.merchant.id, livemode: false, userId: m.user.id, requestId: 'req_refund', idempotencyKey: 'idem-1' };
});
afterAll(async () => t?.drop());

const paid = (amount = 10_000, pm = 'pm_card_visa', currency = 'usd') => createPaymentIntent(t.deps, actor, { amount, currency, confirm: true, payment_method: pm });
const fail = (p: Promise<unknown>) => p.then(() => null, (e: PaymentError) => e);

describe('refunds', () => {
  it('refunds partially then fully, keeps amount_refunded in sync, and records who and why', async () => {
    const pi = await paid(10_000);
    const first = await createRefund(t.deps, actor, { payment_intent: pi.id, amount: '2500', reason: 'requested_by_customer', note: 'Customer called', metadata: { ticket: 'T-1' } });
    expect(first).toMatchObject({ object: 'refund', amount: 2500, currency: 'usd', status: 'pending', reason: 'requested_by_customer', payment_intent: pi.id, metadata: { ticket: 'T-1' }, charge: pi.latest_charge });
    expect((await getPaymentIntent(t.deps, actor, pi.id)).amount_refunded).toBe(2500);
    const rest = await createRefund(t.deps, actor, { payment_intent: pi.id });
    expect(rest.amount).toBe(7500);
    expect((await getPaymentIntent(t.deps, actor, pi.id)).amount_refunded).toBe(10_000);
    expect((await fail(createRefund(t.deps, actor, { payment_intent: pi.id, amount: 1 })))?.code).toBe('charge_already_refunded');
    const timeline = await getPaymentTimeline(t.deps, actor, pi.id);
    const refundEntry = timeline.find((e) => e.kind === 'refund' && e.id === first.id);
    expect(refundEntry).toMatchObject({ note: 'Customer called', created_by: { email: userEmail } });
    const created = (await listEvents(t.deps, actor, { type: 'refund.created' })).data.find((e) => e.data.object.id === first.id);
    expect(created).toMatchObject({ request: { id: 'req_refund', idempotency_key: 'idem-1' } });
    expect(created!.data.object).toEqual(first);
  });

  it('refuses refunds above what is left, and for uncaptured, failed or canceled payments', async () => {
    const pi = await paid(1000);
    const tooMuch = await fail(createRefund(t.deps, actor, { payment_intent: pi.id, amount: 1001 }));
    expect(tooMuch).toMatchObject({ code: 'refund_exceeds_amount', param: 'amount' });
    const open = await createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd' });
    expect((await fail(createRefund(t.deps, actor, { payment_intent: open.id })))?.code).toBe('charge_not_refundable');
    await cancelPaymentIntent(t.deps, actor, open.id);
    const canceled = await fail(createRefund(t.deps, actor, { payment_intent: open.id }));
    expect(canceled?.code).toBe('charge_not_refundable');
    expect(canceled?.message).toContain('canceled');
    expect((await fail(createRefund(t.deps, actor, { payment_intent: 'pi_missing' })))?.code).toBe('resource_missing');
    expect((await fail(createRefund(t.deps, actor, { payment_intent: pi.id, reason: 'because' as never })))?.param).toBe('reason');
  });

  it('never refunds more than received under 20 concurrent partial refunds', async () => {
    const pi = await paid(10_000);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => createRefund(t.deps, actor, { payment_intent: pi.id, amount: 700 })));
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(14);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as PaymentError).code).toMatch(/refund_exceeds_amount|charge_already_refunded/);
    const { rows } = await sql<{ total: number }>`select sum(amount)::int as total from refunds where payment_intent_id = ${pi.id}`.execute(t.db);
    expect(rows[0].total).toBe(9800);
    expect((await getPaymentIntent(t.deps, actor, pi.id)).amount_refunded).toBe(9800);
  });

  it('works in zero- and three-decimal currencies', async () => {
    const yen = await paid(5000, 'pm_card_visa', 'jpy');
    expect((await createRefund(t.deps, actor, { payment_intent: yen.id, amount: 1 })).currency).toBe('jpy');
    const kwd = await paid(12_345, 'pm_card_visa', 'kwd');
    expect((await createRefund(t.deps, actor, { payment_intent: kwd.id })).amount).toBe(12_345);
  });

  it('the job settles pending refunds, and fails them for the refund-failure card giving the amount back', async () => {
    const good = await paid(3000);
    const bad = await paid(3000, 'pm_card_refundFail');
    const r1 = await createRefund(t.deps, actor, { payment_intent: good.id, amount: 1000 });
    const r2 = await createRefund(t.deps, actor, { payment_intent: bad.id, amount: 1000 });
    expect(await processPendingRefunds(t.deps, { olderThanMs: 60_000 })).toBe(0);
    expect(await processPendingRefunds(t.deps, { olderThanMs: 0, limit: 1000 })).toBeGreaterThanOrEqual(2);
    expect((await getRefund(t.deps, actor, r1.id)).status).toBe('succeeded');
    const failed = await getRefund(t.deps, actor, r2.id);
    expect(failed).toMatchObject({ status: 'failed', failure_reason: 'declined' });
    expect((await getPaymentIntent(t.deps, actor, bad.id)).amount_refunded).toBe(0);
    expect((await getPaymentIntent(t.deps, actor, good.id)).amount_refunded).toBe(1000);
    const updated = (await listEvents(t.deps, actor, { type: 'refund.updated', limit: 100 })).data.find((e) => e.data.object.id === r1.id);
    expect(updated?.data.previous_attributes).toEqual({ status: 'pending' });
    const failedEvent = (await listEvents(t.deps, actor, { type: 'refund.failed' })).data.find((e) => e.data.object.id === r2.id);
    expect(failedEvent?.data.object).toMatchObject({ status: 'failed' });
    // The failed amount can be refunded again.
    expect((await createRefund(t.deps, actor, { payment_intent: bad.id })).amount).toBe(3000);
  });

  it('updates metadata and lists by payment intent and status', async () => {
    const pi = await paid(2000);
    const r = await createRefund(t.deps, actor, { payment_intent: pi.id, amount: 500 });
    const updated = await updateRefund(t.deps, actor, r.id, { metadata: { why: 'damaged' } });
    expect(updated.metadata).toEqual({ why: 'damaged' });
    const list = await listRefunds(t.deps, actor, { payment_intent: pi.id });
    expect(list.data.map((x) => x.id)).toEqual([r.id]);
    expect((await listRefunds(t.deps, actor, { payment_intent: pi.id, status: 'succeeded' })).data).toHaveLength(0);
  });
});
