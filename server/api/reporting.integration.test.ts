import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFileStorage } from '../core/storage/storage.js';
import { startWorkers, type Workers } from '../jobs/index.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';
import { apiClient } from './test-client.js';

/** The official stripe SDK's report-run flow against PaymentFlow, with the real export job on real workers. */

let database: TestDatabase;
let server: TestServer;
let workers: Workers;
let stripe: Stripe;
let secretKey: string;
let publishableKey: string;
let otherKey: string;
let filesDir: string;

beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  database = await createTestDatabase();
  filesDir = mkdtempSync(path.join(os.tmpdir(), 'pf-reporting-api-'));
  database.deps.storage = localFileStorage(filesDir);
  const merchant = await createTestMerchant(database.db);
  secretKey = merchant.keys.test.secret;
  publishableKey = merchant.keys.test.publishable;
  otherKey = (await createTestMerchant(database.db)).keys.test.secret;
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

async function until<T>(check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('Timed out waiting for the report run');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Stripe reporting API through the official SDK', () => {
  it('report types carry the data range and default columns', async () => {
    await stripe.paymentIntents.create({ amount: 1234, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    const types = await stripe.reporting.reportTypes.list();
    expect(types.data.map((t) => t.id)).toEqual(expect.arrayContaining(['payments.itemized.1', 'refunds.itemized.1', 'customers.itemized.1']));
    const payments = await stripe.reporting.reportTypes.retrieve('payments.itemized.1');
    expect(payments).toMatchObject({ object: 'reporting.report_type', livemode: false, name: 'Payments', version: 1 });
    expect(payments.data_available_start).toBeLessThanOrEqual(payments.data_available_end);
    expect(payments.default_columns).toContain('amount');
    await expect(stripe.reporting.reportTypes.retrieve('nope.itemized.1')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('create, retrieve until succeeded, then download result.url with the secret key', async () => {
    const a = await stripe.paymentIntents.create({ amount: 1999, currency: 'usd', confirm: true, payment_method: 'pm_card_visa', metadata: { order_id: 'o-1' } });
    const b = await stripe.paymentIntents.create({ amount: 700, currency: 'eur', confirm: true, payment_method: 'pm_card_visa' });
    const now = Math.floor(Date.now() / 1000);
    const run = await stripe.reporting.reportRuns.create({
      report_type: 'payments.itemized.1',
      parameters: { interval_start: now - 3600, interval_end: now + 3600, timezone: 'Europe/Paris', columns: ['id', 'amount', 'currency', 'metadata[order_id]'] } as Stripe.Reporting.ReportRunCreateParams.Parameters,
    });
    expect(run).toMatchObject({ object: 'reporting.report_run', status: 'pending', result: null, report_type: 'payments.itemized.1', livemode: false });
    expect(run.parameters).toMatchObject({ interval_start: now - 3600, interval_end: now + 3600, timezone: 'Europe/Paris' });

    const done = await until(async () => {
      const r = await stripe.reporting.reportRuns.retrieve(run.id);
      return r.status === 'succeeded' && r;
    });
    expect(done.succeeded_at).toBeGreaterThan(0);
    const file = done.result!;
    expect(file).toMatchObject({ object: 'file', purpose: 'finance_report_run', type: 'csv' });
    expect(file.url).toBe(`${server.baseUrl}/v1/files/${file.id}/contents`);

    const response = await fetch(file.url!, { headers: { authorization: `Bearer ${secretKey}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="payments\.itemized\.1-frr_\w+\.csv"$/);
    const csv = Papa.parse<Record<string, string>>(await response.text(), { header: true, skipEmptyLines: true });
    expect(csv.data).toEqual([
      { id: expect.any(String), amount: '12.34', currency: 'usd', 'metadata[order_id]': '' },
      { id: a.id, amount: '19.99', currency: 'usd', 'metadata[order_id]': 'o-1' },
      { id: b.id, amount: '7.00', currency: 'eur', 'metadata[order_id]': '' },
    ]);
    expect(Number(response.headers.get('content-length'))).toBe(file.size);

    const retrievedFile = await stripe.files.retrieve(file.id);
    expect(retrievedFile).toMatchObject({ id: file.id, size: file.size, filename: file.filename });
    const listed = await stripe.reporting.reportRuns.list({ limit: 10 });
    expect(listed.data.map((r) => r.id)).toContain(run.id);
  });

  it('refuses bad parameters, other merchants, publishable keys and anonymous downloads', async () => {
    await expect(stripe.reporting.reportRuns.create({ report_type: 'balance.summary.2', parameters: {} })).rejects.toMatchObject({ statusCode: 400, param: 'report_type' });
    await expect(stripe.reporting.reportRuns.create({ report_type: 'payments.itemized.1', parameters: { columns: ['bogus'] } })).rejects.toMatchObject({ statusCode: 400, param: 'parameters[columns]' });
    await expect(stripe.reporting.reportRuns.create({ report_type: 'payments.itemized.1', parameters: { timezone: 'Mars/Olympus' } })).rejects.toMatchObject({ statusCode: 400, param: 'parameters[timezone]' });
    await expect(stripe.reporting.reportRuns.create({ report_type: 'payments.itemized.1', parameters: { interval_start: 200, interval_end: 100 } })).rejects.toMatchObject({ statusCode: 400, param: 'parameters[interval_end]' });

    const run = await stripe.reporting.reportRuns.create({ report_type: 'customers.itemized.1', parameters: {} });
    const done = await until(async () => {
      const r = await stripe.reporting.reportRuns.retrieve(run.id);
      return r.status === 'succeeded' && r;
    });
    const call = apiClient(server.baseUrl, otherKey);
    expect((await call('GET', `/reporting/report_runs/${run.id}`)).status).toBe(404);
    expect((await call('GET', `/files/${done.result!.id}`)).status).toBe(404);
    expect((await call('GET', `/files/${done.result!.id}/contents`)).status).toBe(404);
    expect((await call('GET', `/files/${done.result!.id}/contents`, { key: publishableKey })).status).toBe(403);
    expect((await call('GET', `/files/${done.result!.id}/contents`, { key: null })).status).toBe(401);
    const signedOut = await fetch(`${server.baseUrl}/files/${done.result!.id}/download`);
    expect(signedOut.status).toBe(404);
  });
});
