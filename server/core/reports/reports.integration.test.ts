import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMajorUnits } from '../../../shared/money.js';
import { addMember } from '../accounts/accounts.service.js';
import { createCustomer } from '../customers/customers.service.js';
import { listPaymentIntents } from '../payment-intents/payment-intents-queries.service.js';
import { createPaymentIntent } from '../payment-intents/payment-intents.service.js';
import { createRefund } from '../refunds/refunds.service.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { localFileStorage } from '../storage/storage.js';
import { backdatePayment } from '../../test/backdate.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import {
  createDownloadLink,
  createReportRun,
  findReportTypeViews,
  getReportRun,
  getReportRunView,
  openFileForApi,
  openSignedDownload,
  pruneReportFiles,
  runReport,
} from './reports.service.js';

let t: TestDatabase;
let deps: CoreDeps;
let actor: Actor & { userId: string };
let filesDir: string;
const ZONE = 'America/New_York';
const ids: Record<string, string> = {};

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function pay(amount: number, currency: string, createdAt: string, extra: Record<string, unknown> = {}) {
  const pi = await createPaymentIntent(deps, actor, { amount, currency, confirm: true, payment_method: 'pm_card_visa', ...extra });
  await backdatePayment(t.db, actor.merchantId, pi.id, createdAt);
  return pi.id;
}

/** Starts a run and performs it as the job would; returns the run and its file's bytes. */
async function exportOnce(input: Parameters<typeof createReportRun>[3]) {
  const view = await createReportRun(deps, actor, ZONE, input);
  expect(await runReport(deps, actor, view.id)).toBe('succeeded');
  const done = await getReportRunView(deps, actor, view.id);
  const opened = await openFileForApi(deps, actor, done.file!.id);
  return { run: done, bytes: await readAll(opened.body), contentType: opened.contentType };
}

