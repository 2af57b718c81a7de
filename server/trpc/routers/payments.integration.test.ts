import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentListFiltersInput, PaymentListItem } from '../../../shared/contracts/dashboard.js';
import { DISPLAY_STATUSES, type DisplayStatus } from '../../../shared/payment-display-status.js';
import { createCustomer } from '../../core/customers/customers.service.js';
import { cancelPaymentIntent, confirmPaymentIntent, createPaymentIntent } from '../../core/payment-intents/payment-intents.service.js';
import type { Actor } from '../../core/shared/deps.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { callerFor, createPayment, memberCaller, sorted, type Caller } from './payments.fixtures.js';

let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => { await t?.drop(); });

async function merchantWithOwner() {
  const m = await createTestMerchant(t.db);
  const owner = await callerFor(t, m.user.id, m.merchant.id);
  const actor: Actor = { merchantId: m.merchant.id, livemode: false, userId: m.user.id };
  return { m, owner, actor, merchantId: m.merchant.id };
}

async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const ids = (items: PaymentListItem[]) => items.map((i) => i.id).sort();

describe('payments.list filters', () => {
  let owner: Caller;
  let merchantId: string;
  const byStatus = {} as Record<DisplayStatus, string>;
  let failedThenCanceled: string;
  let requiresConfirmation: string;

  beforeAll(async () => {
    ({ owner, merchantId } = await merchantWithOwner());
    byStatus.succeeded = await createPayment(t, merchantId, { amount: 1000 });
    byStatus.partially_refunded = await createPayment(t, merchantId, { amount: 2000, refunded: 500 });
    byStatus.refunded = await createPayment(t, merchantId, { amount: 3000, refunded: 3000 });
    byStatus.uncaptured = await createPayment(t, merchantId, { outcome: 'requires_capture', amount: 4000 });
    byStatus.requires_action = await createPayment(t, merchantId, { outcome: 'requires_action' });
    byStatus.incomplete = await createPayment(t, merchantId, { outcome: 'requires_payment_method' });
    byStatus.failed = await createPayment(t, merchantId, { outcome: 'failed' });
    byStatus.canceled = await createPayment(t, merchantId, { outcome: 'requires_payment_method' });
    await cancelPaymentIntent(t.deps, { merchantId, livemode: false }, byStatus.canceled, { cancellation_reason: 'abandoned' });
    // Also failed: canceled after declines. Also incomplete: waiting for confirmation. ('processing' is
    // covered by shared/payment-display-status.test.ts: the test-mode core never leaves a payment there.)
    failedThenCanceled = await createPayment(t, merchantId, { outcome: 'failed_then_canceled', card: 'pm_card_chargeDeclinedExpiredCard' });
    requiresConfirmation = await createPayment(t, merchantId, { outcome: 'requires_confirmation' });
  });

  it('filters by each display status, and the row shows that status', async () => {
    const extra: Partial<Record<DisplayStatus, string[]>> = {
      failed: [failedThenCanceled],
      incomplete: [requiresConfirmation],
    };
    for (const status of DISPLAY_STATUSES) {
      const { items } = await owner.payments.list({ status: [status] });
      expect(ids(items), status).toEqual([byStatus[status], ...(extra[status] ?? [])].sort());
      expect(items.every((i) => i.displayStatus === status), status).toBe(true);
    }
    const { items } = await owner.payments.list({ status: ['refunded', 'uncaptured'] });
    expect(ids(items)).toEqual([byStatus.refunded, byStatus.uncaptured].sort());
    expect((await owner.payments.list({})).items).toHaveLength(10);
  });

  it('filters by amount range (inclusive), currency and card last 4', async () => {
    expect(ids((await owner.payments.list({ amountMin: 2000, amountMax: 3000, currency: 'usd' })).items)).toEqual([byStatus.partially_refunded, byStatus.refunded].sort());
    const eur = await createPayment(t, merchantId, { currency: 'eur', amount: 777 });
    expect(ids((await owner.payments.list({ currency: 'EUR' })).items)).toEqual([eur]);
    expect(ids((await owner.payments.list({ last4: '0002' })).items)).toEqual([byStatus.failed]);
    expect((await owner.payments.list({ currency: 'eur', amountMin: 778 })).items).toEqual([]);
  });

  it('refuses malformed filters', async () => {
    expect((await errorOf(owner.payments.list({ last4: '42' }))).code).toBe('BAD_REQUEST');
    expect((await errorOf(owner.payments.list({ from: 'yesterday' }))).code).toBe('BAD_REQUEST');
    expect((await errorOf(owner.payments.list({ limit: 30 as never }))).code).toBe('BAD_REQUEST');
  });
});

