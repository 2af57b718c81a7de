/**
 * (a) API create+confirm throughput and latency at a fixed concurrency, against a baseline endpoint in the
 * same process and run that does one INSERT per request on the same pool. The baseline route is added to an
 * outer Express app here, so it never exists in the product.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import express from 'express';
import { sql } from 'kysely';
import { randomString } from '../shared/ids.js';
import { createApp } from '../server/app.js';
import { createBenchMerchant, log, Report, startBenchDatabase } from './harness.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = 2;
const POOL_SIZE = 40;

type Result = autocannon.Result;

function run(options: autocannon.Options): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function check(name: string, result: Result) {
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) {
    const codes = JSON.stringify(result.statusCodeStats ?? {});
    throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts (status codes ${codes}); the figure would be meaningless`);
  }
}

export async function runApiBench(report: Report) {
  const bench = await startBenchDatabase(POOL_SIZE);
  let server: Server | undefined;
  try {
    const merchant = await createBenchMerchant(bench.db);
    const secret = merchant.keys.test.secret;
    await sql`create table bench_baseline (id text primary key, amount bigint not null, currency text not null, created_at timestamptz not null default now())`.execute(bench.db);

    const outer = express();
    outer.disable('x-powered-by');
    outer.post('/bench/baseline', express.urlencoded({ extended: false }), async (req, res) => {
      const id = `bl_${randomString(24)}`;
      await sql`insert into bench_baseline (id, amount, currency) values (${id}, ${Number(req.body.amount)}, ${String(req.body.currency)})`.execute(bench.db);
      res.json({ id, object: 'baseline', amount: Number(req.body.amount), currency: String(req.body.currency) });
    });
    // A rate limit far above what the machine can do, so the bench measures the work, not the limiter.
    const unlimited = { rate: 1_000_000, burst: 1_000_000 };
    outer.use(createApp(bench.deps, { logErrors: true, api: { rateLimits: { live: unlimited, test: unlimited } } }));
    server = await new Promise<Server>((resolve) => {
      const s = outer.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    bench.deps.appUrl = base;

    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const auth = { authorization: `Bearer ${secret}`, ...form };
    const baselineOptions: autocannon.Options = { url: `${base}/bench/baseline`, method: 'POST', headers: form, body: 'amount=2000&currency=usd', connections: CONNECTIONS };
    const createConfirm: autocannon.Options = {
      url: `${base}/v1/payment_intents`,
      method: 'POST',
      headers: auth,
      body: 'amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true&metadata[order_id]=bench',
      connections: CONNECTIONS,
    };
    const idempotent: autocannon.Options = {
      ...createConfirm,
      requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'idempotency-key': `bench-${randomString(20)}` } }) }],
    };
    const twoStep: autocannon.Options = {
      url: `${base}/v1/payment_intents`,
      headers: auth,
      connections: CONNECTIONS,
      requests: [
        {
          method: 'POST',
          path: '/v1/payment_intents',
          body: 'amount=2000&currency=usd&payment_method_types[]=card',
          onResponse: (_status, body, context) => {
            (context as { id?: string }).id = (JSON.parse(body) as { id: string }).id;
          },
        },
        {
          method: 'POST',
          setupRequest: (request, context) => ({ ...request, path: `/v1/payment_intents/${(context as { id: string }).id}/confirm` }),
          body: 'payment_method=pm_card_visa',
        },
      ],
    };

    log(`warming up (${WARMUP_S} s each)`);
    await run({ ...baselineOptions, duration: WARMUP_S });
    await run({ ...createConfirm, duration: WARMUP_S });

    log(`baseline: ${CONNECTIONS} connections for ${DURATION_S} s`);
    const baseline = await run({ ...baselineOptions, duration: DURATION_S });
    check('baseline', baseline);
    log(`create+confirm (one call, confirm=true): ${CONNECTIONS} connections for ${DURATION_S} s`);
    const api = await run({ ...createConfirm, duration: DURATION_S });
    check('create+confirm', api);
    log('create then confirm (two calls)');
    const flows = await run({ ...twoStep, duration: DURATION_S });
    check('create then confirm', flows);
    log('create+confirm with a fresh Idempotency-Key per request');
    const withKeys = await run({ ...idempotent, duration: DURATION_S });
    check('create+confirm idempotent', withKeys);

    const { rows } = await sql<{ n: number }>`select count(*)::int as n from payment_intents where status = 'succeeded'`.execute(bench.db);
    log(`${rows[0].n} payment intents succeeded during the run`);

    const baseRps = baseline.requests.average;
    report.add({ name: 'api.baseline_insert.throughput', value: baseRps, unit: 'req/s' });
    report.add({ name: 'api.baseline_insert.latency_p50', value: baseline.latency.p50, unit: 'ms' });
    report.add({ name: 'api.baseline_insert.latency_p99', value: baseline.latency.p99, unit: 'ms' });
    const ratio = api.requests.average / baseRps;
    report.add({
      name: 'api.create_confirm.throughput',
      value: api.requests.average,
      unit: 'req/s',
      ratio,
      baseline: { name: 'api.baseline_insert.throughput', value: baseRps },
      target: '>= 0.30 vs baseline',
      met: ratio >= 0.3,
    });
    report.add({ name: 'api.create_confirm.latency_p50', value: api.latency.p50, unit: 'ms', ratio: api.latency.p50 / baseline.latency.p50, baseline: { name: 'api.baseline_insert.latency_p50', value: baseline.latency.p50 } });
    report.add({ name: 'api.create_confirm.latency_p99', value: api.latency.p99, unit: 'ms', ratio: api.latency.p99 / baseline.latency.p99, baseline: { name: 'api.baseline_insert.latency_p99', value: baseline.latency.p99 } });
    const flowRate = flows.requests.average / 2;
    report.add({ name: 'api.create_then_confirm.throughput', value: flowRate, unit: 'payments/s', ratio: flowRate / baseRps, baseline: { name: 'api.baseline_insert.throughput', value: baseRps } });
    report.add({ name: 'api.create_then_confirm.latency_p50', value: flows.latency.p50, unit: 'ms per call', ratio: flows.latency.p50 / baseline.latency.p50 });
    report.add({ name: 'api.create_then_confirm.latency_p99', value: flows.latency.p99, unit: 'ms per call', ratio: flows.latency.p99 / baseline.latency.p99 });
    report.add({ name: 'api.create_confirm_idempotent.throughput', value: withKeys.requests.average, unit: 'req/s', ratio: withKeys.requests.average / baseRps, baseline: { name: 'api.baseline_insert.throughput', value: baseRps } });
    report.add({ name: 'api.create_confirm_idempotent.latency_p99', value: withKeys.latency.p99, unit: 'ms', ratio: withKeys.latency.p99 / baseline.latency.p99 });
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
  runApiBench(report)
    .then(() => report.write('api'))
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