function parseCsv(bytes: Buffer) {
  const parsed = Papa.parse<Record<string, string>>(bytes.toString('utf8'), { header: true, skipEmptyLines: true, delimiter: ',' });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

beforeAll(async () => {
  t = await createTestDatabase();
  filesDir = mkdtempSync(path.join(os.tmpdir(), 'pf-reports-test-'));
  deps = { ...t.deps, storage: localFileStorage(filesDir) };
  const m = await createTestMerchant(t.db);
  actor = { merchantId: m.merchant.id, livemode: false, userId: m.user.id };
  const customer = await createCustomer(deps, actor, { email: 'finance.buyer@example.com', name: 'Finance Buyer' });
  ids.customer = customer.id;
  // America/New_York springs forward on 2026-03-08 (02:00 EST -> 03:00 EDT): that local day is 23 hours,
  // 05:00Z to 04:00Z the next day.
  ids.before = await pay(1111, 'usd', '2026-03-08T04:59:59.999999Z');
  ids.first = await pay(1999, 'usd', '2026-03-08T05:00:00Z', { metadata: { order_id: 'A-1' }, customer: customer.id, description: '=HYPERLINK("http://evil")' });
  ids.jpy = await pay(5000, 'jpy', '2026-03-08T12:00:00Z', { description: '+cmd|calc' });
  ids.kwd = await pay(1500, 'kwd', '2026-03-08T20:00:00Z', { description: '@SUM(A1)', metadata: { order_id: 'K, "quoted"' } });
  ids.last = await pay(2500, 'usd', '2026-03-09T03:59:59.999999Z', { description: '-2+3' });
  ids.after = await pay(3333, 'usd', '2026-03-09T04:00:00Z');
  ids.refund = (await createRefund(deps, actor, { payment_intent: ids.first, amount: 500 })).id;
  await t.db.updateTable('refunds').set({ created_at: '2026-03-08T18:00:00Z' }).where('id', '=', ids.refund).execute();
});

afterAll(async () => {
  await t?.drop();
  rmSync(filesDir, { recursive: true, force: true });
});

describe('payments export', () => {
  it('has exactly the rows of [start, end) in the zone across a DST change, with zone offsets and major units', async () => {
    const { run, bytes, contentType } = await exportOnce({
      reportType: 'payments.itemized.1', intervalStart: '2026-03-08', intervalEnd: '2026-03-09',
      columns: ['id', 'created', 'amount', 'currency', 'description', 'customer_email', 'metadata[order_id]'],
    });
    expect(contentType).toBe('text/csv; charset=utf-8');
    expect(run).toMatchObject({ status: 'succeeded', rowsWritten: 4, rowsEstimate: 4, timezone: ZONE, intervalStart: Date.parse('2026-03-08T05:00:00Z') / 1000 });
    const rows = parseCsv(bytes);
    expect(rows.map((r) => r.id)).toEqual([ids.first, ids.jpy, ids.kwd, ids.last]);
    expect(rows.map((r) => r.created)).toEqual(['2026-03-08T00:00:00-05:00', '2026-03-08T08:00:00-04:00', '2026-03-08T16:00:00-04:00', '2026-03-08T23:59:59-04:00']);
    expect(rows.map((r) => `${r.amount} ${r.currency}`)).toEqual(['19.99 usd', '5000 jpy', '1.500 kwd', '25.00 usd']);
    expect(rows[0]).toMatchObject({ customer_email: 'finance.buyer@example.com', 'metadata[order_id]': 'A-1' });
    expect(rows[2]!['metadata[order_id]']).toBe('K, "quoted"');
    expect(bytes.toString('utf8').split('\r\n')[0]).toBe('id,created,amount,currency,description,customer_email,metadata[order_id]');
  });

  it('neutralises cells a spreadsheet would run as a formula, but not negative numbers', async () => {
    const { bytes } = await exportOnce({ reportType: 'payments.itemized.1', intervalStart: '2026-03-08', intervalEnd: '2026-03-09', columns: ['id', 'description'] });
    const byId = Object.fromEntries(parseCsv(bytes).map((r) => [r.id, r.description]));
    expect(byId[ids.first!]).toBe(`'=HYPERLINK("http://evil")`);
    expect(byId[ids.jpy!]).toBe(`'+cmd|calc`);
    expect(byId[ids.kwd!]).toBe(`'@SUM(A1)`);
    expect(byId[ids.last!]).toBe(`'-2+3`);
  });

  it('totals per currency equal the API sums for the same range, to the cent', async () => {
    const start = Date.parse('2026-03-08T05:00:00Z') / 1000;
    const end = Date.parse('2026-03-09T04:00:00Z') / 1000;
    const { bytes } = await exportOnce({ reportType: 'payments.itemized.1', intervalStart: '2026-03-08', intervalEnd: '2026-03-09' });
    const fromFile: Record<string, number> = {};
    for (const r of parseCsv(bytes)) fromFile[r.currency!] = (fromFile[r.currency!] ?? 0) + parseMajorUnits(r.amount!, r.currency!)!;
    const listed = await listPaymentIntents(deps, actor, { limit: 100, created: { gte: start, lt: end } });
    const fromApi: Record<string, number> = {};
    for (const p of listed.data) fromApi[p.currency] = (fromApi[p.currency] ?? 0) + p.amount;
    expect(fromFile).toEqual(fromApi);
    expect(fromFile).toEqual({ usd: 1999 + 2500, jpy: 5000, kwd: 1500 });
  });

  it('applies the list filters: status and the search language', async () => {
    const refunded = await exportOnce({ reportType: 'payments.itemized.1', columns: ['id', 'status', 'amount_refunded'], filters: { status: ['partially_refunded'] } });
    expect(parseCsv(refunded.bytes)).toEqual([{ id: ids.first, status: 'partially_refunded', amount_refunded: '5.00' }]);
    const searched = await exportOnce({ reportType: 'payments.itemized.1', columns: ['id'], filters: { q: 'currency:"jpy"', sort: 'amount', limit: 25 } });
    expect(parseCsv(searched.bytes).map((r) => r.id)).toEqual([ids.jpy]);
    const byCustomer = await exportOnce({ reportType: 'payments.itemized.1', columns: ['id'], filters: { q: ids.customer } });
    expect(parseCsv(byCustomer.bytes).map((r) => r.id)).toEqual([ids.first]);
    await expect(createReportRun(deps, actor, ZONE, { reportType: 'payments.itemized.1', filters: { q: 'amount>>' } })).rejects.toMatchObject({ code: 'search_query_invalid' });
    await expect(createReportRun(deps, actor, ZONE, { reportType: 'payments.itemized.1', columns: ['nope'] })).rejects.toMatchObject({ param: 'columns' });
    await expect(createReportRun(deps, actor, ZONE, { reportType: 'payments.itemized.1', intervalStart: '2026-03-09', intervalEnd: '2026-03-08' })).rejects.toMatchObject({ param: 'intervalEnd' });
  });

  it('writes XLSX that a reader opens, with amounts as numbers', async () => {
    const { bytes, run } = await exportOnce({ reportType: 'payments.itemized.1', intervalStart: '2026-03-08', intervalEnd: '2026-03-09', format: 'xlsx', columns: ['id', 'amount', 'currency', 'description'] });
    expect(run.file!.filename).toMatch(/\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const values = sheet.getSheetValues().slice(1).map((r) => (r as unknown[]).slice(1));
    expect(values[0]).toEqual(['id', 'amount', 'currency', 'description']);
    expect(values.slice(1).map((r) => r[0])).toEqual([ids.first, ids.jpy, ids.kwd, ids.last]);
    expect(values.slice(1).map((r) => r[1])).toEqual([19.99, 5000, 1.5, 25]);
    expect(values[1]![3]).toBe(`'=HYPERLINK("http://evil")`);
  });

  it('writes gzipped JSON Lines with exact decimal amounts', async () => {
    const { bytes, contentType, run } = await exportOnce({ reportType: 'payments.itemized.1', intervalStart: '2026-03-08', intervalEnd: '2026-03-09', format: 'jsonl', gzip: true, columns: ['id', 'amount', 'currency'] });
    expect(contentType).toBe('application/gzip');
    expect(run.file!.filename).toMatch(/\.jsonl\.gz$/);
    const text = gunzipSync(bytes).toString('utf8');
    expect(text).toContain('"amount":1.500,');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { id: ids.first, amount: 19.99, currency: 'usd' },
      { id: ids.jpy, amount: 5000, currency: 'jpy' },
      { id: ids.kwd, amount: 1.5, currency: 'kwd' },
      { id: ids.last, amount: 25, currency: 'usd' },
    ]);
  });

  it('remembers the last column choice per member and offers metadata keys', async () => {
    await createReportRun(deps, actor, ZONE, { reportType: 'payments.itemized.1', columns: ['id', 'amount', 'metadata[order_id]'] });
    const types = await findReportTypeViews(deps, actor, actor.userId);
    const payments = types.find((x) => x.id === 'payments.itemized.1')!;
    expect(payments.lastColumns).toEqual(['id', 'amount', 'metadata[order_id]']);
    expect(payments.metadataKeys).toEqual(['order_id']);
    expect(payments.metadataColumns).toBe(true);
    expect(payments.defaultColumns).toContain('amount');
  });

  it('refuses metadata columns for the balance summary, whose rows are sums, by name', async () => {
    const refused = await createReportRun(deps, actor, ZONE, { reportType: 'balance.summary.1', columns: ['category', 'metadata[order_id]'] }).then(() => null, (e: Error) => e.message);
    expect(refused).toMatch(/Unknown column "metadata\[order_id\]" for balance.summary.1.*no metadata columns/);
    const summary = (await findReportTypeViews(deps, actor, actor.userId)).find((x) => x.id === 'balance.summary.1')!;
    expect(summary).toMatchObject({ metadataColumns: false, metadataKeys: [] });
  });
});

