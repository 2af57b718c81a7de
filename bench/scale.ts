/**
 * Issue 16, Speed. Real processes (`npm start` / `npm run worker` as server/test/instances.ts starts them) on
 * one embedded PostgreSQL with a streaming standby, measured in the same run, phases interleaved in rounds:
 *  (a) API create+confirm (POST /v1/payment_intents confirm=true) through the round-robin proxy to one
 *      instance (baseline) and to two instances, with one worker process delivering the webhooks in both;
 *  (b) the dashboard list (GET /trpc/payments.list) while (a)'s two-instance load writes: an instance
 *      without a replica (baseline) against one with DATABASE_REPLICA_URL; also how many transactions the
 *      primary ran per list request in each (reads moved off the primary).
 * Ratios are medians of per-round ratios. On a 2-core machine the processes share the cores with the
 * database, so two instances measure coordination overhead more than added capacity.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { startInstance, startRoundRobinProxy, type Instance } from '../server/test/instances.js';
import { startPrimaryWithStandby } from '../server/test/standby.js';
import { createSession } from '../server/core/accounts/accounts.service.js';
import { createDb } from '../server/db/database.js';
import { createBenchMerchant, log, median, Report } from './harness.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const CSRF = { 'content-type': 'application/json', 'x-paymentflow-csrf': '1' };

function load(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => autocannon(options, (e, r) => (e ? reject(e) : resolve(r))));
}

function ok(name: string, r: autocannon.Result) {
  if (r.non2xx + r.errors + r.timeouts > 0) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  return r;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'pf-bench-scale-'));
const processes: Instance[] = [];
const stops: Array<() => Promise<void>> = [];
try {
  log('primary and standby from the embedded binaries');
  const servers = await startPrimaryWithStandby(dir, 'bench');
  stops.push(servers.stop);
  const databaseUrl = servers.primaryUrl;
  const replicaUrl = servers.standbyUrl;

  const env = (extra: Record<string, string> = {}) => ({
    NODE_ENV: 'production', DATABASE_URL: databaseUrl, DATA_DIR: dir, APP_SECRET: 'bench-scale-secret-that-is-long-enough-0123456789',
    SEED_DEMO: 'false', PORT: '0', WORKERS: 'false', LOG_LEVEL: 'info', LOG_FORMAT: 'json',
    RATE_LIMIT_TEST: '1000000', RATE_LIMIT_DASHBOARD: '1000000', ...extra,
  });
  log('starting 2 API instances, 1 worker, and 2 dashboard instances (without / with the replica)');
  // One at a time: five compiling processes at once starve a small machine.
  const start = async (kind: 'app' | 'worker', extra: Record<string, string> = {}) => {
    const instance = await startInstance(kind, env(extra), { readyTimeoutMs: 240_000 });
    processes.push(instance);
    return instance;
  };
  const api1 = await start('app');
  const api2 = await start('app');
  await start('worker', { WORKERS: 'true' });
  const plain = await start('app');
  const withReplica = await start('app', { DATABASE_REPLICA_URL: replicaUrl });
  const one = await startRoundRobinProxy(() => [api1.url]);
  const two = await startRoundRobinProxy(() => [api1.url, api2.url]);
  stops.unshift(one.close, two.close);

  // A merchant with its keys, and a dashboard session for its owner (the cookie a sign-in sets).
  const setup = createDb(databaseUrl, { max: 2 });
  const merchant = await createBenchMerchant(setup);
  const { token } = await createSession(setup, merchant.user.id, merchant.merchant.id);
  await setup.destroy();
  const cookie = `pf_session=${token}`;
  const secret = merchant.keys.test.secret;
  const createConfirm = (url: string, duration = DURATION_S) => load({
    url: `${url}/v1/payment_intents`, method: 'POST', connections: CONNECTIONS, duration,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'amount=2000&currency=usd&confirm=true&payment_method=pm_card_visa',
  });
  const listUrl = (base: string) => `${base}/trpc/payments.list?input=${encodeURIComponent(JSON.stringify({}))}`;
  const list = (base: string, duration = DURATION_S) => load({ url: listUrl(base), connections: 4, duration, headers: { ...CSRF, cookie } });
  const stats = new pg.Client({ connectionString: databaseUrl });
  await stats.connect();
  stops.unshift(() => stats.end());
  const primaryTransactions = async () => Number((await stats.query<{ n: string }>(`select xact_commit + xact_rollback as n from pg_stat_database where datname = 'bench'`)).rows[0].n);

  log('warm-up');
  ok('warm-up', await createConfirm(two.url, 3));
  ok('warm-up list', await list(withReplica.url));

  const apiRatios: number[] = [];
  const single: number[] = [];
  const double: number[] = [];
  const listRatios: number[] = [];
  const listPlain: number[] = [];
  const listReplica: number[] = [];
  const primaryPerList: { plain: number[]; replica: number[] } = { plain: [], replica: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const a = ok('one instance', await createConfirm(one.url)).requests.average;
    const b = ok('two instances', await createConfirm(two.url)).requests.average;
    single.push(a);
    double.push(b);
    apiRatios.push(b / a);
    log(`round ${round + 1}: create+confirm ${a.toFixed(0)} req/s (one) vs ${b.toFixed(0)} req/s (two)`);

    // The dashboard list, each configuration while the two-instance API load writes.
    const measureList = async (base: string, bucket: number[]) => {
      // Alone, the primary's transactions per list request (session, rate-limit token, and the list itself unless replicated)…
      const before = await primaryTransactions();
      const alone = ok('list alone', await list(base, 3));
      bucket.push(((await primaryTransactions()) - before) / Math.max(1, alone.requests.total));
      // …then the list's throughput while the API load writes.
      const [listed] = await Promise.all([list(base), createConfirm(two.url)]);
      return ok('list', listed).requests.average;
    };
    const p = await measureList(plain.url, primaryPerList.plain);
    const r = await measureList(withReplica.url, primaryPerList.replica);
    listPlain.push(p);
    listReplica.push(r);
    listRatios.push(r / p);
    log(`round ${round + 1}: dashboard list ${p.toFixed(0)} req/s (primary) vs ${r.toFixed(0)} req/s (replica)`);
  }

  const report = new Report();
  report.add({ name: 'scale_api_create_confirm_one_instance', value: median(single), unit: 'req/s' });
  report.add({ name: 'scale_api_create_confirm_two_instances', value: median(double), unit: 'req/s', ratio: median(apiRatios), baseline: { name: 'scale_api_create_confirm_one_instance', value: median(single) } });
  report.add({ name: 'scale_dashboard_list_primary_under_writes', value: median(listPlain), unit: 'req/s' });
  report.add({ name: 'scale_dashboard_list_replica_under_writes', value: median(listReplica), unit: 'req/s', ratio: median(listRatios), baseline: { name: 'scale_dashboard_list_primary_under_writes', value: median(listPlain) } });
  report.add({ name: 'scale_primary_transactions_per_list_request_without_replica', value: median(primaryPerList.plain), unit: 'xact/request' });
  report.add({ name: 'scale_primary_transactions_per_list_request_with_replica', value: median(primaryPerList.replica), unit: 'xact/request', ratio: median(primaryPerList.replica) / median(primaryPerList.plain), baseline: { name: 'scale_primary_transactions_per_list_request_without_replica', value: median(primaryPerList.plain) } });
  report.write('scale');
} finally {
  await Promise.all(processes.map((p) => p.stop('SIGTERM')));
  for (const stop of stops) await stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
