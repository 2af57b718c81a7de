import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentError } from '../../../shared/errors.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { listEvents } from '../events/events.service.js';
import type { Actor } from '../shared/deps.js';
import { createCustomer, deleteCustomer, getCustomer, listCustomers, searchCustomers, updateCustomer } from './customers.service.js';

let t: TestDatabase;
let actor: Actor;

beforeAll(async () => {
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  actor = { merchantId: m.merchant.id, livemode: false, userId: m.user.id };
});
afterAll(async () => t?.drop());

describe('customers', () => {
  it('creates, updates with previous_attributes, soft-deletes', async () => {
    const c = await createCustomer(t.deps, actor, { email: 'Jane@Example.test', name: 'Jane Doe', phone: '+15555550100', description: 'VIP', metadata: { crm: '7' } });
    expect(c).toMatchObject({ object: 'customer', email: 'Jane@Example.test', name: 'Jane Doe', livemode: false, metadata: { crm: '7' }, address: null, balance: 0 });
    const u = await updateCustomer(t.deps, actor, c.id, { name: 'Jane Roe', description: '', metadata: { crm: '', tier: 'gold' } });
    expect(u).toMatchObject({ name: 'Jane Roe', description: null, metadata: { tier: 'gold' } });
    const events = await listEvents(t.deps, actor, { types: ['customer.created', 'customer.updated'] });
    const updated = events.data.find((e) => e.type === 'customer.updated' && e.data.object.id === c.id)!;
    expect(updated.data.previous_attributes).toEqual({ name: 'Jane Doe', description: 'VIP', metadata: { crm: '7' } });
    expect(events.data.some((e) => e.type === 'customer.created' && e.data.object.id === c.id)).toBe(true);

    expect(await deleteCustomer(t.deps, actor, c.id)).toEqual({ id: c.id, object: 'customer', deleted: true });
    expect(await getCustomer(t.deps, actor, c.id)).toEqual({ id: c.id, object: 'customer', deleted: true });
    const err = await updateCustomer(t.deps, actor, c.id, { name: 'x' }).catch((e: PaymentError) => e);
    expect(err).toMatchObject({ code: 'resource_missing', status: 404 });
    expect((await listEvents(t.deps, actor, { type: 'customer.deleted' })).data[0].data.object).toMatchObject({ id: c.id, object: 'customer' });
    expect((await listCustomers(t.deps, actor, { email: 'jane@example.test' })).data).toHaveLength(0);
  });

  it('lists by email and searches by email, name, metadata and negation', async () => {
    const a = await createCustomer(t.deps, actor, { email: 'alice@shop.test', name: 'Alice Smith', metadata: { segment: 'b2b' } });
    const b = await createCustomer(t.deps, actor, { email: 'bob@shop.test', name: 'Bob Stone' });
    expect((await listCustomers(t.deps, actor, { email: 'ALICE@shop.test' })).data.map((c) => c.id)).toEqual([a.id]);
    const ids = async (query: string) => (await searchCustomers(t.deps, actor, { query })).data.map((c) => c.id).sort();
    expect(await ids('email~"shop.test"')).toEqual([a.id, b.id].sort());
    expect(await ids('name:"alice smith"')).toEqual([a.id]);
    expect(await ids('metadata["segment"]:"b2b"')).toEqual([a.id]);
    expect(await ids('email~"shop.test" -metadata["segment"]:"b2b"')).toEqual([b.id]);
    expect(await ids('email~"shop.test" AND metadata["segment"]:null')).toEqual([b.id]);
    const bad = await searchCustomers(t.deps, actor, { query: 'amount>5' }).catch((e: PaymentError) => e);
    expect(bad).toMatchObject({ code: 'search_query_invalid', param: 'query' });
  });

  it('keeps modes and merchants apart', async () => {
    const c = await createCustomer(t.deps, actor, { email: 'scoped@shop.test' });
    expect(await getCustomer(t.deps, { ...actor, livemode: true }, c.id).catch((e: PaymentError) => e.code)).toBe('resource_missing');
    const other = await createTestMerchant(t.db);
    expect(await getCustomer(t.deps, { merchantId: other.merchant.id, livemode: false }, c.id).catch((e: PaymentError) => e.code)).toBe('resource_missing');
  });
});