describe('refunds and customers exports', () => {
  it('exports refunds of the range and customers', async () => {
    const refunds = await exportOnce({ reportType: 'refunds.itemized.1', intervalStart: '2026-03-08', intervalEnd: '2026-03-09' });
    expect(parseCsv(refunds.bytes)).toEqual([expect.objectContaining({ id: ids.refund, amount: '5.00', currency: 'usd', payment_intent_id: ids.first, created: '2026-03-08T14:00:00-04:00' })]);
    const customers = await exportOnce({ reportType: 'customers.itemized.1', filters: { q: 'finance.buyer' } });
    expect(parseCsv(customers.bytes)).toEqual([expect.objectContaining({ id: ids.customer, email: 'finance.buyer@example.com', name: 'Finance Buyer' })]);
  });
});

describe('runs and files', () => {
  it('a restart during a running export re-runs it and never offers the partial file', async () => {
    const view = await createReportRun(deps, actor, ZONE, { reportType: 'payments.itemized.1', columns: ['id'] });
    const controller = new AbortController();
    await expect(runReport(deps, actor, view.id, { batchSize: 2, signal: controller.signal, onProgress: () => controller.abort(new Error('worker stopping')) })).rejects.toThrow('worker stopping');
    const interrupted = await getReportRunView(deps, actor, view.id);
    expect(interrupted).toMatchObject({ status: 'running', rowsWritten: 2, rowsEstimate: 6, file: null });
    expect((await getReportRun(deps, actor, view.id)).status).toBe('pending');
    await expect(createDownloadLink(deps, actor, view.id)).rejects.toMatchObject({ message: 'This export has no file yet.' });
    expect(readdirSync(path.join(filesDir, 'reports', actor.merchantId)).filter((f) => f.startsWith(view.id))).toEqual([]);

    expect(await runReport(deps, actor, view.id, { batchSize: 2 })).toBe('succeeded');
    const done = await getReportRunView(deps, actor, view.id);
    expect(done).toMatchObject({ status: 'succeeded', rowsWritten: 6 });
    const rows = parseCsv(await readAll((await openFileForApi(deps, actor, done.file!.id)).body));
    expect(rows).toHaveLength(6);
    expect(readdirSync(path.join(filesDir, 'reports', actor.merchantId)).filter((f) => f.startsWith(view.id))).toEqual([`${view.id}-2.csv`]);
    // The job running again after success changes nothing.
    expect(await runReport(deps, actor, view.id)).toBe('skipped');
    const api = await getReportRun(deps, actor, view.id);
    expect(api).toMatchObject({ status: 'succeeded', result: { object: 'file', id: done.file!.id, size: done.file!.size, type: 'csv' } });
  });

  it('other merchants and signed-out links get not-found; downloads need the export permission and are audited', async () => {
    const { run } = await exportOnce({ reportType: 'customers.itemized.1' });
    const other = await createTestMerchant(t.db);
    const otherScope = { merchantId: other.merchant.id, livemode: false };
    await expect(getReportRun(deps, otherScope, run.id)).rejects.toMatchObject({ code: 'resource_missing' });
    await expect(openFileForApi(deps, otherScope, run.file!.id)).rejects.toMatchObject({ code: 'resource_missing' });
    await expect(openFileForApi(deps, { ...actor, livemode: true }, run.file!.id)).rejects.toMatchObject({ code: 'resource_missing' });

    const link = await createDownloadLink(deps, actor, run.id);
    const query = Object.fromEntries(new URL(link.url, 'http://x').searchParams);
    const opened = await openSignedDownload(deps, run.file!.id, query);
    expect(parseCsv(await readAll(opened.body))).toHaveLength(1);
    await expect(openSignedDownload(deps, run.file!.id, { ...query, s: query.s!.replace(/./, (c) => (c === 'a' ? 'b' : 'a')) })).rejects.toMatchObject({ code: 'resource_missing' });
    await expect(openSignedDownload(deps, run.file!.id, { ...query, m: other.merchant.id })).rejects.toMatchObject({ code: 'resource_missing' });
    await expect(openSignedDownload(deps, run.file!.id, {})).rejects.toMatchObject({ code: 'resource_missing' });

    // A member whose role no longer allows exports cannot use a link minted for them.
    const finance = await addMember(t.db, actor.merchantId, { email: `fin-${Date.now()}@example.test`, name: 'Fin', password: 'a-long-test-passphrase', role: 'finance' });
    const financeLink = await createDownloadLink(deps, { ...actor, userId: finance.id }, run.id);
    const financeQuery = Object.fromEntries(new URL(financeLink.url, 'http://x').searchParams);
    await t.db.updateTable('memberships').set({ role: 'viewer' }).where('user_id', '=', finance.id).execute();
    await expect(openSignedDownload(deps, run.file!.id, financeQuery)).rejects.toMatchObject({ code: 'resource_missing' });

    const audit = await t.db.selectFrom('audit_log').select(['action', 'target_id', 'user_id']).where('merchant_id', '=', actor.merchantId).where('action', 'in', ['report_run.created', 'report_file.downloaded']).execute();
    expect(audit).toContainEqual({ action: 'report_run.created', target_id: run.id, user_id: actor.userId });
    expect(audit).toContainEqual({ action: 'report_file.downloaded', target_id: run.file!.id, user_id: actor.userId });
  });

  it('emits reporting.report_run.succeeded and removes files past their expiry', async () => {
    const { run } = await exportOnce({ reportType: 'customers.itemized.1' });
    const events = await t.db.selectFrom('events').select(['type', 'object_id']).where('merchant_id', '=', actor.merchantId).where('type', 'like', 'reporting.%').execute();
    expect(events).toContainEqual({ type: 'reporting.report_run.succeeded', object_id: run.id });
    await t.db.updateTable('report_files').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', run.file!.id).execute();
    await expect(openFileForApi(deps, actor, run.file!.id)).rejects.toMatchObject({ code: 'resource_missing' });
    expect(await pruneReportFiles(deps)).toBeGreaterThanOrEqual(1);
    expect(readdirSync(path.join(filesDir, 'reports', actor.merchantId)).filter((f) => f.startsWith(run.id))).toEqual([]);
    expect(await t.db.selectFrom('report_files').select('id').where('id', '=', run.file!.id).executeTakeFirst()).toBeUndefined();
  });

  it('a run whose parameters no longer hold fails with the reason and its event', async () => {
    const view = await createReportRun(deps, actor, ZONE, { reportType: 'customers.itemized.1' });
    await t.db.updateTable('report_runs').set({ parameters: JSON.stringify({ columns: ['id'], timezone: 'Not/AZone' }) }).where('id', '=', view.id).execute();
    expect(await runReport(deps, actor, view.id)).toBe('failed');
    expect(await getReportRun(deps, actor, view.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/Not\/AZone|time zone/i), result: null });
  });
});