describe('payments.list dates and customers', () => {
  it('reads from (inclusive) and to (exclusive) as days in the merchant time zone, or as instants', async () => {
    const { m, merchantId } = await merchantWithOwner();
    await t.db.updateTable('merchants').set({ timezone: 'America/New_York' }).where('id', '=', merchantId).execute();
    const caller = await callerFor(t, m.user.id, merchantId);
    // 2026-03-01 00:00 in New York is 05:00 UTC.
    const before = await createPayment(t, merchantId, { created_at: '2026-03-01T04:59:59.999999Z' });
    const start = await createPayment(t, merchantId, { created_at: '2026-03-01T05:00:00Z' });
    const lastOfDay = await createPayment(t, merchantId, { created_at: '2026-03-02T04:59:59Z' });
    const nextDay = await createPayment(t, merchantId, { created_at: '2026-03-02T05:00:00Z' });
    expect(ids((await caller.payments.list({ from: '2026-03-01', to: '2026-03-02' })).items)).toEqual([start, lastOfDay].sort());
    expect(ids((await caller.payments.list({ to: '2026-03-01' })).items)).toEqual([before]);
    expect(ids((await caller.payments.list({ from: '2026-03-02' })).items)).toEqual([nextDay]);
    expect(ids((await caller.payments.list({ from: '2026-03-01T04:59:59Z', to: '2026-03-01T05:00:00.000001Z' })).items)).toEqual([before, start].sort());
    // Without an offset a date-time is New York wall-clock time too.
    expect(ids((await caller.payments.list({ from: '2026-03-01T23:59:59' })).items)).toEqual([lastOfDay, nextDay].sort());
  });

  it('filters by customer id or email, and shows the customer email', async () => {
    const { owner, actor, merchantId } = await merchantWithOwner();
    const jane = await createCustomer(t.deps, actor, { email: 'Jane.Doe@Example.com', name: 'Jane Doe' });
    const mine = await createPayment(t, merchantId, { customer: jane.id });
    const receipt = await createPayment(t, merchantId, { receipt_email: 'jane.doe@example.com' });
    await createPayment(t, merchantId, { receipt_email: 'someone@example.com' });
    const byId = await owner.payments.list({ customer: jane.id });
    expect(ids(byId.items)).toEqual([mine]);
    expect(byId.items[0]!.customerEmail).toBe('Jane.Doe@Example.com');
    expect(ids((await owner.payments.list({ customer: 'JANE.DOE@example.com' })).items)).toEqual([mine, receipt].sort());
  });
});

