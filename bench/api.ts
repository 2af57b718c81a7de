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
/** Seconds per measured phase; split into interleaved rounds so a load change on the machine hits every phase alike. */
const DURATION_S = Number(process.env.BENCH_DURATION ?? 12);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_S = 2;
const POOL_SIZE = 40;

type Result = autocannon.Result;

function run(options: autocannon.Options): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

interface Phase {
  requests: number;
  seconds: number;
  p50: number[];
  p99: number[];
}

/** Throughput over all rounds; latency percentiles as the median of the rounds' values. */
function summarise(phase: Phase) {
  const mid = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { rps: phase.requests / phase.seconds, p50: mid(phase.p50), p99: mid(phase.p99) };
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
  let drain = async () => {};
  try {
    const merchant = await createBenchMerchant(bench.db);
    const secret = merchant.keys.test.secret;
    await sql`create table bench_baseline (id text primary key, amount bigint not null, currency text not null, created_at timestamptz not null default now())`.execute(bench.db);

    const outer = express();
    outer.disable('x-powered-by');
    // Requests still running when a load phase ends must finish before the pool is closed.
    let inFlight = 0;
    outer.use((_req, res, next) => {
      inFlight++;
      res.on('close', () => inFlight--);
      next();
    });
    drain = async () => {
      for (let i = 0; i < 300 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 100));
    };
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

    log(`warming up (${WARMUP_S} s each); then ${ROUNDS} interleaved rounds per phase`);
    await run({ ...baselineOptions, duration: WARMUP_S });
    await run({ ...createConfirm, duration: WARMUP_S });

    const phases: Record<'baseline' | 'api' | 'flows' | 'keys', { options: autocannon.Options; data: Phase }> = {
      baseline: { options: baselineOptions, data: { requests: 0, seconds: 0, p50: [], p99: [] } },
      api: { options: createConfirm, data: { requests: 0, seconds: 0, p50: [], p99: [] } },
      flows: { options: twoStep, data: { requests: 0, seconds: 0, p50: [], p99: [] } },
      keys: { options: idempotent, data: { requests: 0, seconds: 0, p50: [], p99: [] } },
    };
    const roundSeconds = Math.max(1, Math.round(DURATION_S / ROUNDS));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, phase] of Object.entries(phases)) {
        log(`round ${round}/${ROUNDS}: ${name}, ${CONNECTIONS} connections for ${roundSeconds} s`);
        const result = await run({ ...phase.options, duration: roundSeconds });
        check(name, result);
        phase.data.requests += result.requests.total;
        phase.data.seconds += (result.finish.getTime() - result.start.getTime()) / 1000;
        phase.data.p50.push(result.latency.p50);
        phase.data.p99.push(result.latency.p99);
      }
    }
    const baseline = summarise(phases.baseline.data);
    const api = summarise(phases.api.data);
    const flows = summarise(phases.flows.data);
    const withKeys = summarise(phases.keys.data);
    await drain();

    const { rows } = await sql<{ n: number }>`select count(*)::int as n from payment_intents where status = 'succeeded'`.execute(bench.db);
    log(`${rows[0].n} payment intents succeeded during the run`);

    const baseRps = baseline.rps;
    report.add({ name: 'api.baseline_insert.throughput', value: baseRps, unit: 'req/s' });
    report.add({ name: 'api.baseline_insert.latency_p50', value: baseline.p50, unit: 'ms' });
    report.add({ name: 'api.baseline_insert.latency_p99', value: baseline.p99, unit: 'ms' });
    const vs = (name: string, value: number) => ({ name, value });
    const ratio = api.rps / baseRps;
    report.add({ name: 'api.create_confirm.throughput', value: api.rps, unit: 'req/s', ratio, baseline: vs('api.baseline_insert.throughput', baseRps), target: '>= 0.30 vs baseline', met: ratio >= 0.3 });
    report.add({ name: 'api.create_confirm.latency_p50', value: api.p50, unit: 'ms', ratio: api.p50 / baseline.p50, baseline: vs('api.baseline_insert.latency_p50', baseline.p50) });
    report.add({ name: 'api.create_confirm.latency_p99', value: api.p99, unit: 'ms', ratio: api.p99 / baseline.p99, baseline: vs('api.baseline_insert.latency_p99', baseline.p99) });
    const flowRate = flows.rps / 2;
    report.add({ name: 'api.create_then_confirm.throughput', value: flowRate, unit: 'payments/s', ratio: flowRate / baseRps, baseline: vs('api.baseline_insert.throughput', baseRps) });
    report.add({ name: 'api.create_then_confirm.latency_p50', value: flows.p50, unit: 'ms per call', ratio: flows.p50 / baseline.p50, baseline: vs('api.baseline_insert.latency_p50', baseline.p50) });
    report.add({ name: 'api.create_then_confirm.latency_p99', value: flows.p99, unit: 'ms per call', ratio: flows.p99 / baseline.p99, baseline: vs('api.baseline_insert.latency_p99', baseline.p99) });
    report.add({ name: 'api.create_confirm_idempotent.throughput', value: withKeys.rps, unit: 'req/s', ratio: withKeys.rps / baseRps, baseline: vs('api.baseline_insert.throughput', baseRps) });
    report.add({ name: 'api.create_confirm_idempotent.latency_p99', value: withKeys.p99, unit: 'ms', ratio: withKeys.p99 / baseline.p99, baseline: vs('api.baseline_insert.latency_p99', baseline.p99) });
  } finally {
    if (server) {
      await drain();
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
