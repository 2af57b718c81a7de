/**
 * Job throughput on this machine, as ratios to a raw PostgreSQL queue measured in the same run:
 * - enqueue: `select graphile_worker.add_job(...)` vs a bare INSERT into a one-table queue, 4 clients;
 * - process: graphile-worker (our startWorkers, concurrency 4, no-op task) vs 4 loops of
 *   `DELETE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1)`, each on its own connection;
 * - settle: real settle-refund jobs (lease, simulator, record outcome) vs the no-op jobs.
 * Usage: npm run bench:jobs [-- <jobs>]
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createPaymentIntent } from '../server/core/payment-intents/payment-intents.service.js';
import { createRefund } from '../server/core/refunds/refunds.service.js';
import { startWorkers } from '../server/jobs/index.js';
import { createBenchMerchant, log, Report, startBenchDatabase } from './harness.js';

const CONCURRENCY = 4;

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function inParallel(url: string, clients: number, each: (client: pg.Client, i: number) => Promise<void>) {
  const cs = await Promise.all(Array.from({ length: clients }, async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    return c;
  }));
  try {
    await Promise.all(cs.map((c, i) => each(c, i)));
  } finally {
    await Promise.all(cs.map((c) => c.end()));
  }
}

export async function runJobsBench(report: Report, jobs = Number(process.argv[2] ?? 4000)) {
  const bench = await startBenchDatabase(12);
  try {
    const { url } = bench;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('create table bench_queue (id bigserial primary key, task text not null, payload json not null, created_at timestamptz not null default now())');
    const per = Math.ceil(jobs / CONCURRENCY);

    // Enqueue, one statement per job from 4 clients.
    const rawInsert = await timed(() => inParallel(url, CONCURRENCY, async (c) => {
      for (let i = 0; i < per; i++) await c.query(`insert into bench_queue (task, payload) values ('noop', $1)`, [JSON.stringify({ i })]);
    }));
    const addJob = await timed(() => inParallel(url, CONCURRENCY, async (c) => {
      for (let i = 0; i < per; i++) await c.query(`select graphile_worker.add_job('bench-noop', $1::json)`, [JSON.stringify({ i })]);
    }));
    const enqueued = per * CONCURRENCY;
    report.add({ name: 'jobs.enqueue.raw_insert', value: enqueued / rawInsert, unit: 'jobs/s' });
    report.add({
      name: 'jobs.enqueue.add_job', value: enqueued / addJob, unit: 'jobs/s',
      ratio: rawInsert / addJob, baseline: { name: 'jobs.enqueue.raw_insert', value: enqueued / rawInsert },
    });

    // Process: the raw SKIP LOCKED queue drained by 4 loops.
    const rawProcess = await timed(() => inParallel(url, CONCURRENCY, async (c) => {
      for (;;) {
        const { rowCount } = await c.query('delete from bench_queue where id = (select id from bench_queue order by id for update skip locked limit 1) returning id');
        if (!rowCount) return;
      }
    }));
    report.add({ name: 'jobs.process.raw_skip_locked', value: enqueued / rawProcess, unit: 'jobs/s' });

    // graphile-worker drains the jobs added above.
    let done = 0;
    let finish!: () => void;
    const drained = new Promise<void>((r) => (finish = r));
    const lines: string[] = [];
    const start = process.hrtime.bigint();
    const workers = await startWorkers(bench.deps, {
      databaseUrl: url, concurrency: CONCURRENCY, poolSize: 10, heartbeatMs: 10_000, staleAfterMs: 30_000, crontab: false,
      extraTasks: { 'bench-noop': async () => { if (++done === enqueued) finish(); } },
      log: (l) => lines.push(l),
    });
    await drained;
    const graphileProcess = Number(process.hrtime.bigint() - start) / 1e9;
    report.add({
      name: 'jobs.process.graphile_worker', value: enqueued / graphileProcess, unit: 'jobs/s',
      ratio: rawProcess / graphileProcess, baseline: { name: 'jobs.process.raw_skip_locked', value: enqueued / rawProcess },
    });

    // Real work: settle-refund jobs (each leases its refund, calls the simulator, records the outcome).
    const m = await createBenchMerchant(bench.db);
    const actor = { merchantId: m.merchant.id, livemode: false };
    const refunds = Math.min(1000, Math.floor(jobs / 4));
    const pi = await createPaymentIntent(bench.deps, actor, { amount: refunds * 100, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    await workers.stop();
    for (let i = 0; i < refunds; i++) await createRefund(bench.deps, actor, { payment_intent: pi.id, amount: 100 });
    await admin.query(`update graphile_worker._private_jobs set run_at = now()`);
    const settleStart = process.hrtime.bigint();
    const settler = await startWorkers(bench.deps, {
      databaseUrl: url, concurrency: CONCURRENCY, poolSize: 10, heartbeatMs: 10_000, staleAfterMs: 30_000, crontab: false, pollIntervalMs: 100,
      log: (l) => lines.push(l),
    });
    for (;;) {
      const { rows } = await admin.query(`select count(*)::int as n from refunds where merchant_id = $1 and status = 'pending'`, [actor.merchantId]);
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const settle = Number(process.hrtime.bigint() - settleStart) / 1e9;
    await settler.stop();
    report.add({
      name: 'jobs.process.settle_refund', value: refunds / settle, unit: 'jobs/s',
      ratio: (refunds / settle) / (enqueued / graphileProcess), baseline: { name: 'jobs.process.graphile_worker', value: enqueued / graphileProcess },
    });
    if (lines.length) log(`worker log:\n${lines.join('\n')}`);
    await admin.end();
  } finally {
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = new Report();
  runJobsBench(report)
    .then(() => report.write('jobs'))
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
