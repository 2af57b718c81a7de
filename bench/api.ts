/**
 * (a) API create+confirm throughput and latency at a fixed concurrency, against two bare `node:http` servers
 * on the same PostgreSQL, measured in the same run:
 *  - `bare_insert`: one INSERT per request (raw pg), the yardstick of issue 8 item 13;
 *  - `bare_transaction`: the rows create+confirm writes (payment method, intent, attempt, charge, balance
 *    transaction and its running total, events, webhook outbox), captured from a real call and re-inserted
 *    under new ids, one statement each inside BEGIN/COMMIT, as a straightforward raw-pg implementation would
 *    (the total spread over slots as the API's is; the rollup triggers fire for both).
 *    The API's rate-limit token is left out: one bucket row updated inside 32 concurrent transactions
 *    serialises them on its lock (the API takes the token in its own statement, outside any transaction).
 * The servers (the product's app and both baselines) run in a child process and autocannon in this one, so the
 * load generator does not eat the servers' CPU. Phases are interleaved in rounds (a load change on the shared
 * machine hits each alike) and each ratio is the median of the per-round ratios. The baselines exist only here.
 * (b) What the analytics rollups cost (issue 13, target under 10 %): create+confirm with the rollup triggers
 *     switched off (ALTER TABLE … DISABLE TRIGGER between phases) is the baseline of the same phase with them on,
 *     in throughput and in CPU per payment.
 * CPU per request is counted for the server process and, on Linux, for PostgreSQL (every process of it, from /proc),
 * so where each request's time goes is measured, not guessed.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { randomString } from '../shared/ids.js';
import { createApp } from '../server/app.js';
import { advanceAnalyticsDays } from '../server/core/analytics/analytics.service.js';
import { TOTAL_SLOT } from '../server/core/balance/balance.repository.js';
import { createBenchMerchant, log, median, Report, startBenchDatabase } from './harness.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** Seconds per measured phase, split into interleaved rounds. */
// Twelve rounds of 3 s: a round's figures swing by ±15 % on the shared machine, so six rounds cannot tell 8 % from 12 %.
const DURATION_S = Number(process.env.BENCH_DURATION ?? 36);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const WARMUP_S = 2;
const POOL_SIZE = 40;
const TARGET = 0.2;

type Result = autocannon.Result;

interface Ready {
  type: 'ready';
  app: string;
  bareInsert: string;
  bareTransaction: string;
  secret: string;
}

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

// ---------------------------------------------------------------------------------------------------------
// Server side (child process)

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A baseline's first failure is printed: its status alone would not say why. */
let loggedFailure = false;

function bare(handler: (body: URLSearchParams) => Promise<unknown>): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    readBody(req)
      .then((text) => handler(new URLSearchParams(text)))
      .then((body) => {
        const json = JSON.stringify(body);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
        res.end(json);
      })
      .catch((error: Error) => {
        if (!loggedFailure) { loggedFailure = true; console.error(`[bench] a baseline request failed: ${error.message}`); }
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error.message);
      });
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

const JSON_TYPES = new Set([114, 3802]);

