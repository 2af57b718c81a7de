import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../core/customers/customers.service.js';
import { createPaymentIntent } from '../../core/payment-intents/payment-intents.service.js';
import { createRefund } from '../../core/refunds/refunds.service.js';
import type { Actor } from '../../core/shared/deps.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { callerFor, createPayment, memberCaller } from './payments.fixtures.js';

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

describe('customers router', () => {
  it('searches by id, email part and name part, and pages without repeats', async () => {
    const { owner, actor } = await merchantWithOwner();
    const created: string[] = [];
    for (let i = 0; i < 12; i++) {
      created.push((await createCustomer(t.deps, actor, { email: `shopper${i}@northwind.example`, name: i === 3 ? 'Ada Lovelace' : `Shopper ${i}` })).id);
    }
    const ada = created[3]!;
    expect((await owner.customers.list({ q: ada })).items.map((c) => c.id)).toEqual([ada]);
    expect((await owner.customers.list({ q: 'lovelace' })).items.map((c) => c.id)).toEqual([ada]);
    expect((await owner.customers.list({ q: 'shopper11@' })).items.map((c) => c.id)).toEqual([created[11]]);
    expect((await owner.customers.list({ q: 'NORTHWIND' })).items).toHaveLength(12);

    const first = await owner.customers.list({ limit: 10 });
    expect(first.items.map((c) => c.id)).toEqual([...created].reverse().slice(0, 10));
    const second = await owner.customers.list({ limit: 10, cursor: first.nextCursor! });
    expect(second.items.map((c) => c.id)).toEqual([created[1], created[0]]);
    expect(second.nextCursor).toBeNull();
    expect((await owner.customers.list({ limit: 10, cursor: second.prevCursor! })).items.map((c) => c.id)).toEqual(first.items.map((c) => c.id));
  });

  it('shows a customer with their payments and totals per currency', async () => {
    const { owner, actor, merchantId } = await merchantWithOwner();
    const customer = await createCustomer(t.deps, actor, { email: 'totals@example.com', name: 'Tot' });
    const a = await createPaymentIntent(t.deps, actor, { amount: 5000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa', customer: customer.id });
    await createPaymentIntent(t.deps, actor, { amount: 2500, currency: 'usd', confirm: true, payment_method: 'pm_card_visa', customer: customer.id });
    await createPaymentIntent(t.deps, actor, { amount: 700, currency: 'eur', confirm: true, payment_method: 'pm_card_visa', customer: customer.id });
    await createPaymentIntent(t.deps, actor, { amount: 9900, currency: 'usd', customer: customer.id }); // never paid
    await createRefund(t.deps, actor, { payment_intent: a.id, amount: 1000 });
    await createPayment(t, merchantId, { amount: 123 }); // someone else's

    const detail = await owner.customers.get({ id: customer.id });
    expect(detail.customer).toMatchObject({ id: customer.id, object: 'customer', email: 'totals@example.com' });
    expect(detail.payments.items).toHaveLength(4);
    expect(detail.payments.items.every((p) => p.customerId === customer.id)).toBe(true);
    expect(detail.totals).toEqual([
      { currency: 'usd', spent: 7500, refunded: 1000, payments: 2 },
      { currency: 'eur', spent: 700, refunded: 0, payments: 1 },
    ]);
    expect((await errorOf(owner.customers.get({ id: 'cus_missing0000000000000000' }))).code).toBe('NOT_FOUND');
  });

  it('creates, edits (metadata included) and deletes through the core, with events', async () => {
    const { owner, merchantId } = await merchantWithOwner();
    const created = await owner.customers.create({ email: 'new@example.com', name: 'New', metadata: { tier: 'gold', crm: '42' } });
    expect(created).toMatchObject({ object: 'customer', email: 'new@example.com', metadata: { tier: 'gold', crm: '42' } });
    const updated = await owner.customers.update({ id: created.id, name: 'Renamed', phone: '', metadata: { tier: 'platinum', crm: '' } });
    expect(updated).toMatchObject({ name: 'Renamed', phone: null, metadata: { tier: 'platinum' } });
    expect((await errorOf(owner.customers.update({ id: created.id, email: 'not-an-email' }))).code).toBe('BAD_REQUEST');
    expect(await owner.customers.delete({ id: created.id })).toEqual({ id: created.id, object: 'customer', deleted: true });
    expect((await owner.customers.list({})).items).toEqual([]);
    const events = await t.db.selectFrom('events').select('type').where('merchant_id', '=', merchantId).where('object_id', '=', created.id).orderBy('created_at').execute();
    expect(events.map((e) => e.type)).toEqual(['customer.created', 'customer.updated', 'customer.deleted']);
  });

  it('refuses to create a customer with neither a name nor an email, on the name field', async () => {
    const { owner } = await merchantWithOwner();
    for (const input of [{}, { name: '  ', email: '' }, { phone: '+1 555 0100', description: 'walk-in' }]) {
      const error = await errorOf(owner.customers.create(input));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toContain('Enter a name or an email address.');
    }
    expect((await owner.customers.list({})).items).toEqual([]);
    expect((await owner.customers.create({ name: 'Only A Name' })).name).toBe('Only A Name');
    expect((await owner.customers.create({ email: 'only@email.example' })).email).toBe('only@email.example');
  });

  it('lets support edit customers; viewers, finance and developers only read', async () => {
    const { actor, merchantId } = await merchantWithOwner();
    const existing = await createCustomer(t.deps, actor, { email: 'keep@example.com' });
    for (const role of ['viewer', 'finance', 'developer'] as const) {
      const { caller } = await memberCaller(t, merchantId, role);
      expect((await caller.customers.get({ id: existing.id })).customer.id).toBe(existing.id);
      expect((await errorOf(caller.customers.create({ email: 'x@example.com' }))).code, role).toBe('FORBIDDEN');
      expect((await errorOf(caller.customers.update({ id: existing.id, name: 'x' }))).code, role).toBe('FORBIDDEN');
      expect((await errorOf(caller.customers.delete({ id: existing.id }))).code, role).toBe('FORBIDDEN');
    }
    const support = await memberCaller(t, merchantId, 'support');
    expect((await support.caller.customers.create({ email: 'by-support@example.com' })).email).toBe('by-support@example.com');
  });
});

describe('lookup.resolve', () => {
  it('opens any object by id, lists customers and payments for an email, and finds nothing for other text', async () => {
    const { owner, actor } = await merchantWithOwner();
    const other = await merchantWithOwner();
    const customer = await createCustomer(t.deps, actor, { email: 'palette@example.com', name: 'Pal' });
    const pi = await createPaymentIntent(t.deps, actor, { amount: 4200, currency: 'usd', confirm: true, payment_method: 'pm_card_visa', customer: customer.id });
    const refund = await createRefund(t.deps, actor, { payment_intent: pi.id, amount: 200 });
    const event = await t.db.selectFrom('events').select('id').where('merchant_id', '=', actor.merchantId).where('object_id', '=', pi.id).executeTakeFirstOrThrow();

    expect(await owner.lookup.resolve({ q: pi.id })).toEqual([
      { type: 'payment', id: pi.id, path: `/payments/${pi.id}`, label: '$42.00 · Partially refunded', detail: 'palette@example.com' },
    ]);
    expect(await owner.lookup.resolve({ q: customer.id })).toEqual([{ type: 'customer', id: customer.id, path: `/customers/${customer.id}`, label: 'palette@example.com', detail: 'Pal' }]);
    expect(await owner.lookup.resolve({ q: refund.id })).toMatchObject([{ type: 'refund', id: refund.id, path: `/refunds/${refund.id}`, label: 'Refund of $2.00' }]);
    expect(await owner.lookup.resolve({ q: event.id })).toMatchObject([{ type: 'event', id: event.id, path: `/developers/events/${event.id}` }]);

    const byEmail = await owner.lookup.resolve({ q: 'PALETTE@example.com' });
    expect(byEmail.map((r) => `${r.type}:${r.id}`)).toEqual([`customer:${customer.id}`, `payment:${pi.id}`]);
    expect(await owner.lookup.resolve({ q: 'refund the last one' })).toEqual([]);
    expect(await owner.lookup.resolve({ q: 'pi_doesNotExist0000000000000' })).toEqual([]);
    // Another merchant cannot open these.
    expect(await other.owner.lookup.resolve({ q: pi.id })).toEqual([]);
    expect(await other.owner.lookup.resolve({ q: 'palette@example.com' })).toEqual([]);
  });

  it('matches part of a name, part of an email and the last 4 of a card', async () => {
    const { owner, actor } = await merchantWithOwner();
    const other = await merchantWithOwner();
    const levi = await createCustomer(t.deps, actor, { email: 'l.moreno@shop.example', name: 'Levi Moreno' });
    const ada = await createCustomer(t.deps, actor, { email: 'ada@analytical.example', name: 'Ada' });
    await createCustomer(t.deps, other.actor, { email: 'levi@elsewhere.example', name: 'Levi Elsewhere' });
    const visa = await createPaymentIntent(t.deps, actor, { amount: 1200, currency: 'usd', confirm: true, payment_method: 'pm_card_visa', customer: ada.id });
    const mastercard = await createPaymentIntent(t.deps, actor, { amount: 1300, currency: 'usd', confirm: true, payment_method: 'pm_card_mastercard', customer: levi.id });
    await createPaymentIntent(t.deps, other.actor, { amount: 1400, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });

    expect((await owner.lookup.resolve({ q: 'levi' })).map((r) => `${r.type}:${r.id}`)).toEqual([`customer:${levi.id}`]);
    expect(await owner.lookup.resolve({ q: 'MORENO' })).toMatchObject([
      { type: 'customer', id: levi.id, label: 'l.moreno@shop.example', detail: 'Levi Moreno' },
      { type: 'payment', id: mastercard.id, detail: 'l.moreno@shop.example' },
    ]);
    // Part of an email without the @: the customer and the payments they made.
    expect((await owner.lookup.resolve({ q: 'analytical' })).map((r) => `${r.type}:${r.id}`)).toEqual([`customer:${ada.id}`, `payment:${visa.id}`]);
    expect(await owner.lookup.resolve({ q: '4242' })).toEqual([
      { type: 'payment', id: visa.id, path: `/payments/${visa.id}`, label: '$12.00 · Succeeded · visa •••• 4242', detail: 'ada@analytical.example' },
    ]);
    expect((await owner.lookup.resolve({ q: '4444' })).map((r) => r.id)).toEqual([mastercard.id]);
    expect(await owner.lookup.resolve({ q: '0000' })).toEqual([]);
    // Too short to use the trigram indexes: nothing rather than a scan.
    expect(await owner.lookup.resolve({ q: 'le' })).toEqual([]);
    expect((await other.owner.lookup.resolve({ q: 'levi' })).map((r) => r.label)).toEqual(['levi@elsewhere.example']);
  });

  it('caps email matches at five customers and five payments', async () => {
    const { owner, actor } = await merchantWithOwner();
    for (let i = 0; i < 7; i++) {
      const c = await createCustomer(t.deps, actor, { email: `many${i}@crowd.example` });
      await createPaymentIntent(t.deps, actor, { amount: 1000 + i, currency: 'usd', customer: c.id });
    }
    const results = await owner.lookup.resolve({ q: '@crowd.example' });
    expect(results.filter((r) => r.type === 'customer')).toHaveLength(5);
    expect(results.filter((r) => r.type === 'payment')).toHaveLength(5);
  });
});
