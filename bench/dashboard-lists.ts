/**
 * Issue 5 item 7: the dashboard's list queries on a merchant with 1,000,000 payments.
 *
 * - A fixed mix of list-with-filters queries (display status, date range, amount range, currency,
 *   card last 4, customer, both sorts, a page deep in the list) through the dashboard service, p50/p95,
 *   against the same queries with index scans switched off (the sequential scan a missing index would
 *   cost) in the same run.
 * - Substring search (email and description, trigram indexes) p50/p95 against the same sequential-scan
 *   baseline.
 * - Each filter query's plan is checked for a sequential scan of payment_intents.
 * - JS chunk sizes (gzip) of the built dashboard per route, with the payments route's initial JS.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import type { PaymentListFiltersInput } from '../shared/contracts/dashboard.js';
import { findPayments } from '../server/core/dashboard/payments.service.js';
import type { CoreDeps, Scope } from '../server/core/shared/deps.js';
import type { Db } from '../server/db/database.js';
import { seedBulkPayments } from '../server/seed/bulk.js';
import { createBenchMerchant, log, percentile, Report, startBenchDatabase } from './harness.js';
import { capturePlans } from './search-plans.js';

const PAYMENTS = Number(process.env.BENCH_DASHBOARD_PAYMENTS ?? 1_000_000);
const ITERATIONS = Number(process.env.BENCH_DASHBOARD_ITERATIONS ?? 15);
const BASELINE_ITERATIONS = Number(process.env.BENCH_DASHBOARD_BASELINE_ITERATIONS ?? 3);
const CUSTOMERS = Math.max(1000, Math.floor(PAYMENTS / 50));
const TIMEZONE = 'America/New_York';
const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.join(here, '..', 'dist', 'web');

type Case = { name: string; input: PaymentListFiltersInput };

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function day(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The bulk seed has payments only; the dashboard's filters also need customers with emails, receipt
 * emails, refunds and distinctive descriptions, so a share of the payments gets them here.
 */
export async function addDashboardVariety(db: Db, merchantId: string, customers = CUSTOMERS) {
  log(`adding ${customers.toLocaleString('en')} customers, receipt emails, refunds and order descriptions`);
  await sql`
    insert into customers (id, merchant_id, livemode, email, name, created_at)
    select 'cus_bench' || lpad(n::text, 15, '0'), ${merchantId}, false,
           'customer' || n || '@shop' || (n % 997) || '.example', 'Customer ' || n, now() - (n || ' minutes')::interval
    from generate_series(1, ${customers}) n`.execute(db);
  // A share of the payments (touching all of them would rewrite every index of a million rows): ~8 %
  // belong to a customer, ~4 % carry only a receipt email, ~2 % have an order-number description, and
  // 4 % of the succeeded ones among those are refunded (half of them in full).
  await sql`
    update payment_intents p set
      customer_id = case when h % 100 < 8 then 'cus_bench' || lpad((1 + h % ${customers})::text, 15, '0') end,
      receipt_email = case when h % 100 between 8 and 11 then 'buyer' || (h % 200000) || '@mail' || (h % 991) || '.example' end,
      description = case when h % 100 between 12 and 13 then 'Order #' || (h % 1000000) else p.description end,
      amount_refunded = case when p.status = 'succeeded' and h % 100 between 14 and 17 then case when h % 2 = 0 then p.amount_received else p.amount_received / 2 end else 0 end
    from (select id, abs(hashtext(id)) h from payment_intents where merchant_id = ${merchantId}) x
    where p.id = x.id and x.h % 100 < 18`.execute(db);
  await sql`vacuum analyze`.execute(db);
}

export async function pickValues(db: Db, merchantId: string) {
  const customer = await sql<{ id: string; email: string }>`
    select c.id, c.email from customers c join payment_intents p on p.customer_id = c.id
    where c.merchant_id = ${merchantId} group by c.id, c.email order by count(*) desc limit 1`.execute(db);
  return { customerId: customer.rows[0]!.id, customerEmail: customer.rows[0]!.email };
}

