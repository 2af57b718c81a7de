import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMajorUnits } from '../../../shared/money.js';
import { getBalance, listBalanceTransactions, releaseAvailableFunds } from '../balance/balance.service.js';
import { closeDispute, listDisputes, openDispute } from '../disputes/disputes.service.js';
import { createPaymentIntent } from '../payment-intents/payment-intents.service.js';
import { createPayout } from '../payouts/payouts.service.js';
import { createRefund } from '../refunds/refunds.service.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { localFileStorage } from '../storage/storage.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { createReportRun, getReportRunView, openFileForApi, runReport } from './reports.service.js';

/** Issue 12, items 1 and 2: balance.summary.1 and disputes.itemized.1 against the API's own sums. */

let t: TestDatabase;
let deps: CoreDeps;
let filesDir: string;
const NY = 'America/New_York';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function exportOnce(actor: Actor & { userId: string }, input: Parameters<typeof createReportRun>[3]) {
  const view = await createReportRun(deps, actor, NY, input);
  expect(await runReport(deps, actor, view.id)).toBe('succeeded');
  const done = await getReportRunView(deps, actor, view.id);
  return { run: done, bytes: await readAll((await openFileForApi(deps, actor, done.file!.id)).body) };
}

function parseCsv(bytes: Buffer) {
  const parsed = Papa.parse<Record<string, string>>(bytes.toString('utf8'), { header: true, skipEmptyLines: true, delimiter: ',' });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

/** A signed major-unit string back to minor units. */
const minor = (value: string, currency: string) => (value.startsWith('-') ? -1 : 1) * parseMajorUnits(value.replace(/^-/, ''), currency)!;

async function newActor(): Promise<Actor & { userId: string }> {
  const m = await createTestMerchant(t.db);
  return { merchantId: m.merchant.id, livemode: false, userId: m.user.id };
}

async function pay(actor: Actor, amount: number, currency: string, metadata: Record<string, string> = {}) {
  return createPaymentIntent(deps, actor, { amount, currency, confirm: true, payment_method: 'pm_card_visa', metadata });
}

beforeAll(async () => {
  t = await createTestDatabase();
  filesDir = mkdtempSync(path.join(os.tmpdir(), 'pf-report-types-'));
  deps = { ...t.deps, storage: localFileStorage(filesDir) };
});

afterAll(async () => {
  await t?.drop();
  rmSync(filesDir, { recursive: true, force: true });
});

describe('balance.summary.1', () => {
  it('starting balance, activity by category, payouts and ending balance equal the ledger and /v1/balance', async () => {
    const a = await newActor();
    const usd = await pay(a, 10_000, 'usd', { order_id: 'S-1' });
    await pay(a, 5000, 'usd');
    await pay(a, 3000, 'eur');
    await createRefund(deps, a, { payment_intent: usd.id, amount: 2000 });
    const disputed = await pay(a, 4000, 'usd');
    await openDispute(deps, a, { paymentIntentId: disputed.id, reason: 'fraudulent' });
    // Everything so far becomes available and is paid out in part.
    await releaseAvailableFunds(deps, { now: new Date(Date.now() + 30 * 86_400_000) });
    await createPayout(deps, a, { currency: 'usd' });
    await pay(a, 700, 'usd');

    // The ledger laid out around one New York day with its DST change: [2026-03-08T05:00Z, 2026-03-09T04:00Z).
    const ledger = await t.db.selectFrom('balance_transactions').select(['id', 'currency', 'net', 'reporting_category']).where('merchant_id', '=', a.merchantId).orderBy('created_at').orderBy('id').execute();
    expect(new Set(ledger.map((l) => l.reporting_category))).toEqual(new Set(['charge', 'refund', 'dispute', 'payout']));
    // In order: usd charge, usd charge, eur charge, refund, usd charge, dispute, payout, usd charge.
    expect(ledger.map((l) => l.reporting_category)).toEqual(['charge', 'charge', 'charge', 'refund', 'charge', 'dispute', 'payout', 'charge']);
    const instants = [
      '2026-03-08T04:59:59.999999Z', '2026-03-08T05:00:00Z', '2026-03-08T12:00:00Z', '2026-03-09T04:00:00Z',
      '2026-03-08T20:00:00Z', '2026-03-09T03:59:59.999999Z', '2026-03-08T21:00:00Z', '2026-03-07T10:00:00Z',
    ];
    const placed = ledger.map((l, i) => ({ ...l, at: instants[i]!, net: Number(l.net) }));
    for (const p of placed) await t.db.updateTable('balance_transactions').set({ created_at: p.at as never }).where('merchant_id', '=', a.merchantId).where('id', '=', p.id).execute();
    const inRange = (p: (typeof placed)[number]) => p.at >= '2026-03-08T05:00:00Z' && p.at < '2026-03-09T04:00:00Z';

    const { bytes } = await exportOnce(a, { reportType: 'balance.summary.1', intervalStart: '2026-03-08', intervalEnd: '2026-03-09', timezone: NY, columns: ['category', 'description', 'net_amount', 'currency', 'reporting_category', 'count', 'gross', 'fee'] });
    const rows = parseCsv(bytes);
    expect(bytes.toString('utf8').split('\r\n')[0]).toBe('category,description,net_amount,currency,reporting_category,count,gross,fee');
    for (const currency of ['eur', 'usd']) {
      const mine = rows.filter((r) => r.currency === currency);
      const own = placed.filter((p) => p.currency === currency);
      const starting = own.filter((p) => p.at < '2026-03-08T05:00:00Z').reduce((s, p) => s + p.net, 0);
      expect(mine[0]).toMatchObject({ category: 'starting_balance', description: 'Starting balance (2026-03-08)' });
      expect(minor(mine[0]!.net_amount!, currency)).toBe(starting);
      const moves = mine.filter((r) => r.category === 'activity' || r.category === 'payouts');
      for (const r of moves) {
        const same = own.filter((p) => inRange(p) && p.reporting_category === r.reporting_category);
        expect(minor(r.net_amount!, currency)).toBe(same.reduce((s, p) => s + p.net, 0));
        expect(Number(r.count)).toBe(same.length);
        expect(r.category).toBe(r.reporting_category === 'payout' ? 'payouts' : 'activity');
      }
      expect(new Set(moves.map((r) => r.reporting_category))).toEqual(new Set(own.filter(inRange).map((p) => p.reporting_category)));
      if (currency === 'usd') expect(moves.map((r) => `${r.category}:${r.reporting_category}`)).toEqual(['activity:charge', 'activity:dispute', 'payouts:payout']);
      const last = mine[mine.length - 1]!;
      expect(last).toMatchObject({ category: 'ending_balance', description: 'Ending balance (2026-03-08)' });
      expect(minor(last.net_amount!, currency)).toBe(starting + own.filter(inRange).reduce((s, p) => s + p.net, 0));
    }

    // The range's activity equals the balance transactions the API lists for it.
    const listed = await listBalanceTransactions(deps, a, { limit: 100, created: { gte: Date.parse('2026-03-08T05:00:00Z') / 1000, lt: Date.parse('2026-03-09T04:00:00Z') / 1000 } });
    for (const currency of ['eur', 'usd']) {
      const fromApi = listed.data.filter((x) => x.currency === currency).reduce((s, x) => s + x.net, 0);
      const fromFile = rows.filter((r) => r.currency === currency && (r.category === 'activity' || r.category === 'payouts')).reduce((s, r) => s + minor(r.net_amount!, currency), 0);
      expect(fromFile).toBe(fromApi);
    }

    // All time, in Excel: the ending balance is /v1/balance (available plus pending) to the cent.
    const all = await exportOnce(a, { reportType: 'balance.summary.1', format: 'xlsx', columns: ['category', 'currency', 'net_amount'] });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(all.bytes as unknown as ArrayBuffer);
    const values = workbook.worksheets[0]!.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1) as [string, string, number]);
    const balance = await getBalance(deps, a);
    for (const currency of ['eur', 'usd']) {
      const ending = values.find((v) => v[0] === 'ending_balance' && v[1] === currency)![2];
      const expected = (balance.available.find((x) => x.currency === currency)?.amount ?? 0) + (balance.pending.find((x) => x.currency === currency)?.amount ?? 0);
      expect(minor(String(ending), currency)).toBe(expected);
      expect(values.find((v) => v[0] === 'starting_balance' && v[1] === currency)![2]).toBe(0);
    }

    // The currency filter; the payout filter belongs to payout reconciliation only.
    const eur = await exportOnce(a, { reportType: 'balance.summary.1', filters: { currency: 'eur' } });
    expect(new Set(parseCsv(eur.bytes).map((r) => r.currency))).toEqual(new Set(['eur']));
    await expect(createReportRun(deps, a, NY, { reportType: 'balance.summary.1', filters: { payout: 'po_x' } })).rejects.toMatchObject({ param: 'filters.payout' });
  });
});

