/**
 * Issue 11 speed: GET /v1/balance for a merchant with 1,000,000 charges (`npm run bench:balance`;
 * BENCH_BALANCE_CHARGES to change the volume).
 *
 * - Seeded: the merchant's charges and their balance transactions (fee 2.9 % + 30, three currencies, a
 *   quarter still pending), a refund for one charge in ten, and the running totals as the ledger keeps them.
 * - Measured: GET /v1/balance over HTTP (the real route: key check, rate limit, the running totals), p50/p95.
 * - Baseline, same run: the plain SUM over the whole history (sumBalanceHistory), p50/p95; each figure prints
 *   its ratio to it. Both answers are checked equal first. A last pair of figures prints GET /v1/balance
 *   against getBalance alone (what the HTTP layer adds to the read), and against a request that only passes
 *   the /v1 pipeline (key check and rate-limit write, then an unknown route's 404): what the balance route adds.
 * - Target: p95 under 20 ms.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { createApp } from '../server/app.js';
import { sumBalanceHistory } from '../server/core/balance/balance.repository.js';
import { getBalance } from '../server/core/balance/balance.service.js';
import { createBenchMerchant, log, percentile, Report, startBenchDatabase } from './harness.js';

const CHARGES = Number(process.env.BENCH_BALANCE_CHARGES ?? 1_000_000);
const ITERATIONS = Number(process.env.BENCH_BALANCE_ITERATIONS ?? 200);
const BASELINE_ITERATIONS = Number(process.env.BENCH_BALANCE_BASELINE_ITERATIONS ?? 10);

async function timings(fn: () => Promise<unknown>, iterations: number): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return out.sort((a, b) => a - b);
}

/** Like timings, for several functions measured in turn within each round; each list sorted. */
async function interleavedTimings(fns: (() => Promise<unknown>)[], iterations: number): Promise<number[][]> {
  for (const fn of fns) await fn();
  const out: number[][] = fns.map(() => []);
  for (let i = 0; i < iterations; i++) {
    for (const [k, fn] of fns.entries()) {
      const started = process.hrtime.bigint();
      await fn();
      out[k].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return out.map((list) => list.sort((a, b) => a - b));
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

export async function runBalanceBench(report: Report) {
  const bench = await startBenchDatabase(10);
  const servers: Server[] = [];
  try {
    const merchant = await createBenchMerchant(bench.db);
    const merchantId = merchant.merchant.id;
    const scope = { merchantId, livemode: false };
    log(`seeding ${CHARGES.toLocaleString('en')} charges with their balance transactions`);
    const started = Date.now();
    // Bulk seed in SQL (the per-call write path is measured by bench/api.ts); fees as cardFee computes them
    // for two-decimal currencies: round half up of 2.9 %, plus 30.
    // The charges share one payment intent: /v1/balance never reads them, the seed only needs them to exist.
    await sql`
      insert into payment_intents (id, merchant_id, livemode, amount, currency, status, client_secret)
      values ('pi_bench', ${merchantId}, false, 1000, 'usd', 'succeeded', 'pi_bench_secret') on conflict do nothing
    `.execute(bench.db);
    await sql`
      insert into charges (id, merchant_id, livemode, payment_intent_id, amount, amount_captured, currency, status, captured, balance_transaction_id, created_at)
      select 'ch_bench' || g, ${merchantId}, false, 'pi_bench', 500 + (g % 20000), 500 + (g % 20000), (array['usd','eur','gbp'])[1 + g % 3], 'succeeded', true,
        'txn_bench' || g, now() - make_interval(secs => g)
      from generate_series(1, ${CHARGES}) g
    `.execute(bench.db);
    await sql`
      insert into balance_transactions (id, merchant_id, livemode, type, reporting_category, amount, fee, net, currency, source_id, status, available_on, created_at)
      select c.balance_transaction_id, c.merchant_id, false, 'charge', 'charge', c.amount, f.fee, c.amount - f.fee, c.currency, c.id,
        case when row_number() over () % 4 = 0 then 'pending' else 'available' end, c.created_at + interval '2 days', c.created_at
      from charges c cross join lateral (select (c.amount * 290 + 5000) / 10000 + 30 as fee) f
      where c.merchant_id = ${merchantId} and c.livemode = false
    `.execute(bench.db);
    await sql`
      insert into balance_transactions (id, merchant_id, livemode, type, reporting_category, amount, fee, net, currency, source_id, status, available_on, created_at)
      select 'txn_bench_re' || substr(c.id, 9), c.merchant_id, false, 'refund', 'refund', -(c.amount / 2), 0, -(c.amount / 2), c.currency, 're_bench' || substr(c.id, 9),
        'available', c.created_at + interval '1 hour', c.created_at + interval '1 hour'
      from charges c where c.merchant_id = ${merchantId} and c.livemode = false and (substr(c.id, 9))::bigint % 10 = 0
    `.execute(bench.db);
    // The totals the ledger keeps as it goes, built once for the seeded history.
    await sql`
      insert into balance_totals (merchant_id, livemode, currency, status, amount)
      select merchant_id, livemode, currency, status, sum(net) from balance_transactions
      where merchant_id = ${merchantId} and livemode = false group by merchant_id, livemode, currency, status
    `.execute(bench.db);
    await sql`analyze`.execute(bench.db);
    log(`seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);

    const unlimited = { rate: 1_000_000, burst: 1_000_000 };
    const app = createApp(bench.deps, { logErrors: true, api: { rateLimits: { live: unlimited, test: unlimited } } });
    const server = createServer(app);
    servers.push(server);
    const url = await listen(server);
    const headers = { authorization: `Bearer ${merchant.keys.test.secret}` };
    const read = async () => {
      const response = await fetch(`${url}/v1/balance`, { headers });
      if (response.status !== 200) throw new Error(`GET /v1/balance: ${response.status}`);
      return (await response.json()) as { available: { currency: string; amount: number }[]; pending: { currency: string; amount: number }[] };
    };
    const baseline = () => sumBalanceHistory(bench.db, scope);

    // Same answer both ways.
    const balance = await read();
    const history = await baseline();
    for (const h of history) {
      const list = h.status === 'available' ? balance.available : balance.pending;
      if (list.find((b) => b.currency === h.currency)?.amount !== Number(h.amount)) throw new Error(`balance and history disagree for ${h.currency} ${h.status}`);
    }
    log(`balance: ${JSON.stringify(balance.available.map((b) => `${b.amount} ${b.currency}`))} available`);

    // The pipeline alone: the same key check and rate limit, then an unknown route's 404 (no handler work).
    const pipelineOnly = async () => {
      const response = await fetch(`${url}/v1/bench_unknown_route`, { headers });
      if (response.status !== 404) throw new Error(`GET /v1/bench_unknown_route: ${response.status}`);
      await response.arrayBuffer();
    };
    // Interleaved, one of each per round, so the three see the same load on a shared machine.
    const [fast, pipeline, service] = await interleavedTimings([read, pipelineOnly, () => getBalance(bench.deps, scope)], ITERATIONS);
    const slow = await timings(baseline, BASELINE_ITERATIONS);
    for (const p of [50, 95] as const) {
      const value = percentile(service, p);
      const baseValue = percentile(slow, p);
      report.add({
        name: `getBalance, the running totals read behind /v1/balance and the Balances page (${CHARGES.toLocaleString('en')} charges), p${p}`,
        value,
        unit: 'ms',
        ratio: value / baseValue,
        baseline: { name: `plain SUM over the balance history, p${p}`, value: baseValue },
      });
    }
    for (const p of [50, 95] as const) {
      const value = percentile(fast, p);
      const baseValue = percentile(slow, p);
      report.add({
        name: `GET /v1/balance (${CHARGES.toLocaleString('en')} charges), p${p}`,
        value,
        unit: 'ms',
        ratio: value / baseValue,
        baseline: { name: `plain SUM over the balance history, p${p}`, value: baseValue },
        target: p === 95 ? '< 20 ms' : undefined,
        met: p === 95 ? value < 20 : undefined,
      });
    }
    // What HTTP adds to the read (the key check and rate limit in one statement, parsing, JSON, the
    // loopback round trip): the same run's getBalance as the baseline.
    for (const p of [50, 95] as const) {
      const value = percentile(fast, p);
      const baseValue = percentile(service, p);
      report.add({
        name: `GET /v1/balance over the totals read alone (getBalance), p${p}`,
        value,
        unit: 'ms',
        ratio: value / baseValue,
        baseline: { name: `getBalance, p${p}`, value: baseValue },
      });
    }
    for (const p of [50, 95] as const) {
      const value = percentile(fast, p);
      const baseValue = percentile(pipeline, p);
      report.add({
        name: `GET /v1/balance over the /v1 pipeline alone (key check, rate limit, an unknown route's 404), p${p}`,
        value,
        unit: 'ms',
        ratio: value / baseValue,
        baseline: { name: `GET /v1/<unknown route>, p${p}`, value: baseValue },
      });
    }
  } finally {
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = new Report();
  runBalanceBench(report)
    .then(() => report.write('balance'))
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