describe('payments.list search box', () => {
  let owner: Caller;
  let actor: Actor;
  let merchantId: string;
  let other: Awaited<ReturnType<typeof merchantWithOwner>>;

  beforeAll(async () => {
    ({ owner, actor, merchantId } = await merchantWithOwner());
    other = await merchantWithOwner();
  });

  it('jumps to a payment, customer or refund id of this merchant whatever the other filters', async () => {
    const pi = await createPaymentIntent(t.deps, actor, { amount: 5000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    const far = { from: '2001-01-01', to: '2001-01-02', status: ['canceled'] as DisplayStatus[] };
    const jump = await owner.payments.list({ ...far, q: pi.id });
    expect(jump.jumpTo).toEqual({ type: 'payment', id: pi.id, path: `/payments/${pi.id}` });
    expect(jump.items.map((i) => i.id)).toEqual([pi.id]);
    const refund = await owner.payments.refund({ id: pi.id, amount: 100 });
    expect((await owner.payments.list({ ...far, q: ` ${refund.refund.id} ` })).jumpTo).toEqual({ type: 'refund', id: refund.refund.id, path: `/refunds/${refund.refund.id}` });
    const customer = await createCustomer(t.deps, actor, { email: 'jump@example.com' });
    expect((await owner.payments.list({ q: customer.id })).jumpTo).toMatchObject({ type: 'customer', id: customer.id });
    // Unknown ids and other merchants' ids lead nowhere.
    const foreign = await createPayment(t, other.merchantId);
    for (const q of ['pi_doesNotExist0000000000000', foreign]) {
      const result = await owner.payments.list({ q });
      expect(result.jumpTo).toBeUndefined();
      expect(result.items).toEqual([]);
    }
  });

  it('finds payments by email (customer or receipt email, whole or part) and by card last 4', async () => {
    const amy = await createCustomer(t.deps, actor, { email: 'amy@rocketrides.io' });
    const a = await createPayment(t, merchantId, { customer: amy.id });
    const b = await createPayment(t, merchantId, { receipt_email: 'AMY@rocketrides.io' });
    const c = await createPayment(t, merchantId, { receipt_email: 'bob@rocketrides.io', outcome: 'failed', card: 'pm_card_chargeDeclinedInsufficientFunds' });
    expect(ids((await owner.payments.list({ q: 'amy@rocketrides.io' })).items)).toEqual([a, b].sort());
    expect(ids((await owner.payments.list({ q: '@rocketrides' })).items)).toEqual([a, b, c].sort());
    expect(ids((await owner.payments.list({ q: '9995' })).items)).toEqual([c]);
    // Filters still apply to an email search.
    expect(ids((await owner.payments.list({ q: '@rocketrides', last4: '9995' })).items)).toEqual([c]);
  });

  it("accepts Stripe's search language and reports syntax errors with their position", async () => {
    const big = await createPayment(t, merchantId, { amount: 99_000, currency: 'gbp', metadata: { order_id: 'A-17' } });
    await createPayment(t, merchantId, { amount: 50, currency: 'gbp' });
    expect(ids((await owner.payments.list({ q: 'currency:"gbp" AND amount>90000' })).items)).toEqual([big]);
    expect(ids((await owner.payments.list({ q: 'metadata["order_id"]:"A-17"' })).items)).toEqual([big]);
    const syntax = await errorOf(owner.payments.list({ q: 'amount>' }));
    expect(syntax.code).toBe('BAD_REQUEST');
    expect(syntax.message).toMatch(/position 7/);
    const field = await errorOf(owner.payments.list({ q: 'colour:"red"' }));
    expect(field.code).toBe('BAD_REQUEST');
    expect(field.message).toContain('Field "colour" is not supported');
  });

  it('matches free text against the description', async () => {
    const gift = await createPayment(t, merchantId, { description: 'Gift card for Mum (50% off)' });
    expect(ids((await owner.payments.list({ q: 'gift card' })).items)).toEqual([gift]);
    expect(ids((await owner.payments.list({ q: '50%' })).items)).toEqual([gift]);
    expect((await errorOf(owner.payments.list({ q: 'gi' }))).code).toBe('BAD_REQUEST');
  });
});

describe('payments.list keyset pagination', () => {
  let owner: Caller;
  let all: string[];

  beforeAll(async () => {
    let merchantId: string;
    ({ owner, merchantId } = await merchantWithOwner());
    // 23 payments with ties on both sort keys, so (key, id) ordering is what keeps pages apart.
    const base = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 23; i++) {
      const created = new Date(base + Math.floor(i / 3) * 60_000 + (i % 3 === 2 ? 0.5 : 0)).toISOString();
      await createPayment(t, merchantId, { created_at: created, amount: 100 * (1 + (i % 5)) });
    }
    all = ids((await owner.payments.list({ limit: 100 })).items);
    expect(all).toHaveLength(23);
  });

  const cases: { sort: 'created' | 'amount'; dir: 'desc' | 'asc' }[] = [
    { sort: 'created', dir: 'desc' }, { sort: 'created', dir: 'asc' }, { sort: 'amount', dir: 'desc' }, { sort: 'amount', dir: 'asc' },
  ];

  it.each(cases)('pages forward and back by $sort $dir without skipping or repeating', async ({ sort, dir }) => {
    const input: PaymentListFiltersInput = { sort, dir, limit: 10 };
    const reference = (await owner.payments.list({ sort, dir, limit: 100 })).items.map((i) => i.id);
    const pages: PaymentListItem[][] = [];
    let page = await owner.payments.list(input);
    expect(page.prevCursor).toBeNull();
    pages.push(page.items);
    while (page.nextCursor) {
      page = await owner.payments.list({ ...input, cursor: page.nextCursor });
      pages.push(page.items);
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 3]);
    const forward = pages.flat();
    expect(forward.map((i) => i.id)).toEqual(reference);
    expect(new Set(forward.map((i) => i.id)).size).toBe(23);
    const key = (i: PaymentListItem) => (sort === 'amount' ? i.amount : i.created);
    expect(sorted(forward, (a, b) => (dir === 'asc' ? key(a) - key(b) : key(b) - key(a)))).toBe(true);

    // Back from the last page gives the same pages in reverse, and stops at the first.
    const back: PaymentListItem[][] = [page.items];
    while (page.prevCursor) {
      page = await owner.payments.list({ ...input, cursor: page.prevCursor });
      back.unshift(page.items);
    }
    expect(back.map((p) => p.map((i) => i.id))).toEqual(pages.map((p) => p.map((i) => i.id)));
    expect(page.nextCursor).not.toBeNull();
  });

  it('refuses a cursor made for another sort, and a forged one', async () => {
    const first = await owner.payments.list({ limit: 10 });
    expect((await errorOf(owner.payments.list({ limit: 10, sort: 'amount', cursor: first.nextCursor! }))).code).toBe('BAD_REQUEST');
    expect((await errorOf(owner.payments.list({ limit: 10, cursor: 'not-a-cursor' }))).code).toBe('BAD_REQUEST');
    const forged = Buffer.from(JSON.stringify(['created', 'desc', "x'; drop table payment_intents; --", 'pi_x', 0])).toString('base64url');
    expect((await errorOf(owner.payments.list({ limit: 10, cursor: forged }))).code).toBe('BAD_REQUEST');
  });
});