describe('balance reports (the ledger)', () => {
  it('itemizes every money movement with gross, fee and net summing to the ledger, and its payment and metadata', async () => {
    const m = await createTestMerchant(t.db);
    const a: Actor & { userId: string } = { merchantId: m.merchant.id, livemode: false, userId: m.user.id };
    const pi = await createPaymentIntent(deps, a, { amount: 10_000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa', metadata: { order_id: 'B-7' } });
    await createPaymentIntent(deps, a, { amount: 5000, currency: 'eur', confirm: true, payment_method: 'pm_card_visa' });
    await createRefund(deps, a, { payment_intent: pi.id, amount: 2500 });
    const view = await createReportRun(deps, a, 'UTC', {
      reportType: 'balance_change_from_activity.itemized.3',
      columns: ['balance_transaction_id', 'reporting_category', 'currency', 'gross', 'fee', 'net', 'payment_intent_id', 'metadata[order_id]'],
    });
    expect(await runReport(deps, a, view.id)).toBe('succeeded');
    const done = await getReportRunView(deps, a, view.id);
    const rows = parseCsv(await readAll((await openFileForApi(deps, a, done.file!.id)).body));
    const ledger = await t.db.selectFrom('balance_transactions').selectAll().where('merchant_id', '=', a.merchantId).where('livemode', '=', false).orderBy('created_at').orderBy('id').execute();
    expect(ledger.length).toBeGreaterThanOrEqual(2);
    expect(rows.map((r) => r.balance_transaction_id)).toEqual(ledger.map((l) => l.id));
    for (const currency of ['usd', 'eur']) {
      const sum = (k: 'gross' | 'fee' | 'net') => rows.filter((r) => r.currency === currency).reduce((s, r) => s + parseMajorUnits(r[k]!.replace(/^-/, ''), currency)! * (r[k]!.startsWith('-') ? -1 : 1), 0);
      const inLedger = ledger.filter((l) => l.currency === currency);
      expect(sum('gross')).toBe(inLedger.reduce((s, l) => s + Number(l.amount), 0));
      expect(sum('fee')).toBe(inLedger.reduce((s, l) => s + Number(l.fee), 0));
      expect(sum('net')).toBe(inLedger.reduce((s, l) => s + Number(l.net), 0));
    }
    const charge = rows.find((r) => r.reporting_category === 'charge' && r.currency === 'usd')!;
    expect(charge).toMatchObject({ gross: '100.00', payment_intent_id: pi.id, 'metadata[order_id]': 'B-7' });

    const eurOnly = await createReportRun(deps, a, 'UTC', { reportType: 'balance_change_from_activity.itemized.3', filters: { currency: 'eur' } });
    expect(await runReport(deps, a, eurOnly.id)).toBe('succeeded');
    expect((await getReportRunView(deps, a, eurOnly.id)).rowsWritten).toBe(ledger.filter((l) => l.currency === 'eur').length);
    await expect(createReportRun(deps, a, 'UTC', { reportType: 'balance_change_from_activity.itemized.3', filters: { payout: 'po_x' } })).rejects.toMatchObject({ param: 'filters.payout' });
    const settled = await createReportRun(deps, a, 'UTC', { reportType: 'payout_reconciliation.itemized.5' });
    expect(await runReport(deps, a, settled.id)).toBe('succeeded');
    expect((await getReportRunView(deps, a, settled.id)).rowsWritten).toBe(ledger.filter((l) => l.payout_id !== null && l.type !== 'payout').length);
  });
});