/** An INSERT of one captured row's columns, its values re-made per request (new ids, now). */
function rowInsert(table: string, result: pg.QueryResult, generated: Set<string>) {
  const row = result.rows[0] as Record<string, unknown>;
  // Generated columns (search vectors and the like) are computed by PostgreSQL, as for the API's writes.
  const columns = result.fields.map((f) => f.name).filter((c) => !generated.has(`${table}.${c}`));
  const json = new Set(result.fields.filter((f) => JSON_TYPES.has(f.dataTypeID)).map((f) => f.name));
  const text = `insert into ${table} (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
  return (swap: (value: string) => string, overrides: Record<string, unknown> = {}) => ({
    text,
    values: columns.map((c) => {
      if (c in overrides) return overrides[c];
      const value = row[c];
      if (c === 'created_at' || c === 'updated_at') return value === null ? null : new Date();
      if (json.has(c)) return value === null ? null : swap(JSON.stringify(value));
      return typeof value === 'string' ? swap(value) : value;
    }),
  });
}

/**
 * The bare transaction writes what one create+confirm wrote: its rows are captured from a real call, and
 * each request re-inserts them under new ids, each statement on its own, between BEGIN and COMMIT.
 */
async function bareTransactionWriter(pool: pg.Pool, app: string, secret: string) {
  const response = await fetch(`${app}/v1/payment_intents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true&metadata[order_id]=bench',
  });
  const intent = (await response.json()) as { id: string; status: string };
  if (intent.status !== 'succeeded') throw new Error(`capturing the rows of a create+confirm: ${JSON.stringify(intent)}`);
  const pi = await pool.query('select * from payment_intents where id = $1', [intent.id]);
  const pmId = pi.rows[0].payment_method_id as string;
  const pm = await pool.query('select * from payment_methods where id = $1', [pmId]);
  const attempt = await pool.query('select * from payment_attempts where payment_intent_id = $1', [intent.id]);
  const charge = await pool.query('select * from charges where payment_intent_id = $1', [intent.id]);
  const chargeId = charge.rows[0].id as string;
  const receiptToken = charge.rows[0].receipt_token as string | null;
  const ledger = await pool.query('select * from balance_transactions where source_id = $1', [chargeId]);
  const ledgerId = ledger.rows[0].id as string;
  const events = await pool.query('select * from events where object_id = any($1) order by created_at, id', [[intent.id, chargeId]]);
  if (events.rows.length < 3) throw new Error(`capturing the rows of a create+confirm: ${events.rows.length} events`);
  const attemptId = attempt.rows[0].id as string;
  const eventIds = events.rows.map((e) => e.id as string);
  const { rows: generatedRows } = await pool.query<{ name: string }>(
    `select table_name || '.' || column_name as name from information_schema.columns
     where table_schema = current_schema() and (is_generated = 'ALWAYS' or identity_generation = 'ALWAYS')`,
  );
  const generated = new Set(generatedRows.map((r) => r.name));
  const insertPm = rowInsert('payment_methods', pm, generated);
  const insertPi = rowInsert('payment_intents', pi, generated);
  const insertAttempt = rowInsert('payment_attempts', attempt, generated);
  const insertCharge = rowInsert('charges', charge, generated);
  const insertLedger = rowInsert('balance_transactions', ledger, generated);
  const insertEvents = events.rows.map((_, i) => rowInsert('events', { ...events, rows: [events.rows[i]] }, generated));
  return async (body: URLSearchParams) => {
    const renew = (id: string) => [id, `${id.slice(0, id.indexOf('_'))}_${randomString(24)}`] as [string, string];
    const ids = new Map<string, string>([renew(intent.id), renew(pmId), renew(attemptId), renew(chargeId), renew(ledgerId), ...eventIds.map(renew)]);
    // The receipt's token is unique too, and its URL is in the charge's event.
    if (receiptToken) ids.set(receiptToken, randomString(receiptToken.length));
    const swap = (value: string) => {
      let out = value;
      for (const [from, to] of ids) if (out.includes(from)) out = out.split(from).join(to);
      return out;
    };
    const amount = Number(body.get('amount'));
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(insertPm(swap));
      await client.query(insertPi(swap, { amount }));
      await client.query(insertAttempt(swap));
      await client.query(insertCharge(swap, { amount, amount_captured: amount }));
      const fee = Number(ledger.rows[0].fee);
      const ledgerInsert = insertLedger(swap, { amount, fee, net: amount - fee });
      const { rows: written } = await client.query(`${ledgerInsert.text} returning merchant_id, livemode, currency, status, net`, ledgerInsert.values);
      // The running total, spread over slots by connection as the API's is (one shared row would queue every writer).
      await client.query(
        `insert into balance_totals as t (merchant_id, livemode, currency, status, slot, amount) values ($1, $2, $3, $4, ${TOTAL_SLOT}, $5)
         on conflict (merchant_id, livemode, currency, status, slot) do update set amount = t.amount + excluded.amount`,
        [written[0].merchant_id, written[0].livemode, written[0].currency, written[0].status, written[0].net],
      );
      for (const insert of insertEvents) await client.query(insert(swap));
      await client.query(
        `insert into webhook_deliveries (id, merchant_id, livemode, endpoint_id, event_id, next_attempt_at)
         select 'wd_' || substr(md5(gen_random_uuid()::text), 1, 24), ev.merchant_id, ev.livemode, e.id, ev.id, ev.created_at
         from events ev join webhook_endpoints e on e.merchant_id = ev.merchant_id and e.livemode = ev.livemode
         where ev.id = any($1) and e.deleted_at is null and e.status = 'enabled' and e.enabled_events && array['*', ev.type]::text[]`,
        [eventIds.map((id) => ids.get(id))],
      );
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    return { id: ids.get(intent.id), object: 'payment_intent', amount, status: 'succeeded' };
  };
}