describe('payment detail and actions', () => {
  it('shows a payment with its card usage, attempts, timeline and refunds; refundable follows refunds', async () => {
    const { owner, actor, merchantId } = await merchantWithOwner();
    const support = await memberCaller(t, merchantId, 'support');
    const customer = await createCustomer(t.deps, actor, { email: 'pat@example.com', name: 'Pat' });
    await createPaymentIntent(t.deps, actor, { amount: 500, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    const pi = await createPaymentIntent(t.deps, actor, { amount: 10_000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa', customer: customer.id });

    let detail = await owner.payments.get({ id: pi.id });
    expect(detail).toMatchObject({ displayStatus: 'succeeded', refundable: 10_000, refunds: [], customer: { id: customer.id, email: 'pat@example.com', name: 'Pat' } });
    expect(detail.payment).toMatchObject({ id: pi.id, object: 'payment_intent', status: 'succeeded' });
    expect(detail.paymentMethod).toMatchObject({ brand: 'visa', last4: '4242', funding: 'credit' });
    expect(detail.paymentMethod!.usage!.payments).toBeGreaterThanOrEqual(2);
    expect(detail.attempts).toHaveLength(1);
    expect(detail.timeline.some((e) => e.kind === 'event' && e.type === 'payment_intent.succeeded')).toBe(true);

    const refunded = await support.caller.payments.refund({ id: pi.id, amount: 2500, reason: 'requested_by_customer', note: 'Late delivery' });
    expect(refunded.refund).toMatchObject({ amount: 2500, reason: 'requested_by_customer' });
    expect(refunded.detail).toMatchObject({ refundable: 7500, displayStatus: 'partially_refunded' });
    detail = await owner.payments.get({ id: pi.id });
    expect(detail.refunds).toEqual([expect.objectContaining({ note: 'Late delivery', created_by: { id: support.userId, email: support.email } })]);
    expect(detail.timeline.some((e) => e.kind === 'refund' && e.note === 'Late delivery')).toBe(true);

    const rest = await owner.payments.refund({ id: pi.id });
    expect(rest.refund.amount).toBe(7500);
    expect(rest.detail).toMatchObject({ refundable: 0, displayStatus: 'refunded' });
    expect((await errorOf(owner.payments.refund({ id: pi.id, amount: 1 }))).code).toBe('BAD_REQUEST');
    expect((await errorOf(owner.payments.get({ id: 'pi_missing000000000000000000' }))).code).toBe('NOT_FOUND');
  });

  it('captures (partially) and cancels; a declined then canceled payment shows as failed', async () => {
    const { owner, actor } = await merchantWithOwner();
    const auth = await createPaymentIntent(t.deps, actor, { amount: 8000, currency: 'usd', capture_method: 'manual', confirm: true, payment_method: 'pm_card_visa' });
    expect((await owner.payments.get({ id: auth.id })).displayStatus).toBe('uncaptured');
    const captured = await owner.payments.capture({ id: auth.id, amount: 6000 });
    expect(captured).toMatchObject({ displayStatus: 'succeeded', refundable: 6000, payment: { amount_received: 6000 } });

    const open = await createPaymentIntent(t.deps, actor, { amount: 1200, currency: 'usd' });
    expect((await owner.payments.get({ id: open.id })).displayStatus).toBe('incomplete');
    expect(await owner.payments.cancel({ id: open.id, reason: 'duplicate' })).toMatchObject({ displayStatus: 'canceled', payment: { cancellation_reason: 'duplicate' } });

    const declined = await createPaymentIntent(t.deps, actor, { amount: 1200, currency: 'usd' });
    const decline = await confirmPaymentIntent(t.deps, actor, declined.id, { payment_method: 'pm_card_chargeDeclined' }).catch((e: unknown) => e);
    expect(decline).toMatchObject({ code: 'card_declined' });
    expect((await owner.payments.get({ id: declined.id })).displayStatus).toBe('failed');
    expect((await owner.payments.list({ status: ['failed'] })).items.map((i) => i.id)).toEqual([declined.id]);
    await owner.payments.cancel({ id: declined.id });
    expect((await owner.payments.get({ id: declined.id })).displayStatus).toBe('failed');
    expect((await errorOf(owner.payments.cancel({ id: declined.id }))).code).toBe('BAD_REQUEST');
  });

  it('lets viewers and finance read but not refund, capture or cancel; support may', async () => {
    const { actor, merchantId } = await merchantWithOwner();
    const pi = await createPaymentIntent(t.deps, actor, { amount: 3000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    const auth = await createPaymentIntent(t.deps, actor, { amount: 3000, currency: 'usd', capture_method: 'manual', confirm: true, payment_method: 'pm_card_visa' });
    for (const role of ['viewer', 'finance', 'developer'] as const) {
      const { caller } = await memberCaller(t, merchantId, role);
      expect((await caller.payments.get({ id: pi.id })).payment.id).toBe(pi.id);
      expect((await caller.payments.list({})).items.length).toBe(2);
      expect((await errorOf(caller.payments.refund({ id: pi.id }))).code, role).toBe('FORBIDDEN');
      expect((await errorOf(caller.payments.capture({ id: auth.id }))).code, role).toBe('FORBIDDEN');
      expect((await errorOf(caller.payments.cancel({ id: auth.id }))).code, role).toBe('FORBIDDEN');
    }
    expect((await t.db.selectFrom('refunds').select('id').where('merchant_id', '=', merchantId).execute())).toEqual([]);
    const support = await memberCaller(t, merchantId, 'support');
    expect((await support.caller.payments.refund({ id: pi.id, amount: 1000 })).detail.refundable).toBe(2000);
    expect((await support.caller.payments.cancel({ id: auth.id })).displayStatus).toBe('canceled');
  });

  it("never shows another merchant's or the other mode's payments", async () => {
    const a = await merchantWithOwner();
    const b = await merchantWithOwner();
    const theirs = await createPayment(t, b.merchantId);
    const live = await createPayment(t, a.merchantId, { livemode: true, outcome: 'requires_payment_method' });
    expect((await a.owner.payments.list({})).items).toEqual([]);
    expect((await errorOf(a.owner.payments.get({ id: theirs }))).code).toBe('NOT_FOUND');
    expect((await errorOf(a.owner.payments.get({ id: live }))).code).toBe('NOT_FOUND');
    expect((await errorOf(a.owner.payments.refund({ id: theirs }))).code).toBe('NOT_FOUND');
  });
});
