import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createMerchantWithOwner } from '../server/core/accounts/accounts.service.js';
import type { CoreDeps } from '../server/core/shared/deps.js';
import { createDb, type Db } from '../server/db/database.js';
import { ensureDatabase } from '../server/db/connect.js';
import { startEmbeddedPostgres, withDatabase } from '../server/db/embedded.js';
import { migrateJobQueue, migrateToLatest } from '../server/db/migrate.js';
import { seedBulkPayments } from '../server/seed/bulk.js';
import { randomString } from '../shared/ids.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RESULTS_FILE = path.join(here, 'results', 'latest.json');

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** value / baseline, when the figure has a baseline measured in the same run. */
  ratio?: number;
  baseline?: { name: string; value: number };
  target?: string;
  met?: boolean;
}

export interface BenchDatabase {
  db: Db;
  deps: CoreDeps;
  url: string;
  close(): Promise<void>;
}

export const log = (line: string) => console.error(`[bench] ${line}`);

/**
 * A throw-away embedded PostgreSQL in a temp folder, migrated; removed on close. With `dataDir` (the
 * BENCH_DATA_DIR variable) the folder is kept and reused, so a large seed survives between runs.
 */
export async function startBenchDatabase(poolSize = 40, options: { dataDir?: string } = {}): Promise<BenchDatabase> {
  const keep = Boolean(options.dataDir);
  const dir = options.dataDir ? path.resolve(options.dataDir) : mkdtempSync(path.join(os.tmpdir(), 'pf-bench-'));
  mkdirSync(dir, { recursive: true });
  log(`starting embedded PostgreSQL in ${dir}${keep ? ' (kept)' : ''}`);
  const server = await startEmbeddedPostgres(dir, log);
  await ensureDatabase(server.url, 'bench');
  const url = withDatabase(server.url, 'bench');
  const db = createDb(url, { max: poolSize });
  await migrateToLatest(db);
  await migrateJobQueue(url);
  const deps: CoreDeps = { db, secret: 'bench-secret-that-is-long-enough-0123456789', appUrl: 'http://127.0.0.1:0' };
  return {
    db,
    deps,
    url,
    close: async () => {
      await db.destroy().catch(() => {});
      await server.stop().catch(() => {});
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function createBenchMerchant(db: Db) {
  return createMerchantWithOwner(db, {
    email: `bench-${randomString(8).toLowerCase()}@example.test`,
    name: 'Bench Owner',
    businessName: 'Bench Shop',
    password: 'a-long-bench-passphrase',
  });
}

/**
 * A bench merchant with `payments` bulk-seeded payments (rollups rebuilt, statistics fresh). With a kept database
 * (`dataDir`, BENCH_DATA_DIR) it is seeded once per bench name and volume: a marker file beside the data names the
 * merchant for later runs.
 */
export async function seededBenchMerchant(bench: BenchDatabase, dataDir: string | undefined, name: string, payments: number): Promise<{ merchantId: string; userId: string }> {
  const marker = dataDir ? path.join(path.resolve(dataDir), `${name}-bench-${payments}.json`) : undefined;
  if (marker && existsSync(marker)) {
    const kept = JSON.parse(readFileSync(marker, 'utf8')) as { merchantId: string; userId?: string };
    // Markers written before the owner's id was kept name only the merchant.
    const userId = kept.userId ?? (await bench.db.selectFrom('memberships').select('user_id').where('merchant_id', '=', kept.merchantId).executeTakeFirstOrThrow()).user_id;
    log(`reusing the seeded merchant ${kept.merchantId}`);
    return { merchantId: kept.merchantId, userId };
  }
  const created = await createBenchMerchant(bench.db);
  const seeded = { merchantId: created.merchant.id, userId: created.user.id };
  log(`seeding ${payments.toLocaleString('en')} payments`);
  const started = Date.now();
  await seedBulkPayments(bench.deps, seeded.merchantId, false, payments, log);
  await sql`vacuum analyze`.execute(bench.db);
  log(`seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (marker) writeFileSync(marker, JSON.stringify(seeded));
  return seeded;
}

function fmt(value: number): string {
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Prints `name: value unit (x.xx vs baseline)` on stdout and keeps the figure for latest.json. */
export class Report {
  readonly figures: Figure[] = [];

  add(figure: Figure) {
    this.figures.push(figure);
    const r = figure.ratio;
    const ratio = r === undefined ? '' : ` (${r !== 0 && Math.abs(r) < 0.01 ? r.toPrecision(2) : r.toFixed(2)} vs baseline)`;
    const target = figure.target ? ` [target ${figure.target}: ${figure.met ? 'met' : 'NOT met'}]` : '';
    console.log(`${figure.name}: ${fmt(figure.value)} ${figure.unit}${ratio}${target}`);
  }

  /** Merges this run's figures into bench/results/latest.json (other benchmarks' figures are kept). */
  write(benchmark: string) {
    mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
    let previous: { benchmarks?: Record<string, unknown> } = {};
    if (existsSync(RESULTS_FILE)) {
      try {
        previous = JSON.parse(readFileSync(RESULTS_FILE, 'utf8'));
      } catch {
        previous = {};
      }
    }
    const benchmarks = { ...(previous.benchmarks ?? {}) };
    benchmarks[benchmark] = {
      ran_at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.release()}` },
      figures: this.figures,
    };
    writeFileSync(RESULTS_FILE, JSON.stringify({ updated_at: new Date().toISOString(), benchmarks }, null, 2) + '\n');
    log(`wrote ${path.relative(process.cwd(), RESULTS_FILE)}`);
  }
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}
