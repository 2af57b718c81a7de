/**
 * Issue 8 item 12: every shape of the search language on a merchant with 1,000,000 payments
 * (`npm run bench:search`; BENCH_DATA_DIR keeps the seeded database between runs).
 *
 * - The fixed mix of bench/search-plans.ts (every field and operator, negation, AND/OR, metadata keys and
 *   null checks, each also in a form that matches nothing) through the REST API
 *   (GET /v1/payment_intents/search, /v1/customers/search) and, for payments, through the dashboard's
 *   tRPC procedure (payments.list with the query in the search box): p50/p95 per shape.
 * - The baseline, same run: the naive page query for the same search (whole predicate, newest first,
 *   LIMIT 11) as raw SQL with index scans switched off (the sequential scan a missing index costs), so each
 *   shape prints its ratio to it. Results are also checked against the core search run with index scans off.
 * - Targets: p95 < 50 ms for exact and range fields, < 150 ms for substring and negation.
 * - Each shape's plans are printed; a Seq Scan of payment_intents is counted (and must be zero).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { createApp } from '../server/app.js';
import { createSession, resolveSession } from '../server/core/accounts/accounts.service.js';
import { createApiKey } from '../server/core/api-keys/api-keys.service.js';
import { selectLiveCustomers } from '../server/core/customers/customers.repository.js';
import { searchCustomers } from '../server/core/customers/customers.service.js';
import { selectPaymentIntents } from '../server/core/payment-intents/payment-intents.repository.js';
import { searchPaymentIntents } from '../server/core/payment-intents/payment-intents-queries.service.js';
import type { CoreDeps, Scope } from '../server/core/shared/deps.js';
import { applyKeyset } from '../server/core/shared/keyset.repository.js';
import { compileSearchText } from '../server/core/shared/search.repository.js';
import { seedBulkPayments } from '../server/seed/bulk.js';
import { findOwnerUserId } from '../server/seed/seed.repository.js';
import { createInnerContext } from '../server/trpc/context.js';
import { appRouter } from '../server/trpc/routers/_app.js';
import { createCallerFactory } from '../server/trpc/trpc.js';
import { addDashboardVariety, withoutIndexes } from './dashboard-lists.js';
import { createBenchMerchant, log, percentile, Report, startBenchDatabase, type BenchDatabase } from './harness.js';
import { capturePlans, pickSearchValues, searchShapes, type SearchShape } from './search-plans.js';

const PAYMENTS = Number(process.env.BENCH_SEARCH_PAYMENTS ?? 1_000_000);
const ITERATIONS = Number(process.env.BENCH_SEARCH_ITERATIONS ?? 15);
const BASELINE_ITERATIONS = Number(process.env.BENCH_SEARCH_BASELINE_ITERATIONS ?? 2);
const TARGET: Record<SearchShape['class'], number> = { exact: 50, substring: 150 };

/** A kept database (BENCH_DATA_DIR) is seeded once; the merchant's id is kept beside the data. */
export async function prepareSearchDatabase(): Promise<{ bench: BenchDatabase; merchantId: string }> {
  const dataDir = process.env.BENCH_DATA_DIR;
  const bench = await startBenchDatabase(10, { dataDir });
  const marker = dataDir ? path.join(path.resolve(dataDir), `search-bench-${PAYMENTS}.json`) : undefined;
  if (marker && existsSync(marker)) {
    const { merchantId } = JSON.parse(readFileSync(marker, 'utf8')) as { merchantId: string };
    log(`reusing the seeded merchant ${merchantId}`);
    await sql`analyze`.execute(bench.db);
    return { bench, merchantId };
  }
  const merchantId = (await createBenchMerchant(bench.db)).merchant.id;
  log(`seeding ${PAYMENTS.toLocaleString('en')} payments`);
  const started = Date.now();
  await seedBulkPayments(bench.deps, merchantId, false, PAYMENTS, log);
  await addDashboardVariety(bench.db, merchantId);
  await sql`analyze`.execute(bench.db);
  log(`seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (marker) writeFileSync(marker, JSON.stringify({ merchantId }));
  return { bench, merchantId };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function timings(fn: () => Promise<unknown>, iterations: number): Promise<number[]> {
  await fn(); // warm
  const out: number[] = [];
  for (let i = 0; i < iterations; i++) out.push(await time(fn));
  return out.sort((a, b) => a - b);
}

/**
 * The baseline: the naive page query (the whole predicate, newest first, LIMIT 11) with index scans
 * switched off, i.e. the sequential scan a missing index costs, as raw SQL in the same run.
 */
function sequentialPage(shape: SearchShape, deps: CoreDeps, scope: Scope) {
  return withoutIndexes(deps, (d): Promise<unknown[]> => {
    const { condition } = compileSearchText(shape.resource, scope, shape.query);
    const keyset = { sort: 'created' as const, dir: 'desc' as const, limit: 10 };
    return shape.resource === 'customers'
      ? applyKeyset(selectLiveCustomers(d.db, scope, { condition }), 'customers', keyset).execute()
      : applyKeyset(selectPaymentIntents(d.db, scope, { condition }), 'payment_intents', keyset).execute();
  });
}

function coreSearch(shape: SearchShape, deps: CoreDeps, scope: Scope): Promise<{ data: { id: string }[]; has_more: boolean }> {
  const params = { query: shape.query, limit: 10 };
  return shape.resource === 'customers' ? searchCustomers(deps, scope, params) : searchPaymentIntents(deps, scope, params);
}

export async function runSearchBench(report: Report) {
  const { bench, merchantId } = await prepareSearchDatabase();
  let server: Server | undefined;
  try {
    const scope: Scope = { merchantId, livemode: false };
    const { rows: count } = await sql<{ n: number }>`select count(*)::int as n from payment_intents where merchant_id = ${merchantId} and livemode = false`.execute(bench.db);
    log(`merchant ${merchantId} has ${count[0]!.n.toLocaleString('en')} payments`);
    const values = await pickSearchValues(bench.db, merchantId);
    const shapes = searchShapes(values);

    const secret = (await createApiKey(bench.db, scope, 'secret', { name: 'bench', createdBy: null })).plaintext;
    const unlimited = { rate: 1_000_000, burst: 1_000_000 };
    const app = createApp(bench.deps, { logErrors: true, api: { rateLimits: { live: unlimited, test: unlimited } } });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const api = async (shape: SearchShape) => {
      const response = await fetch(`${base}/v1/${shape.resource}/search?${new URLSearchParams({ query: shape.query, limit: '10' })}`, { headers: { authorization: `Bearer ${secret}` } });
      if (!response.ok) throw new Error(`${shape.name}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<{ data: { id: string }[]; has_more: boolean }>;
    };
    const ownerId = await findOwnerUserId(bench.db, merchantId);
    const { token } = await createSession(bench.db, ownerId!, merchantId);
    const caller = createCallerFactory(appRouter)(createInnerContext({ deps: bench.deps, session: await resolveSession(bench.db, token) }));
    const dashboard = (shape: SearchShape) => caller.payments.list({ q: shape.query, limit: 25 });

    // The API's fixed cost per request (auth, rate limit, serialisation), measured the same way: the first
    // page of the plain list, which is one index range scan.
    const floor = await timings(async () => {
      const response = await fetch(`${base}/v1/payment_intents?limit=10`, { headers: { authorization: `Bearer ${secret}` } });
      if (!response.ok) throw new Error(`list: ${response.status}`);
      await response.json();
    }, ITERATIONS * 3);
    report.add({ name: 'search.api_floor.list_first_page.p50', value: percentile(floor, 50), unit: 'ms' });
    report.add({ name: 'search.api_floor.list_first_page.p95', value: percentile(floor, 95), unit: 'ms' });

    const all: Record<SearchShape['class'], { api: number[]; dashboard: number[]; baseline: number[] }> = {
      exact: { api: [], dashboard: [], baseline: [] },
      substring: { api: [], dashboard: [], baseline: [] },
    };
    let seqScans = 0;
    let capped = 0;
    let slowest = { name: '', p95: 0, target: 0 };
    for (const shape of shapes) {
      // The indexed search and the sequential scan must agree, or the comparison is meaningless.
      const fast = await coreSearch(shape, bench.deps, scope);
      const slow = await withoutIndexes(bench.deps, (d) => coreSearch(shape, d, scope));
      if (fast.data.map((r) => r.id).join() !== slow.data.map((r) => r.id).join()) throw new Error(`${shape.name}: indexed and sequential results differ`);
      if (fast.has_more && fast.data.length < 10) capped += 1;

      const apiTimes = await timings(() => api(shape), ITERATIONS);
      const dashTimes = shape.resource === 'payment_intents' ? await timings(() => dashboard(shape), ITERATIONS) : [];
      const baseTimes = await timings(() => sequentialPage(shape, bench.deps, scope), BASELINE_ITERATIONS);
      const plans = await capturePlans(bench.deps, (d) => coreSearch(shape, d, scope));
      const scans = plans.flatMap((p) => p.scans);
      if (scans.includes('Seq Scan payment_intents')) seqScans += 1;
      const bucket = all[shape.class];
      bucket.api.push(...apiTimes);
      bucket.dashboard.push(...dashTimes);
      bucket.baseline.push(...baseTimes);
      const p95 = Math.max(percentile(apiTimes, 95), dashTimes.length ? percentile(dashTimes, 95) : 0);
      if (p95 / TARGET[shape.class] > slowest.p95 / (slowest.target || 1)) slowest = { name: shape.name, p95, target: TARGET[shape.class] };
      const b50 = percentile(baseTimes, 50);
      const fmt = (xs: number[]) => (xs.length ? `p50 ${percentile(xs, 50).toFixed(1).padStart(6)} p95 ${percentile(xs, 95).toFixed(1).padStart(6)} ms (${(percentile(xs, 95) / b50).toFixed(3)}x)` : '');
      log(`${shape.name.padEnd(40)} api ${fmt(apiTimes)}  dashboard ${fmt(dashTimes)}  baseline p50 ${b50.toFixed(0)} ms  ${fast.data.length} rows${fast.has_more ? '+' : ''}`);
      log(`  ${shape.query}  ->  ${scans.join(' | ')}`);
    }

    for (const cls of ['exact', 'substring'] as const) {
      const b = all[cls];
      for (const arr of Object.values(b)) arr.sort((x, y) => x - y);
      const base95 = percentile(b.baseline, 95);
      const baseline = { name: `search.${cls}.seqscan.p95`, value: base95 };
      report.add({ name: baseline.name, value: base95, unit: 'ms' });
      for (const via of ['api', 'dashboard'] as const) {
        const p95 = percentile(b[via], 95);
        report.add({ name: `search.${cls}.${via}.p50`, value: percentile(b[via], 50), unit: 'ms', ratio: percentile(b[via], 50) / percentile(b.baseline, 50), baseline: { name: `search.${cls}.seqscan.p50`, value: percentile(b.baseline, 50) } });
        report.add({ name: `search.${cls}.${via}.p95`, value: p95, unit: 'ms', ratio: p95 / base95, baseline, target: `< ${TARGET[cls]} ms`, met: p95 < TARGET[cls] });
      }
    }
    report.add({ name: 'search.slowest_shape.p95', value: slowest.p95, unit: `ms (${slowest.name}, target < ${slowest.target} ms)` });
    report.add({ name: 'search.plans_with_seq_scan', value: seqScans, unit: `of ${shapes.length} shapes`, target: '0', met: seqScans === 0 });
    report.add({ name: 'search.capped_walks', value: capped, unit: `of ${shapes.length} shapes answered a capped page (has_more, next_page)` });
  } finally {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = new Report();
  runSearchBench(report)
    .then(() => report.write('search'))
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
