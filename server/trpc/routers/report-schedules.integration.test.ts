import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/permissions.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { callerFor, memberCaller, type Caller } from './payments.fixtures.js';

let t: TestDatabase;
let owner: Caller;
let ownerId: string;
let merchantId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  merchantId = m.merchant.id;
  ownerId = m.user.id;
  owner = await callerFor(t, m.user.id, merchantId);
});
afterAll(async () => {
  await t?.drop();
});

async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('reports.schedules router', () => {
  it('owner, admin and finance manage scheduled exports; the other roles are refused', async () => {
    const finance = await memberCaller(t, merchantId, 'finance');
    const created = await finance.caller.reports.schedules.create({ name: 'Daily refunds', reportType: 'refunds.itemized.1', frequency: 'daily', recipients: [finance.userId, ownerId] });
    // The merchant's zone by default.
    expect(created).toMatchObject({ name: 'Daily refunds', frequency: 'daily', paused: false, nextRunAt: expect.any(Number), timezone: expect.any(String) });
    const recipients = await owner.reports.schedules.recipients();
    expect(recipients.map((r) => r.userId)).toEqual(expect.arrayContaining([ownerId, finance.userId]));

    const admin = await memberCaller(t, merchantId, 'admin');
    const updated = await admin.caller.reports.schedules.update({ id: created.id, schedule: { name: 'Weekly refunds', reportType: 'refunds.itemized.1', frequency: 'weekly', weekday: 5, recipients: [admin.userId] } });
    expect(updated).toMatchObject({ name: 'Weekly refunds', weekday: 5, recipients: [{ userId: admin.userId }] });
    expect((await owner.reports.schedules.pause({ id: created.id, paused: true })).paused).toBe(true);
    expect((await owner.reports.schedules.list()).map((s) => [s.id, s.paused])).toEqual([[created.id, true]]);

    for (const role of ['developer', 'support', 'viewer'] as Role[]) {
      const { caller, userId } = await memberCaller(t, merchantId, role);
      expect((await errorOf(caller.reports.schedules.list())).code).toBe('FORBIDDEN');
      expect((await errorOf(caller.reports.schedules.create({ name: 'x', reportType: 'payments.itemized.1', frequency: 'daily', recipients: [userId] }))).code).toBe('FORBIDDEN');
      expect((await errorOf(caller.reports.schedules.delete({ id: created.id }))).code).toBe('FORBIDDEN');
      // Nor can they be chosen as recipients.
      expect((await errorOf(owner.reports.schedules.create({ name: 'x', reportType: 'payments.itemized.1', frequency: 'daily', recipients: [userId] }))).code).toBe('BAD_REQUEST');
    }
    expect((await errorOf(owner.reports.schedules.create({ name: 'x', reportType: 'payments.itemized.1', frequency: 'monthly', recipients: [ownerId] }))).code).toBe('BAD_REQUEST');

    await owner.reports.schedules.delete({ id: created.id });
    expect(await owner.reports.schedules.list()).toEqual([]);
    expect((await errorOf(owner.reports.schedules.delete({ id: created.id }))).code).toBe('NOT_FOUND');
  });
});