function filterCases(values: { customerId: string; customerEmail: string }): Case[] {
  return [
    { name: 'all newest first', input: {} },
    { name: 'status succeeded', input: { status: ['succeeded'] } },
    { name: 'status failed', input: { status: ['failed'] } },
    { name: 'status refunded+partially', input: { status: ['refunded', 'partially_refunded'] } },
    { name: 'status canceled, 50/page', input: { status: ['canceled'], limit: 50 } },
    { name: 'status uncaptured (none)', input: { status: ['uncaptured'] } },
    { name: 'last 7 days', input: { from: day(-7) } },
    { name: 'last 30 days succeeded', input: { from: day(-30), status: ['succeeded'] } },
    { name: 'one day, by amount', input: { from: day(-60), to: day(-59), sort: 'amount' } },
    { name: 'usd amount 50.00-100.00', input: { currency: 'usd', amountMin: 5000, amountMax: 10000 } },
    { name: 'currency eur', input: { currency: 'eur' } },
    { name: 'currency jpy by amount desc', input: { currency: 'jpy', sort: 'amount', dir: 'desc' } },
    { name: 'currency gbp amount range by amount', input: { currency: 'gbp', amountMin: 1000, amountMax: 2000, sort: 'amount', dir: 'asc' } },
    { name: 'status succeeded by amount', input: { status: ['succeeded'], sort: 'amount' } },
    { name: 'last4 4444', input: { last4: '4444' } },
    { name: 'customer id', input: { customer: values.customerId } },
    { name: 'customer email', input: { customer: values.customerEmail } },
    { name: 'oldest first', input: { dir: 'asc' } },
    { name: 'amount ascending', input: { sort: 'amount', dir: 'asc' } },
    { name: 'query language', input: { q: 'status:"succeeded" AND currency:"usd" AND amount>20000' } },
    { name: 'last4 in search box', input: { q: '0002' } },
  ];
}

function substringCases(values: { customerEmail: string }): Case[] {
  const domain = values.customerEmail.split('@')[1]!;
  return [
    { name: 'email domain', input: { q: `@${domain}` } },
    { name: 'receipt email part', input: { q: 'buyer1234@' } },
    { name: 'description order number', input: { q: 'Order #12345' } },
    { name: 'free text', input: { q: 'stove' } },
    { name: 'free text rare', input: { q: 'customer4242' } },
  ];
}

/** The same call with index scans off: the sequential scan a missing index would cost. */
export async function withoutIndexes<T>(deps: CoreDeps, fn: (deps: CoreDeps) => Promise<T>): Promise<T> {
  return deps.db.transaction().execute(async (tx) => {
    await sql`set local enable_indexscan = off`.execute(tx);
    await sql`set local enable_bitmapscan = off`.execute(tx);
    await sql`set local enable_indexonlyscan = off`.execute(tx);
    return fn({ ...deps, db: tx as unknown as Db });
  });
}

/** Scan nodes of every query the list runs, e.g. "Index Scan payment_intents_status_idx". */
async function planOf(deps: CoreDeps, scope: Scope, input: PaymentListFiltersInput): Promise<string[]> {
  return (await capturePlans(deps, (d) => findPayments(d, scope, TIMEZONE, input))).flatMap((p) => p.scans);
}

interface Timings { p50: number; p95: number; perCase: { name: string; p50: number; p95: number; plan: string[] }[] }

async function measure(deps: CoreDeps, scope: Scope, cases: Case[], iterations: number, baseline: boolean): Promise<Timings> {
  const all: number[] = [];
  const perCase: Timings['perCase'] = [];
  for (const c of cases) {
    const run = () => (baseline ? withoutIndexes(deps, (d) => findPayments(d, scope, TIMEZONE, c.input)) : findPayments(deps, scope, TIMEZONE, c.input));
    await run(); // warm
    const times: number[] = [];
    for (let i = 0; i < iterations; i++) times.push(await time(run));
    times.sort((a, b) => a - b);
    all.push(...times);
    const plan = baseline ? [] : await planOf(deps, scope, c.input);
    perCase.push({ name: c.name, p50: percentile(times, 50), p95: percentile(times, 95), plan });
  }
  all.sort((a, b) => a - b);
  return { p50: percentile(all, 50), p95: percentile(all, 95), perCase };
}

