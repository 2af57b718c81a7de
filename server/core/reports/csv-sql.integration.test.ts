/**
 * CSV exports are written by PostgreSQL (reports.repository.ts findExportCsvBatch); JSON Lines and XLSX are
 * formatted in TS (cellReaders, writers.ts, cells.ts, money.ts). Both must give the same cells, so this
 * compares the bytes of each CSV both ways, for every column of every report type, on rows made to hit the
 * edges: formula prefixes, quotes, commas and newlines, jpy/kwd/usd amounts, offsets across DST changes and
 * in half- and quarter-hour zones, microsecond instants, every display status, null and missing metadata.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasMetadataColumns, REPORT_TYPE_IDS, REPORT_TYPES, type ReportTypeId } from '../../../shared/contracts/reports.js';
import { createCustomer } from '../customers/customers.service.js';
import { cancelPaymentIntent, createPaymentIntent } from '../payment-intents/payment-intents.service.js';
import { createRefund } from '../refunds/refunds.service.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { localFileStorage } from '../storage/storage.js';
import { backdatePayment } from '../../test/backdate.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { createReportRun, getReportRunView, openFileForApi, runReport } from './reports.service.js';

let t: TestDatabase;
let deps: CoreDeps;
let actor: Actor & { userId: string };
let filesDir: string;

/** Text that a spreadsheet or a CSV parser could get wrong. */
const AWKWARD = [
  '=SUM(A1:A9)', '+1-555', '-2+3', '@cmd', '\tleading tab', '\rleading CR', '\nleading LF', 'say "hi"', 'a, b', 'two\nlines', 'cr\rinside',
  'crlf\r\ninside', '"', ',', '', '\\.', "'already quoted", 'café ☕ 日本', 'trailing space ', ' =not first',
];

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function exportBoth(input: Parameters<typeof createReportRun>[3], zone: string, batchSize?: number): Promise<{ sql: Buffer; ts: Buffer; rows: number }> {
  const out: Buffer[] = [];
  let rows = 0;
  for (const csvFromDatabase of [true, false]) {
    const view = await createReportRun(deps, actor, zone, input);
    expect(await runReport(deps, actor, view.id, { csvFromDatabase, batchSize })).toBe('succeeded');
    const done = await getReportRunView(deps, actor, view.id);
    rows = done.rowsWritten;
    out.push(await readAll((await openFileForApi(deps, actor, done.file!.id)).body));
  }
  return { sql: out[0]!, ts: out[1]!, rows };
}

function parse(bytes: Buffer) {
  const parsed = Papa.parse<Record<string, string>>(bytes.toString('utf8').replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true, delimiter: ',' });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

beforeAll(async () => {
  t = await createTestDatabase();
  filesDir = mkdtempSync(path.join(os.tmpdir(), 'pf-csv-sql-test-'));
  deps = { ...t.deps, storage: localFileStorage(filesDir) };
  const m = await createTestMerchant(t.db);
  actor = { merchantId: m.merchant.id, livemode: false, userId: m.user.id };
  const customers = [];
  for (const [i, text] of AWKWARD.slice(0, 8).entries()) {
    customers.push(await createCustomer(deps, actor, { email: `buyer${i}@example.com`, name: text, phone: i % 2 ? '+1 555 0100' : undefined, description: AWKWARD[AWKWARD.length - 1 - i] }));
  }
  // Instants on each side of DST changes (New York 2026-03-08 07:00Z, Lord Howe's half-hour change
  // 2026-04-04 15:00Z), microseconds before a second, and around midnight UTC.
  const instants = ['2026-03-08T06:59:59.999999Z', '2026-03-08T07:00:00Z', '2026-04-04T14:59:59Z', '2026-04-04T15:00:00.5Z', '2026-01-01T00:00:00Z', '2025-12-31T23:59:59.999Z'];
  const currencies: [string, number][] = [['usd', 1999], ['jpy', 5000], ['kwd', 1500], ['usd', 50], ['bhd', 12345], ['krw', 99999999], ['eur', 100000]];
  for (let i = 0; i < 21; i++) {
    const [currency, amount] = currencies[i % currencies.length]!;
    const text = AWKWARD[i % AWKWARD.length]!;
    const metadata: Record<string, string> = i % 3 === 0 ? {} : { order_id: text || 'empty-not-allowed', note: `n${i}` };
    const manual = i % 5 === 4;
    const pi = await createPaymentIntent(deps, actor, {
      amount, currency, confirm: i % 7 !== 6, payment_method: i % 6 === 5 ? 'pm_card_chargeDeclined' : 'pm_card_visa', description: text || undefined,
      metadata, customer: i % 2 ? customers[i % customers.length]!.id : undefined, receipt_email: i % 4 === 0 ? `r${i}@example.com` : undefined,
      ...(manual ? { capture_method: 'manual' } : {}),
    }).catch(() => null);
    if (!pi) continue;
    if (pi.status === 'succeeded' && i % 3 === 1) await createRefund(deps, actor, { payment_intent: pi.id, amount: i % 2 ? Math.floor(amount / 3) || 1 : amount });
    if (i === 13) await cancelPaymentIntent(deps, actor, pi.id, {}).catch(() => {});
    await backdatePayment(t.db, actor.merchantId, pi.id, instants[i % instants.length]!);
  }
  // Rows a description or statement descriptor the API would refuse can still hold (older data, imports).
  await t.db.updateTable('refunds').set({ note: '@note, "quoted"' }).where('merchant_id', '=', actor.merchantId).execute();
  // Every display status: processing and requires_action have no test card flow that stops there.
  const some = await t.db.selectFrom('payment_intents').select('id').where('merchant_id', '=', actor.merchantId).where('status', '=', 'requires_payment_method').execute();
  if (some[0]) await t.db.updateTable('payment_intents').set({ status: 'processing' }).where('id', '=', some[0].id).execute();
  const canceled = await createPaymentIntent(deps, actor, { amount: 777, currency: 'usd' });
  await cancelPaymentIntent(deps, actor, canceled.id, {});
  await t.db.updateTable('payment_intents').set({ failed_attempts: 2, description: '=danger' + '\r\n' + '"x",y', statement_descriptor: '-SD' }).where('id', '=', canceled.id).execute();
  const waiting = await createPaymentIntent(deps, actor, { amount: 888, currency: 'gbp', confirm: true, payment_method: 'pm_card_threeDSecure2Required' }).catch(() => null);
  if (waiting) await backdatePayment(t.db, actor.merchantId, waiting.id, '2026-03-08T07:00:00Z');
});