/** CPU time (user + system) the server process has used so far. */
function cpuMicros() {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** Clock ticks per second of /proc's CPU times. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A process's /proc stat fields after its name: [0] state, [1] ppid, … [11] utime, [12] stime, [13] cutime, [14] cstime. */
function procStat(pid: string): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone meanwhile
  }
}

/**
 * CPU time (user + system) PostgreSQL has used so far: the postmaster's, its reaped children's (exited autovacuum
 * workers) and its live children's (the backends of both pools, WAL writer, checkpointer, autovacuum). Linux only;
 * undefined elsewhere, and the figures that need it are left out.
 */
function postgresCpuMicros(postmaster: string | undefined): number | undefined {
  const own = postmaster ? procStat(postmaster) : undefined;
  if (!own) return undefined;
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = procStat(pid);
    if (stat && stat[1] === postmaster) ticks += Number(stat[11]) + Number(stat[12]);
  }
  return (ticks * 1e6) / CLOCK_TICKS;
}

async function serve() {
  const bench = await startBenchDatabase(POOL_SIZE);
  const servers: Server[] = [];
  const pool = new pg.Pool({ connectionString: bench.url, max: POOL_SIZE });
  let inFlight = 0;
  const track = (server: Server) => {
    server.on('request', (_req, res: ServerResponse) => {
      inFlight++;
      res.on('close', () => inFlight--);
    });
    servers.push(server);
    return server;
  };
  const stop = async () => {
    // Requests still running when a phase ends must finish before the pools close.
    for (let i = 0; i < 300 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 100));
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const { rows } = await pool.query<{ n: number }>(`select count(*)::int as n from payment_intents where status = 'succeeded'`);
    log(`${rows[0].n} payment intents succeeded during the run (API and bare transaction)`);
    await pool.end().catch(() => {});
    await bench.close();
  };
  try {
    const { rows: dataDir } = await pool.query<{ data_directory: string }>('show data_directory');
    let postmaster: string | undefined;
    try {
      postmaster = readFileSync(`${dataDir[0]!.data_directory}/postmaster.pid`, 'utf8').split('\n')[0]!.trim();
    } catch {
      log('PostgreSQL\'s CPU is not measured: its postmaster.pid is not readable');
    }
    const merchant = await createBenchMerchant(bench.db);
    // Its analytics days are cut (decision 023), as the job does within a minute of sign-up.
    await advanceAnalyticsDays(bench.deps);
    const secret = merchant.keys.test.secret;
    await pool.query(`create table bench_baseline (id text primary key, amount bigint not null, currency text not null, created_at timestamptz not null default now())`);
    // A rate limit far above what the machine can do, so the bench measures the work, not the limiter.
    const unlimited = { rate: 1_000_000, burst: 1_000_000 };
    const app = createApp(bench.deps, { logErrors: true, api: { rateLimits: { live: unlimited, test: unlimited } } });
    const appUrl = await listen(track(createServer(app)));
    bench.deps.appUrl = appUrl;
    const bareInsert = await listen(
      track(
        bare(async (body) => {
          const id = `bl_${randomString(24)}`;
          const amount = Number(body.get('amount'));
          const currency = String(body.get('currency'));
          await pool.query('insert into bench_baseline (id, amount, currency) values ($1, $2, $3)', [id, amount, currency]);
          return { id, object: 'baseline', amount, currency };
        }),
      ),
    );
    const bareTransaction = await listen(track(bare(await bareTransactionWriter(pool, appUrl, secret))));
    process.send!({ type: 'ready', app: appUrl, bareInsert, bareTransaction, secret } satisfies Ready);
    // Stop when told, or when the bench process goes away without saying so.
    await new Promise<void>((resolve) => {
      process.on('message', (message: { type: string; on?: boolean }) => {
        if (message.type === 'cpu') process.send!({ type: 'cpu', micros: cpuMicros(), database: postgresCpuMicros(postmaster) });
        else if (message.type === 'rollups') void switchRollups(pool, message.on!).then(() => process.send!({ type: 'rollups' }));
        else resolve();
      });
      process.once('disconnect', () => resolve());
    });
  } finally {
    await stop();
  }
}