/** A page deep in the list: follow nextCursor 200 pages (5,000 rows), then time that page against OFFSET. */
async function deepPage(deps: CoreDeps, scope: Scope, report: Report) {
  let page = await findPayments(deps, scope, TIMEZONE, { limit: 25, status: ['succeeded'] });
  for (let i = 0; i < 200 && page.nextCursor; i++) page = await findPayments(deps, scope, TIMEZONE, { limit: 25, status: ['succeeded'], cursor: page.nextCursor });
  const cursor = page.nextCursor!;
  const keyset: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) keyset.push(await time(() => findPayments(deps, scope, TIMEZONE, { limit: 25, status: ['succeeded'], cursor })));
  const offset: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    offset.push(await time(() => sql`select id from payment_intents where merchant_id = ${scope.merchantId} and livemode = false and status = 'succeeded' and amount_refunded = 0
      order by created_at desc, id desc offset 5025 limit 26`.execute(deps.db)));
  }
  keyset.sort((a, b) => a - b);
  offset.sort((a, b) => a - b);
  const k = percentile(keyset, 95);
  const o = percentile(offset, 95);
  report.add({ name: 'dashboard.list.page_201_keyset.p95', value: k, unit: 'ms', ratio: k / o, baseline: { name: 'dashboard.list.page_201_offset.p95', value: o } });
}

// ---------------------------------------------------------------------------------------------------
// Chunk sizes

function gz(file: string): number {
  return gzipSync(readFileSync(file)).length;
}