describe('disputes.itemized.1', () => {
  it('has exactly the disputes of [start, end) in a non-UTC zone across a DST change, with the list filters', async () => {
    const a = await newActor();
    const at = ['2026-03-08T04:59:59.999Z', '2026-03-08T05:00:00Z', '2026-03-08T18:30:00Z', '2026-03-09T03:59:59.999Z', '2026-03-09T04:00:00Z'];
    const disputes = [];
    for (const [i, when] of at.entries()) {
      const intent = await pay(a, 1000 * (i + 1), i === 2 ? 'jpy' : 'usd', { order_id: `D-${i}` });
      disputes.push((await openDispute(deps, a, { paymentIntentId: intent.id, reason: i === 1 ? 'product_not_received' : 'fraudulent', at: new Date(when) }))!);
    }
    // Microsecond edges: the last instant before each boundary.
    await t.db.updateTable('disputes').set({ created_at: '2026-03-08T04:59:59.999999Z' as never }).where('merchant_id', '=', a.merchantId).where('id', '=', disputes[0]!.id).execute();
    await t.db.updateTable('disputes').set({ created_at: '2026-03-09T03:59:59.999999Z' as never }).where('merchant_id', '=', a.merchantId).where('id', '=', disputes[3]!.id).execute();
    await closeDispute(deps, a, disputes[2]!.id);

    const { run, bytes } = await exportOnce(a, { reportType: 'disputes.itemized.1', intervalStart: '2026-03-08', intervalEnd: '2026-03-09', timezone: NY, columns: [
      'id', 'charge_id', 'payment_intent_id', 'amount', 'currency', 'reason', 'status', 'evidence_due_by', 'created', 'closed_at', 'metadata[order_id]',
    ] });
    expect(run).toMatchObject({ rowsWritten: 3, rowsEstimate: 3 });
    const rows = parseCsv(bytes);
    expect(rows.map((r) => r.id)).toEqual([disputes[1]!.id, disputes[2]!.id, disputes[3]!.id]);
    expect(rows.map((r) => r.created)).toEqual(['2026-03-08T00:00:00-05:00', '2026-03-08T14:30:00-04:00', '2026-03-08T23:59:59-04:00']);
    expect(rows[0]).toMatchObject({
      payment_intent_id: disputes[1]!.payment_intent, charge_id: disputes[1]!.charge ?? '', amount: '20.00', currency: 'usd', reason: 'product_not_received',
      status: 'needs_response', evidence_due_by: '2026-03-15T01:00:00-04:00', closed_at: '', 'metadata[order_id]': 'D-1',
    });
    expect(rows[1]).toMatchObject({ amount: '3000', currency: 'jpy', status: 'lost', 'metadata[order_id]': 'D-2' });
    expect(rows[1]!.closed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00$/);

    // Totals per currency equal GET /v1/disputes for the same range.
    const listed = await listDisputes(deps, a, { limit: 100, created: { gte: Date.parse('2026-03-08T05:00:00Z') / 1000, lt: Date.parse('2026-03-09T04:00:00Z') / 1000 } });
    const sums = (items: { currency: string; amount: number }[]) => items.reduce<Record<string, number>>((s, x) => ({ ...s, [x.currency]: (s[x.currency] ?? 0) + x.amount }), {});
    expect(sums(rows.map((r) => ({ currency: r.currency!, amount: minor(r.amount!, r.currency!) })))).toEqual(sums(listed.data));

    // The Disputes list's status tabs and one payment.
    const closed = await exportOnce(a, { reportType: 'disputes.itemized.1', columns: ['id'], filters: { status: 'closed' } });
    expect(parseCsv(closed.bytes).map((r) => r.id)).toEqual([disputes[2]!.id]);
    const open = await exportOnce(a, { reportType: 'disputes.itemized.1', columns: ['id'], filters: { status: 'needs_response' } });
    expect(parseCsv(open.bytes)).toHaveLength(4);
    const one = await exportOnce(a, { reportType: 'disputes.itemized.1', columns: ['id'], filters: { payment_intent: disputes[4]!.payment_intent } });
    expect(parseCsv(one.bytes).map((r) => r.id)).toEqual([disputes[4]!.id]);
    await expect(createReportRun(deps, a, NY, { reportType: 'disputes.itemized.1', filters: { status: 'bogus' } })).rejects.toMatchObject({ param: 'filters.status' });
    await expect(createReportRun(deps, a, NY, { reportType: 'disputes.itemized.1', filters: { currency: 'usd' } })).rejects.toMatchObject({ code: 'parameter_unknown' });

    // Another merchant's export has none of them.
    const other = await newActor();
    const theirs = await exportOnce(other, { reportType: 'disputes.itemized.1', columns: ['id'] });
    expect(parseCsv(theirs.bytes)).toEqual([]);
  });
});