/** Enables or disables the analytics rollup triggers (migration 0011: every trigger named analytics_*). */
async function switchRollups(pool: pg.Pool, on: boolean) {
  const { rows } = await pool.query<{ table: string; name: string }>(
    `select c.relname as table, t.tgname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid where t.tgname like 'analytics\\_%' and not t.tgisinternal`,
  );
  if (rows.length === 0) throw new Error('no analytics_* triggers found: the rollup cost would be meaningless');
  for (const r of rows) await pool.query(`alter table ${pg.escapeIdentifier(r.table)} ${on ? 'enable' : 'disable'} trigger ${pg.escapeIdentifier(r.name)}`);
}

// ---------------------------------------------------------------------------------------------------------
// Load side (this process)

interface CpuTimes {
  /** The server process's (the app and both baselines). */
  micros: number;
  /** PostgreSQL's, every process of it (undefined where /proc is not there). */
  database?: number;
}

const cpuWaiters: ((times: CpuTimes) => void)[] = [];
const rollupWaiters: (() => void)[] = [];

function switchServerRollups(child: ChildProcess, on: boolean): Promise<void> {
  return new Promise((resolve) => {
    rollupWaiters.push(resolve);
    child.send({ type: 'rollups', on });
  });
}

/** The server process's and PostgreSQL's CPU time so far, asked over IPC. */
function serverCpu(child: ChildProcess): Promise<CpuTimes> {
  return new Promise((resolve) => {
    cpuWaiters.push(resolve);
    child.send({ type: 'cpu' });
  });
}

function startServers(): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, BENCH_API_ROLE: 'server' },
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_SERVER_NODE_OPTIONS ?? '').split(' ').filter(Boolean)],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: Ready) => resolve({ child, ready: message }));
    child.on('message', (message: { type: string } & Partial<CpuTimes>) => {
      if (message.type === 'cpu') cpuWaiters.shift()?.({ micros: message.micros!, database: message.database });
      if (message.type === 'rollups') rollupWaiters.shift()?.();
    });
    child.once('exit', (code) => reject(new Error(`the bench server process exited (code ${code}) before it was ready`)));
  });
}

interface Phase {
  options: autocannon.Options;
  /** Counts per request made (create-then-confirm makes two calls per payment). */
  perUnit: number;
  rps: number[];
  /** Server-process CPU microseconds per request (per payment for create-then-confirm). */
  cpu: number[];
  /** PostgreSQL's CPU microseconds per request (empty where it is not measured). */
  dbCpu: number[];
  p50: number[];
  p99: number[];
  /** Runs around the phase (in the server process): the rollup cost phase switches the triggers off. */
  around?: { before: () => Promise<void>; after: () => Promise<void> };
}

