import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/permissions.js';
import { createPaymentIntent } from '../../core/payment-intents/payment-intents.service.js';
import { runReport } from '../../core/reports/reports.service.js';
import { localFileStorage } from '../../core/storage/storage.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { callerFor, memberCaller, type Caller } from './payments.fixtures.js';

let t: TestDatabase;
let owner: Caller;
let merchantId: string;
let filesDir: string;

beforeAll(async () => {
  t = await createTestDatabase();
  filesDir = mkdtempSync(path.join(os.tmpdir(), 'pf-reports-trpc-'));
  t.deps.storage = localFileStorage(filesDir);
  const m = await createTestMerchant(t.db);
  merchantId = m.merchant.id;
  owner = await callerFor(t, m.user.id, merchantId);
  await createPaymentIntent(t.deps, { merchantId, livemode: false, userId: m.user.id }, { amount: 2000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
});
afterAll(async () => {
  await t?.drop();
  rmSync(filesDir, { recursive: true, force: true });
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

describe('reports router', () => {
  it('owner, admin and finance export; the other roles are refused', async () => {
    for (const role of ['admin', 'finance'] as Role[]) {
      const { caller } = await memberCaller(t, merchantId, role);
      const run = await caller.reports.create({ reportType: 'payments.itemized.1' });
      expect(run).toMatchObject({ status: 'pending', reportType: 'payments.itemized.1', format: 'csv' });
      expect((await caller.reports.types()).map((x) => x.id)).toContain('refunds.itemized.1');
    }
    for (const role of ['developer', 'support', 'viewer'] as Role[]) {
      const { caller } = await memberCaller(t, merchantId, role);
      expect((await errorOf(caller.reports.create({ reportType: 'payments.itemized.1' }))).code).toBe('FORBIDDEN');
      expect((await errorOf(caller.reports.list({}))).code).toBe('FORBIDDEN');
    }
  });

  it('follows a run to its download link, scoped to the merchant', async () => {
    const run = await owner.reports.create({ reportType: 'payments.itemized.1', format: 'jsonl', columns: ['id', 'amount'] });
    expect((await errorOf(owner.reports.downloadLink({ id: run.id }))).code).toBe('BAD_REQUEST');
    expect(await runReport(t.deps, { merchantId, livemode: false }, run.id)).toBe('succeeded');
    const done = await owner.reports.get({ id: run.id });
    expect(done).toMatchObject({ status: 'succeeded', rowsWritten: 1, rowsEstimate: 1, file: { filename: expect.stringMatching(/\.jsonl$/) } });
    expect((await owner.reports.list({})).map((r) => r.id)).toContain(run.id);
    const link = await owner.reports.downloadLink({ id: run.id });
    expect(link.url).toMatch(new RegExp(`^/files/${done.file!.id}/download\\?`));

    const other = await createTestMerchant(t.db);
    const stranger = await callerFor(t, other.user.id, other.merchant.id);
    expect((await errorOf(stranger.reports.get({ id: run.id }))).code).toBe('NOT_FOUND');
    expect((await errorOf(stranger.reports.downloadLink({ id: run.id }))).code).toBe('NOT_FOUND');
  });

  it('rejects bad input with field errors', async () => {
    const bad = await errorOf(owner.reports.create({ reportType: 'payments.itemized.1', timezone: 'Nowhere/Else' }));
    expect(bad.code).toBe('BAD_REQUEST');
    const gz = await errorOf(owner.reports.create({ reportType: 'payments.itemized.1', format: 'xlsx', gzip: true }));
    expect(gz.message).toMatch(/gzip applies to CSV and JSON Lines/);
    const filters = await errorOf(owner.reports.create({ reportType: 'payments.itemized.1', filters: { amountMin: 100 } }));
    expect(filters.code).toBe('BAD_REQUEST');
  });
});
