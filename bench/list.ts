/**
 * (b) List latency on a merchant with 1,000,000 payments: the first page and a page 500,000 rows deep
 * through the API (keyset: starting_after), against the same page fetched with OFFSET on the same pool.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { createApp } from '../server/app.js';
import { createApiKey } from '../server/core/api-keys/api-keys.service.js';
import { seedBulkPayments } from '../server/seed/bulk.js';
import { createBenchMerchant, log, median, Report, startBenchDatabase } from './harness.js';

const PAYMENTS = Number(process.env.BENCH_LIST_PAYMENTS ?? 1_000_000);
const DEPTH = Math.floor(PAYMENTS / 2);
const PAGE = 10;
const ITERATIONS = Number(process.env.BENCH_LIST_ITERATIONS ?? 30);
const OFFSET_ITERATIONS = 5;

async function time(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function runListBench(report: Report) {
  const bench = await startBenchDatabase(10, { dataDir: process.env.BENCH_DATA_DIR });
  let server: Server | undefined;
  try {
    // A kept database (BENCH_DATA_DIR) already holds a seeded merchant: use it and top it up.
    const { rows: seeded } = await sql<{ merchant_id: string; n: number }>`
      select merchant_id, count(*)::int as n from payment_intents where livemode = false group by merchant_id order by n desc limit 1`.execute(bench.db);
    const merchantId = seeded[0]?.merchant_id ?? (await createBenchMerchant(bench.db)).merchant.id;
    const existing = seeded[0]?.n ?? 0;
    // Secret keys are stored hashed; the bench makes itself a fresh one.
    const secret = (await createApiKey(bench.db, { merchantId, livemode: false }, 'secret', { name: 'bench', createdBy: null })).plaintext;
    if (existing < PAYMENTS) {
      log(`seeding ${(PAYMENTS - existing).toLocaleString('en')} payments (${existing.toLocaleString('en')} already there)`);
      const seedStarted = Date.now();
      await seedBulkPayments(bench.deps, merchantId, false, PAYMENTS - existing, log);
      log(`seeded in ${((Date.now() - seedStarted) / 1000).toFixed(0)} s`);
    }
    await sql`analyze payment_intents`.execute(bench.db);
    const { rows: total } = await sql<{ n: number }>`select count(*)::int as n from payment_intents where merchant_id = ${merchantId} and livemode = false`.execute(bench.db);
    log(`merchant ${merchantId} has ${total[0].n.toLocaleString('en')} payments`);

    const unlimited = { rate: 1_000_000, burst: 1_000_000 };
    const app = createApp(bench.deps, { logErrors: true, api: { rateLimits: { live: unlimited, test: unlimited } } });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const headers = { authorization: `Bearer ${secret}` };

    // The cursor a client would hold after paging 500,000 rows: the id of the row just before the page.
    const { rows: cursorRows } = await sql<{ id: string }>`
      select id from payment_intents where merchant_id = ${merchantId} and livemode = false
      order by created_at desc, id desc offset ${DEPTH - 1} limit 1`.execute(bench.db);
    const cursor = cursorRows[0].id;

    const get = async (path: string) => {
      const response = await fetch(`${base}${path}`, { headers });
      const body = (await response.json()) as { data?: { id: string }[] };
      if (response.status !== 200 || body.data?.length !== PAGE) throw new Error(`${path}: HTTP ${response.status}`);
      return body.data;
    };
    const offsetPage = async () => {
      const { rows } = await sql<{ id: string }>`
        select * from payment_intents where merchant_id = ${merchantId} and livemode = false
        order by created_at desc, id desc limit ${PAGE} offset ${DEPTH}`.execute(bench.db);
      if (rows.length !== PAGE) throw new Error('OFFSET page came back short');
      return rows;
    };

    // Both ways must return the same rows, or the comparison is meaningless.
    const keysetIds = (await get(`/v1/payment_intents?limit=${PAGE}&starting_after=${cursor}`)).map((r) => r.id);
    const offsetIds = (await offsetPage()).map((r) => r.id);
    if (keysetIds.join() !== offsetIds.join()) throw new Error('keyset and OFFSET pages differ');

    const firstTimes: number[] = [];
    const deepTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      await get(`/v1/payment_intents?limit=${PAGE}`);
      await get(`/v1/payment_intents?limit=${PAGE}&starting_after=${cursor}`);
    }
    for (let i = 0; i < ITERATIONS; i++) {
      firstTimes.push(await time(async () => void (await get(`/v1/payment_intents?limit=${PAGE}`))));
      deepTimes.push(await time(async () => void (await get(`/v1/payment_intents?limit=${PAGE}&starting_after=${cursor}`))));
    }
    const offsetTimes: number[] = [];
    await offsetPage();
    for (let i = 0; i < OFFSET_ITERATIONS; i++) offsetTimes.push(await time(async () => void (await offsetPage())));

    const first = median(firstTimes);
    const deep = median(deepTimes);
    const offset = median(offsetTimes);
    report.add({ name: 'list.first_page.latency_p50', value: first, unit: 'ms' });
    report.add({
      name: 'list.deep_page_keyset.latency_p50',
      value: deep,
      unit: 'ms',
      ratio: deep / first,
      baseline: { name: 'list.first_page.latency_p50', value: first },
      target: '<= 2.00 vs first page',
      met: deep / first <= 2,
    });
    report.add({ name: 'list.deep_page_offset.latency_p50', value: offset, unit: 'ms' });
    report.add({
      name: 'list.deep_page_keyset.vs_offset',
      value: deep,
      unit: `ms (${(offset / deep).toFixed(0)}x faster than OFFSET)`,
      ratio: deep / offset,
      baseline: { name: 'list.deep_page_offset.latency_p50', value: offset },
      target: '>= 50x faster than OFFSET',
      met: offset / deep >= 50,
    });
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = new Report();
  runListBench(report)
    .then(() => report.write('list'))
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