afterAll(async () => {
  await t?.drop();
  rmSync(filesDir, { recursive: true, force: true });
});

const ZONES = ['America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'];

describe('CSV written by PostgreSQL is byte for byte the CSV the TS writers make', () => {
  it.each(REPORT_TYPE_IDS)('%s, every column and metadata, in four zones', async (type: ReportTypeId) => {
    const columns = [...REPORT_TYPES[type].columns.map((c) => c.id), ...(type === 'customers.itemized.1' || !hasMetadataColumns(type) ? [] : ['metadata[order_id]', 'metadata[missing]'])];
    for (const zone of ZONES) {
      // A batch smaller than the rows, so the keyset cursor between batches is exercised too.
      const { sql, ts, rows } = await exportBoth({ reportType: type, columns }, zone, 4);
      expect(sql.toString('utf8')).toBe(ts.toString('utf8'));
      expect(parse(sql)).toHaveLength(rows);
    }
  });

  it('the files hold the edge cases (so the comparison above is not of two empty files)', async () => {
    const { sql, ts } = await exportBoth({ reportType: 'payments.itemized.1', columns: ['id', 'created', 'amount', 'amount_refunded', 'currency', 'status', 'description', 'metadata[order_id]', 'canceled_at'] }, 'America/New_York');
    expect(sql.equals(ts)).toBe(true);
    const rows = parse(sql);
    expect(rows.length).toBeGreaterThan(15);
    const amounts = new Set(rows.map((r) => `${r.amount} ${r.currency}`));
    for (const a of ['19.99 usd', '5000 jpy', '1.500 kwd', '0.50 usd', '12.345 bhd', '99999999 krw', '1000.00 eur']) expect(amounts).toContain(a);
    const created = new Set(rows.map((r) => r.created));
    expect(created).toContain('2026-03-08T01:59:59-05:00');
    expect(created).toContain('2026-03-08T03:00:00-04:00');
    const statuses = new Set(rows.map((r) => r.status));
    for (const s of ['succeeded', 'refunded', 'partially_refunded', 'uncaptured', 'failed', 'incomplete', 'canceled']) expect(statuses).toContain(s);
    const descriptions = new Set(rows.map((r) => r.description));
    for (const d of ["'=SUM(A1:A9)", "'+1-555", "'-2+3", "'@cmd", "'\tleading tab", "'\rleading CR", "'\nleading LF", 'say "hi"', 'a, b', 'two\nlines', "'=danger\r\n\"x\",y"]) expect(descriptions).toContain(d);
    expect(rows.some((r) => r['metadata[order_id]'] === '')).toBe(true);
  });

  it('with a byte order mark and gzip', async () => {
    const { sql, ts } = await exportBoth({ reportType: 'refunds.itemized.1', columns: ['id', 'created', 'amount', 'currency', 'note'], bom: true, gzip: true }, 'Asia/Kathmandu');
    const text = gunzipSync(sql).toString('utf8');
    expect(text).toBe(gunzipSync(ts).toString('utf8'));
    expect(text.startsWith('\uFEFFid,created,amount,currency,note\r\n')).toBe(true);
    expect(text).toContain(`"'@note, ""quoted"""`);
    expect(text).toMatch(/\+05:45,/);
  });
});
