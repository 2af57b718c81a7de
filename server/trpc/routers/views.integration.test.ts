import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { MAX_PREFERENCES_PER_MEMBER } from '../../../shared/contracts/dashboard.js';
import { callerFor, memberCaller } from './payments.fixtures.js';

let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
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

describe('saved views', () => {
  it('round-trips views per page, visible only to the user who saved them in that merchant', async () => {
    const m = await createTestMerchant(t.db);
    const owner = await callerFor(t, m.user.id, m.merchant.id);
    const colleague = await memberCaller(t, m.merchant.id, 'viewer');

    const params = { status: 'failed', date: '30d', currency: 'eur', amountMin: '10.00' };
    const saved = await owner.views.create({ page: 'payments', name: '  Failed EUR  ', params });
    expect(saved).toMatchObject({ page: 'payments', name: 'Failed EUR', params });
    expect(saved.id).toMatch(/^sv_/);
    await owner.views.create({ page: 'refunds', name: 'Pending', params: { status: 'pending' } });

    expect((await owner.views.list({ page: 'payments' })).map((v) => v.name)).toEqual(['Failed EUR']);
    expect((await owner.views.list({ page: 'refunds' })).map((v) => v.name)).toEqual(['Pending']);
    expect(await colleague.caller.views.list({ page: 'payments' })).toEqual([]);
    // The colleague cannot delete it either; to them it does not exist.
    expect((await errorOf(colleague.caller.views.delete({ id: saved.id }))).code).toBe('NOT_FOUND');

    // The same user in another merchant has a separate set.
    const other = await createTestMerchant(t.db);
    const { addMember } = await import('../../core/accounts/accounts.service.js');
    await addMember(t.db, other.merchant.id, { email: m.user.email, name: 'Same person', password: 'a-long-test-passphrase', role: 'admin' });
    const elsewhere = await callerFor(t, m.user.id, other.merchant.id);
    expect(await elsewhere.views.list({ page: 'payments' })).toEqual([]);

    expect(await owner.views.delete({ id: saved.id })).toEqual({ id: saved.id, deleted: true });
    expect(await owner.views.list({ page: 'payments' })).toEqual([]);
    expect((await errorOf(owner.views.delete({ id: saved.id }))).code).toBe('NOT_FOUND');
  });

  it('refuses empty names, unknown pages and oversized params', async () => {
    const m = await createTestMerchant(t.db);
    const owner = await callerFor(t, m.user.id, m.merchant.id);
    expect((await errorOf(owner.views.create({ page: 'payments', name: '  ', params: {} }))).code).toBe('BAD_REQUEST');
    expect((await errorOf(owner.views.create({ page: 'webhooks' as never, name: 'x', params: {} }))).code).toBe('BAD_REQUEST');
    expect((await errorOf(owner.views.create({ page: 'payments', name: 'big', params: { q: 'x'.repeat(5000) } }))).code).toBe('BAD_REQUEST');
  });
});

describe('preferences', () => {
  it('round-trips a value per user and merchant, and overwrites it', async () => {
    const m = await createTestMerchant(t.db);
    const owner = await callerFor(t, m.user.id, m.merchant.id);
    const colleague = await memberCaller(t, m.merchant.id, 'finance');

    expect(await owner.preferences.get({ key: 'payments.columns' })).toEqual({ key: 'payments.columns', value: null });
    await owner.preferences.set({ key: 'payments.columns', value: ['amount', 'status', 'customer'] });
    expect(await owner.preferences.get({ key: 'payments.columns' })).toEqual({ key: 'payments.columns', value: ['amount', 'status', 'customer'] });
    await owner.preferences.set({ key: 'payments.columns', value: { hidden: ['description'] } });
    expect((await owner.preferences.get({ key: 'payments.columns' })).value).toEqual({ hidden: ['description'] });

    expect((await colleague.caller.preferences.get({ key: 'payments.columns' })).value).toBeNull();
    await colleague.caller.preferences.set({ key: 'payments.columns', value: false });
    expect((await colleague.caller.preferences.get({ key: 'payments.columns' })).value).toBe(false);
    expect((await owner.preferences.get({ key: 'payments.columns' })).value).toEqual({ hidden: ['description'] });
    expect((await errorOf(owner.preferences.set({ key: 'Bad Key!', value: 1 }))).code).toBe('BAD_REQUEST');
  });

  it('caps the keys a member stores, also under parallel writes, and the size of a value', async () => {
    const m = await createTestMerchant(t.db);
    const viewer = await memberCaller(t, m.merchant.id, 'viewer');
    const results = await Promise.allSettled(Array.from({ length: MAX_PREFERENCES_PER_MEMBER + 10 }, (_, i) => viewer.caller.preferences.set({ key: `k${i}`, value: i })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(MAX_PREFERENCES_PER_MEMBER);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'BAD_REQUEST', message: `You can keep at most ${MAX_PREFERENCES_PER_MEMBER} preferences.` });
    const stored = await t.db.selectFrom('user_preferences').select('key').where('user_id', '=', viewer.userId).execute();
    expect(stored).toHaveLength(MAX_PREFERENCES_PER_MEMBER);
    // Overwriting a stored key is still allowed at the cap.
    await expect(viewer.caller.preferences.set({ key: 'k0', value: 'changed' })).resolves.toEqual({ key: 'k0', value: 'changed' });
    expect((await errorOf(viewer.caller.preferences.set({ key: 'k0', value: 'x'.repeat(9000) }))).code).toBe('BAD_REQUEST');
  });
});
