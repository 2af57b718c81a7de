import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMajorUnits } from '../../shared/money.js';
import { localFileStorage } from '../core/storage/storage.js';
import { startWorkers, type Workers } from '../jobs/index.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';

/** Issue 12, items 1 and 2: balance.summary.1 and disputes.itemized.1 through the official SDK's report runs, on real workers. */

let database: TestDatabase;
let server: TestServer;
let workers: Workers;
let stripe: Stripe;
let secretKey: string;
let filesDir: string;

beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  database = await createTestDatabase();
  filesDir = mkdtempSync(path.join(os.tmpdir(), 'pf-sdk-reports-'));
  database.deps.storage = localFileStorage(filesDir);
  secretKey = (await createTestMerchant(database.db)).keys.test.secret;
  server = await startTestServer(database.deps);
  workers = await startWorkers({ secret: database.deps.secret, appUrl: database.deps.appUrl, storage: database.deps.storage }, {
    databaseUrl: database.url, concurrency: 1, poolSize: 4, heartbeatMs: 200, staleAfterMs: 2000, pollIntervalMs: 200, crontab: false, log: () => {},
  });
  const port = Number(new URL(server.baseUrl).port);
  stripe = new Stripe(secretKey, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
});

afterAll(async () => {
  await workers?.stop();
  await server?.close();
  await database?.drop();
  rmSync(filesDir, { recursive: true, force: true });
});

async function runToCsv(params: Stripe.Reporting.ReportRunCreateParams) {
  const run = await stripe.reporting.reportRuns.create(params);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await stripe.reporting.reportRuns.retrieve(run.id);
    if (r.status === 'succeeded') {
      const response = await fetch(r.result!.url!, { headers: { authorization: `Bearer ${secretKey}` } });
      expect(response.status).toBe(200);
      const csv = Papa.parse<Record<string, string>>(await response.text(), { header: true, skipEmptyLines: true });
      expect(csv.errors).toEqual([]);
      return { run: r, rows: csv.data };
    }
    expect(r.status).toBe('pending');
    if (Date.now() > deadline) throw new Error('Timed out waiting for the report run');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const minor = (value: string, currency: string) => (value.startsWith('-') ? -1 : 1) * parseMajorUnits(value.replace(/^-/, ''), currency)!;

describe('the new report types through the Stripe SDK', () => {
  it('lists them and runs balance.summary.1, whose ending balance is /v1/balance', async () => {
    const first = await stripe.paymentIntents.create({ amount: 2500, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    await stripe.paymentIntents.create({ amount: 900, currency: 'gbp', confirm: true, payment_method: 'pm_card_visa' });
    await stripe.refunds.create({ payment_intent: first.id, amount: 500 });
    const disputed = await stripe.paymentIntents.create({ amount: 4000, currency: 'usd', confirm: true, payment_method: 'pm_card_createDispute', metadata: { order_id: 'SDK-9' } });

    const types = await stripe.reporting.reportTypes.list();
    expect(types.data.map((x) => x.id)).toEqual(expect.arrayContaining(['balance.summary.1', 'disputes.itemized.1']));
    const summaryType = await stripe.reporting.reportTypes.retrieve('balance.summary.1');
    expect(summaryType).toMatchObject({ name: 'Balance summary', version: 1, default_columns: ['category', 'description', 'net_amount', 'currency', 'reporting_category'] });

    const { rows } = await runToCsv({ report_type: 'balance.summary.1', parameters: { timezone: 'Asia/Kolkata' } });
    const balance = await stripe.balance.retrieve();
    for (const currency of ['gbp', 'usd']) {
      const ending = rows.find((r) => r.category === 'ending_balance' && r.currency === currency)!;
      const total = (balance.available.find((x) => x.currency === currency)?.amount ?? 0) + (balance.pending.find((x) => x.currency === currency)?.amount ?? 0);
      expect(minor(ending.net_amount!, currency)).toBe(total);
      const activity = rows.filter((r) => r.currency === currency && (r.category === 'activity' || r.category === 'payouts')).reduce((s, r) => s + minor(r.net_amount!, currency), 0);
      expect(activity).toBe(total);
    }
    expect(rows.filter((r) => r.currency === 'usd').map((r) => r.reporting_category)).toEqual(['', 'charge', 'dispute', 'refund', '']);

    const usdOnly = await runToCsv({ report_type: 'balance.summary.1', parameters: { currency: 'usd' } });
    expect(new Set(usdOnly.rows.map((r) => r.currency))).toEqual(new Set(['usd']));

    const disputes = await runToCsv({ report_type: 'disputes.itemized.1', parameters: { columns: ['id', 'payment_intent_id', 'amount', 'currency', 'reason', 'status', 'metadata[order_id]'] } });
    const listed = await stripe.disputes.list({ limit: 10 });
    expect(disputes.rows).toEqual(listed.data.map((d) => ({ id: d.id, payment_intent_id: disputed.id, amount: '40.00', currency: 'usd', reason: d.reason, status: d.status, 'metadata[order_id]': 'SDK-9' })));
    await expect(stripe.reporting.reportRuns.create({ report_type: 'disputes.itemized.1', parameters: { currency: 'usd' } })).rejects.toMatchObject({ statusCode: 400, param: 'parameters[currency]' });
  });
});