export async function runApiBench(report: Report) {
  const { child, ready } = await startServers();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const auth = { authorization: `Bearer ${ready.secret}`, ...form };
    const body = 'amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true&metadata[order_id]=bench';
    const createConfirm: autocannon.Options = { url: `${ready.app}/v1/payment_intents`, method: 'POST', headers: auth, body, connections: CONNECTIONS };
    const phase = (options: autocannon.Options, perUnit = 1): Phase => ({ options, perUnit, rps: [], cpu: [], dbCpu: [], p50: [], p99: [] });
    const phases = {
      bare_insert: phase({ url: `${ready.bareInsert}/`, method: 'POST', headers: form, body: 'amount=2000&currency=usd', connections: CONNECTIONS }),
      bare_transaction: phase({ url: `${ready.bareTransaction}/`, method: 'POST', headers: form, body, connections: CONNECTIONS }),
      api: phase(createConfirm),
      api_without_rollups: {
        ...phase(createConfirm),
        around: { before: () => switchServerRollups(child, false), after: () => switchServerRollups(child, true) },
      },
      flows: phase(
        {
          url: `${ready.app}/v1/payment_intents`,
          headers: auth,
          connections: CONNECTIONS,
          requests: [
            {
              method: 'POST',
              path: '/v1/payment_intents',
              body: 'amount=2000&currency=usd&payment_method_types[]=card',
              onResponse: (_status, text, context) => {
                (context as { id?: string }).id = (JSON.parse(text) as { id: string }).id;
              },
            },
            {
              method: 'POST',
              setupRequest: (request, context) => ({ ...request, path: `/v1/payment_intents/${(context as { id: string }).id}/confirm` }),
              body: 'payment_method=pm_card_visa',
            },
          ],
        },
        2,
      ),
      keys: phase({
        ...createConfirm,
        requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'idempotency-key': `bench-${randomString(20)}` } }) }],
      }),
    };

    log(`warming up (${WARMUP_S} s each); then ${ROUNDS} interleaved rounds per phase`);
    for (const p of Object.values(phases)) {
      await p.around?.before();
      await run({ ...p.options, duration: WARMUP_S });
      await p.around?.after();
    }
    const roundSeconds = Math.max(1, Math.round(DURATION_S / ROUNDS));
    const names = Object.keys(phases) as (keyof typeof phases)[];
    for (let round = 1; round <= ROUNDS; round++) {
      // The rollup pair runs in turn order (api first in odd rounds, second in even ones): whatever a phase leaves
      // behind for the next (autovacuum of the rows it wrote, plans to redo after the trigger switch) falls on each alike.
      const order = round % 2 === 1 ? names : names.map((n) => (n === 'api' ? 'api_without_rollups' : n === 'api_without_rollups' ? 'api' : n));
      for (const name of order) {
        const p = phases[name];
        log(`round ${round}/${ROUNDS}: ${name}, ${CONNECTIONS} connections for ${roundSeconds} s`);
        await p.around?.before();
        const cpuBefore = await serverCpu(child);
        const result = await run({ ...p.options, duration: roundSeconds });
        const cpuAfter = await serverCpu(child);
        await p.around?.after();
        check(name, result);
        const units = result.requests.total / p.perUnit;
        p.cpu.push((cpuAfter.micros - cpuBefore.micros) / units);
        if (cpuAfter.database !== undefined && cpuBefore.database !== undefined) p.dbCpu.push((cpuAfter.database - cpuBefore.database) / units);
        p.rps.push(result.requests.total / p.perUnit / ((result.finish.getTime() - result.start.getTime()) / 1000));
        p.p50.push(result.latency.p50);
        p.p99.push(result.latency.p99);
      }
    }

    /** The median over rounds of this phase's figure divided by the baseline's figure of the same round. */
    const ratio = (p: Phase, base: Phase, pick: (x: Phase) => number[] = (x) => x.rps) => median(pick(p).map((v, i) => v / pick(base)[i]));
    const mid = (values: number[]) => median(values);
    /** The app's and PostgreSQL's CPU per request together, per round. */
    const totalCpu = (p: Phase) => p.cpu.map((c, i) => c + p.dbCpu[i]!);
    const base = phases.bare_insert;
    const tx = phases.bare_transaction;
    const vs = (name: string, value: number) => ({ name, value });
    const baseRps = mid(base.rps);
    report.add({ name: 'api.bare_insert.throughput', value: baseRps, unit: 'req/s' });
    report.add({ name: 'api.bare_insert.latency_p50', value: mid(base.p50), unit: 'ms' });
    report.add({ name: 'api.bare_insert.latency_p99', value: mid(base.p99), unit: 'ms' });
    report.add({ name: 'api.bare_transaction.throughput', value: mid(tx.rps), unit: 'req/s', ratio: ratio(tx, base), baseline: vs('api.bare_insert.throughput', baseRps) });
    report.add({ name: 'api.bare_transaction.latency_p50', value: mid(tx.p50), unit: 'ms', ratio: ratio(tx, base, (x) => x.p50), baseline: vs('api.bare_insert.latency_p50', mid(base.p50)) });

    const api = phases.api;
    const apiRatio = ratio(api, base);
    report.add({ name: 'api.create_confirm.throughput', value: mid(api.rps), unit: 'req/s', ratio: apiRatio, baseline: vs('api.bare_insert.throughput', baseRps), target: `>= ${TARGET} vs bare one-INSERT server`, met: apiRatio >= TARGET });
    report.add({ name: 'api.create_confirm.throughput_vs_bare_transaction', value: mid(api.rps), unit: 'req/s', ratio: ratio(api, tx), baseline: vs('api.bare_transaction.throughput', mid(tx.rps)) });
    report.add({ name: 'api.bare_insert.server_cpu_per_request', value: mid(base.cpu), unit: 'µs' });
    report.add({ name: 'api.bare_transaction.server_cpu_per_request', value: mid(tx.cpu), unit: 'µs', ratio: ratio(tx, base, (x) => x.cpu), baseline: vs('api.bare_insert.server_cpu_per_request', mid(base.cpu)) });
    report.add({ name: 'api.create_confirm.server_cpu_per_request', value: mid(api.cpu), unit: 'µs', ratio: ratio(api, base, (x) => x.cpu), baseline: vs('api.bare_insert.server_cpu_per_request', mid(base.cpu)) });
    if (base.dbCpu.length === ROUNDS) {
      report.add({ name: 'api.bare_insert.database_cpu_per_request', value: mid(base.dbCpu), unit: 'µs' });
      report.add({ name: 'api.bare_insert.total_cpu_per_request', value: mid(totalCpu(base)), unit: 'µs' });
      for (const [name, p] of [['bare_transaction', tx], ['create_confirm', api]] as const) {
        report.add({ name: `api.${name}.database_cpu_per_request`, value: mid(p.dbCpu), unit: 'µs', ratio: ratio(p, base, (x) => x.dbCpu), baseline: vs('api.bare_insert.database_cpu_per_request', mid(base.dbCpu)) });
        report.add({ name: `api.${name}.total_cpu_per_request`, value: mid(totalCpu(p)), unit: 'µs', ratio: ratio(p, base, totalCpu), baseline: vs('api.bare_insert.total_cpu_per_request', mid(totalCpu(base))) });
      }
    }
    report.add({ name: 'api.create_confirm.latency_p50', value: mid(api.p50), unit: 'ms', ratio: ratio(api, base, (x) => x.p50), baseline: vs('api.bare_insert.latency_p50', mid(base.p50)) });
    report.add({ name: 'api.create_confirm.latency_p99', value: mid(api.p99), unit: 'ms', ratio: ratio(api, base, (x) => x.p99), baseline: vs('api.bare_insert.latency_p99', mid(base.p99)) });
    const bareApi = phases.api_without_rollups;
    const rollupCost = 1 - ratio(api, bareApi);
    log(`rollup cost per round: ${api.rps.map((v, i) => `${(100 * (1 - v / bareApi.rps[i])).toFixed(1)} %`).join(', ')}`);
    report.add({
      name: 'api.create_confirm.rollup_cost',
      value: Math.round(rollupCost * 1000) / 10,
      unit: '% fewer req/s with the analytics rollup triggers on',
      ratio: ratio(api, bareApi),
      baseline: vs('api.create_confirm.throughput with the rollup triggers disabled', mid(bareApi.rps)),
      target: 'under 10 % slower',
      met: rollupCost < 0.1,
    });
    if (api.dbCpu.length === ROUNDS && bareApi.dbCpu.length === ROUNDS) {
      // The same cost in CPU: what the app and PostgreSQL spent per payment, with the triggers on and off. The
      // machine's other load changes how many requests a round gets through far more than what each one costs.
      log(`rollup CPU cost per round: ${totalCpu(api).map((v, i) => `${(100 * (v / totalCpu(bareApi)[i]! - 1)).toFixed(1)} %`).join(', ')}`);
      report.add({
        name: 'api.create_confirm.rollup_cpu_cost',
        value: Math.round((ratio(api, bareApi, totalCpu) - 1) * 1000) / 10,
        unit: '% more CPU per payment (app and PostgreSQL) with the analytics rollup triggers on',
        ratio: ratio(api, bareApi, totalCpu),
        baseline: vs('api.create_confirm.total_cpu_per_request with the rollup triggers disabled', mid(totalCpu(bareApi))),
      });
    }
    const flows = phases.flows;
    report.add({ name: 'api.create_then_confirm.throughput', value: mid(flows.rps), unit: 'payments/s', ratio: ratio(flows, base), baseline: vs('api.bare_insert.throughput', baseRps) });
    report.add({ name: 'api.create_then_confirm.latency_p50', value: mid(flows.p50), unit: 'ms per call', ratio: ratio(flows, base, (x) => x.p50), baseline: vs('api.bare_insert.latency_p50', mid(base.p50)) });
    const keys = phases.keys;
    report.add({ name: 'api.create_confirm_idempotent.throughput', value: mid(keys.rps), unit: 'req/s', ratio: ratio(keys, base), baseline: vs('api.bare_insert.throughput', baseRps) });
    report.add({ name: 'api.create_confirm_idempotent.latency_p99', value: mid(keys.p99), unit: 'ms', ratio: ratio(keys, base, (x) => x.p99), baseline: vs('api.bare_insert.latency_p99', mid(base.p99)) });
  } finally {
    child.send({ type: 'stop' });
    const timer = setTimeout(() => child.kill('SIGTERM'), 60_000);
    await exited;
    clearTimeout(timer);
  }
}

if (process.env.BENCH_API_ROLE === 'server') {
  serve().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = new Report();
  runApiBench(report)
    .then(() => report.write('api'))
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