/** Static imports of a built chunk (dynamic import() calls load later, so they are not counted). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out = new Set<string>();
  for (const m of text.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w$*{}\s,]+from\s*)?["'](\.\/[^"']+\.js)["']/g)) out.add(m[1]!);
  for (const m of text.matchAll(/\bfrom\s*["'](\.\/[^"']+\.js)["']/g)) out.add(m[1]!);
  return [...out].map((rel) => path.join(path.dirname(file), rel));
}

function closure(files: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...files];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f) || !existsSync(f)) continue;
    seen.add(f);
    stack.push(...staticImports(f));
  }
  return seen;
}

function chunkSizes(report: Report) {
  const assets = path.join(DIST, 'assets');
  if (!existsSync(path.join(DIST, 'index.html'))) {
    log('dist/web is missing: run `npm run build` first to measure chunk sizes');
    return;
  }
  const html = readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const entries = [...html.matchAll(/<script[^>]+src="\/assets\/([^"]+\.js)"/g)].map((m) => path.join(assets, m[1]!));
  const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/assets\/([^"]+\.js)"/g)].map((m) => path.join(assets, m[1]!));
  const entryFiles = closure([...entries, ...preloads]);
  const sum = (files: Iterable<string>) => [...files].reduce((n, f) => n + gz(f), 0);
  const entryKb = sum(entryFiles) / 1024;
  report.add({ name: 'dashboard.js.entry_gzip', value: entryKb, unit: 'KB' });
  const files = readdirSync(assets).filter((f) => f.endsWith('.js'));
  // TanStack Router's code splitting names a route's chunks after its file (`$param` becomes `_param`),
  // with one chunk per split part; the `_app` layout's chunks load with every signed-in page.
  const routeChunks = (name: string) => files.filter((f) => f.startsWith(`${name}-`) && /^[\w.]+-[\w-]{8}\.js$/.test(f)).map((f) => path.join(assets, f));
  const layout = closure(routeChunks('_app'));
  const layoutKb = sum([...layout].filter((f) => !entryFiles.has(f))) / 1024;
  report.add({ name: 'dashboard.js.app_layout_gzip', value: layoutKb, unit: 'KB' });
  const loaded = new Set([...entryFiles, ...layout]);
  for (const route of ['payments.index', 'payments._paymentId', 'refunds.index', 'refunds._refundId', 'customers.index', 'customers._customerId', 'index', 'reports', 'settings', 'developers']) {
    const chunks = routeChunks(route);
    if (!chunks.length) continue;
    const kb = sum([...closure(chunks)].filter((f) => !loaded.has(f))) / 1024;
    report.add({ name: `dashboard.js.route.${route.replace('_', '')}_gzip`, value: kb, unit: 'KB' });
    if (route === 'payments.index') {
      const initial = entryKb + layoutKb + kb;
      report.add({ name: 'dashboard.js.payments_initial_gzip', value: initial, unit: 'KB', target: '<= 200 KB (entry + layout + payments route)', met: initial <= 200 });
    }
  }
}

// ---------------------------------------------------------------------------------------------------

export async function runDashboardBench(report: Report) {
  chunkSizes(report);
  if (PAYMENTS === 0) return; // BENCH_DASHBOARD_PAYMENTS=0: chunk sizes only
  const bench = await startBenchDatabase(10);
  try {
    const merchant = await createBenchMerchant(bench.db);
    const merchantId = merchant.merchant.id;
    const scope: Scope = { merchantId, livemode: false };
    log(`seeding ${PAYMENTS.toLocaleString('en')} payments`);
    const started = Date.now();
    await seedBulkPayments(bench.deps, merchantId, false, PAYMENTS, log);
    await addDashboardVariety(bench.db, merchantId);
    log(`seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const values = await pickValues(bench.db, merchantId);

    const filters = filterCases(values);
    const substrings = substringCases(values);
    // Both ways must agree, or the comparison is meaningless.
    for (const c of [...filters, ...substrings]) {
      const a = await findPayments(bench.deps, scope, TIMEZONE, c.input);
      const b = await withoutIndexes(bench.deps, (d) => findPayments(d, scope, TIMEZONE, c.input));
      if (a.items.map((i) => i.id).join() !== b.items.map((i) => i.id).join()) throw new Error(`${c.name}: indexed and sequential results differ`);
    }

    const fast = await measure(bench.deps, scope, filters, ITERATIONS, false);
    const slow = await measure(bench.deps, scope, filters, BASELINE_ITERATIONS, true);
    let seqScans = 0;
    for (const c of fast.perCase) {
      const seq = c.plan.filter((s) => s === 'Seq Scan payment_intents');
      seqScans += seq.length ? 1 : 0;
      log(`${c.name.padEnd(40)} p50 ${c.p50.toFixed(1).padStart(7)} ms  p95 ${c.p95.toFixed(1).padStart(7)} ms  ${c.plan.join(' | ')}`);
    }
    for (const c of slow.perCase) log(`baseline ${c.name.padEnd(31)} p50 ${c.p50.toFixed(1).padStart(7)} ms`);
    report.add({ name: 'dashboard.filters.seqscan.p50', value: slow.p50, unit: 'ms' });
    report.add({ name: 'dashboard.filters.seqscan.p95', value: slow.p95, unit: 'ms' });
    report.add({ name: 'dashboard.filters.p50', value: fast.p50, unit: 'ms', ratio: fast.p50 / slow.p50, baseline: { name: 'dashboard.filters.seqscan.p50', value: slow.p50 } });
    report.add({
      name: 'dashboard.filters.p95', value: fast.p95, unit: 'ms', ratio: fast.p95 / slow.p95,
      baseline: { name: 'dashboard.filters.seqscan.p95', value: slow.p95 }, target: '< 50 ms', met: fast.p95 < 50,
    });
    report.add({ name: 'dashboard.filters.slowest_case.p95', value: Math.max(...fast.perCase.map((c) => c.p95)), unit: 'ms' });
    report.add({ name: 'dashboard.filters.plans_with_seq_scan', value: seqScans, unit: `of ${fast.perCase.length} queries` });

    const sub = await measure(bench.deps, scope, substrings, ITERATIONS, false);
    const subSlow = await measure(bench.deps, scope, substrings, BASELINE_ITERATIONS, true);
    for (const c of sub.perCase) log(`${c.name.padEnd(40)} p50 ${c.p50.toFixed(1).padStart(7)} ms  p95 ${c.p95.toFixed(1).padStart(7)} ms  ${c.plan.join(' | ')}`);
    for (const c of subSlow.perCase) log(`baseline ${c.name.padEnd(31)} p50 ${c.p50.toFixed(1).padStart(7)} ms`);
    report.add({ name: 'dashboard.substring.seqscan.p50', value: subSlow.p50, unit: 'ms' });
    report.add({ name: 'dashboard.substring.seqscan.p95', value: subSlow.p95, unit: 'ms' });
    report.add({ name: 'dashboard.substring.p50', value: sub.p50, unit: 'ms', ratio: sub.p50 / subSlow.p50, baseline: { name: 'dashboard.substring.seqscan.p50', value: subSlow.p50 } });
    report.add({
      name: 'dashboard.substring.p95', value: sub.p95, unit: 'ms', ratio: sub.p95 / subSlow.p95,
      baseline: { name: 'dashboard.substring.seqscan.p95', value: subSlow.p95 }, target: '< 150 ms', met: sub.p95 < 150,
    });
    await deepPage(bench.deps, scope, report);
  } finally {
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = new Report();
  runDashboardBench(report)
    .then(() => report.write('dashboard'))
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
