/**
 * Issue 12, speed: a payments export of a merchant with 1,000,000 payments (BENCH_REPORTS_PAYMENTS to
 * change it, BENCH_DATA_DIR to keep the seed between runs).
 *
 * - CSV through the real export (runReport: keyset batches, cell formatting, the CSV writer, the file
 *   storage) in rows/s, against `COPY (the same rows and columns, same order) TO STDOUT WITH CSV` through
 *   the same driver (node-postgres + pg-copy-streams) into a file, in the same run. Target >= 0.6.
 *   Rounds of (baseline, export); the ratio is the median of the rounds' ratios (BENCH_ROUNDS, default 3).
 * - The process's peak RSS growth during each export (sampled every 20 ms). Target < 100 MB.
 * - The same for XLSX (exceljs's streaming writer), gzipped CSV, and CSV with its cells formatted in TS (the
 *   engine before CSV moved into SQL), each against a baseline just before it (BENCH_REPORTS_CSV_ONLY=1 skips them).
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { to as copyTo } from 'pg-copy-streams';
import { createReportRun, runReport, getReportRunView } from '../server/core/reports/reports.service.js';
import type { CoreDeps } from '../server/core/shared/deps.js';
import { localFileStorage } from '../server/core/storage/storage.js';
import { createPool } from '../server/db/database.js';
import { log, seededBenchMerchant, median, Report, startBenchDatabase } from './harness.js';

const PAYMENTS = Number(process.env.BENCH_REPORTS_PAYMENTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const COLUMNS = ['id', 'created', 'amount', 'amount_refunded', 'currency', 'status', 'description', 'customer_id', 'card_brand', 'card_last4'];

/** Runs fn while sampling RSS; returns seconds taken and the peak growth in MB over the RSS before. */
async function measure(fn: () => Promise<void>): Promise<{ seconds: number; rssGrowthMb: number }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const started = process.hrtime.bigint();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rssGrowthMb: (peak - before) / 1024 / 1024 };
}

export async function runReportsBench(report: Report) {
  const dataDir = process.env.BENCH_DATA_DIR;
  const bench = await startBenchDatabase(10, { dataDir });
  const filesDir = mkdtempSync(path.join(os.tmpdir(), 'pf-bench-reports-'));
  const pool = createPool(bench.url, 2);
  try {
    const { merchantId, userId } = await seededBenchMerchant(bench, dataDir, 'reports', PAYMENTS);
    const deps: CoreDeps = { ...bench.deps, storage: localFileStorage(filesDir) };
    const actor = { merchantId, livemode: false, userId };

    // The baseline: PostgreSQL formats the same rows and columns itself and streams them out.
    const copyQuery = `copy (
      select id, created_at, amount, amount_refunded, currency, status, description, customer_id, card_brand, card_last4
      from payment_intents where merchant_id = '${merchantId}' and livemode = false order by created_at, id
    ) to stdout with csv header`;
    const baselineFile = path.join(filesDir, 'copy.csv');
    const copy = async () => {
      const client = await pool.connect();
      try {
        await pipeline(client.query(copyTo(copyQuery)), createWriteStream(baselineFile));
      } finally {
        client.release();
      }
    };
    await copy(); // warm the cache, as the export's runs below find it
    const copyOnce = async () => {
      const m = await measure(copy);
      log(`COPY baseline: ${m.seconds.toFixed(1)} s, ${(statSync(baselineFile).size / 1024 / 1024).toFixed(0)} MB`);
      rmSync(baselineFile);
      return PAYMENTS / m.seconds;
    };

    const exportOnce = async (format: 'csv' | 'xlsx', gzip: boolean, label: string, options: { csvFromDatabase?: boolean } = {}) => {
      const run = await createReportRun(deps, actor, 'UTC', { reportType: 'payments.itemized.1', columns: COLUMNS, format, gzip });
      let outcome = '';
      const m = await measure(async () => { outcome = await runReport(deps, actor, run.id, options); });
      const view = await getReportRunView(deps, actor, run.id);
      if (outcome !== 'succeeded' || view.rowsWritten !== PAYMENTS) throw new Error(`${label}: ${outcome}, ${view.rowsWritten} rows`);
      log(`${label}: ${m.seconds.toFixed(1)} s, ${(view.file!.size / 1024 / 1024).toFixed(0)} MB, RSS +${m.rssGrowthMb.toFixed(0)} MB`);
      return { rate: PAYMENTS / m.seconds, rssGrowthMb: m.rssGrowthMb };
    };
    const baselineName = 'COPY (same rows and columns) TO STDOUT WITH CSV, same driver';
    const add = (label: string, rate: number, ratio: number, baselineRate: number, rssGrowthMb: number, target?: boolean) => {
      report.add({
        name: `payments export ${label}, ${PAYMENTS.toLocaleString('en')} rows`, value: rate, unit: 'rows/s', ratio,
        baseline: { name: baselineName, value: baselineRate }, ...(target ? { target: '>= 0.6 of baseline', met: ratio >= 0.6 } : {}),
      });
      report.add({ name: `payments export ${label}: peak RSS growth`, value: rssGrowthMb, unit: 'MB', target: '< 100 MB', met: rssGrowthMb < 100 });
    };
    // Warm-up (JIT, module loading), as the COPY baseline's cache was warmed: one untimed export.
    const warm = await createReportRun(deps, actor, 'UTC', { reportType: 'payments.itemized.1', columns: COLUMNS });
    await runReport(deps, actor, warm.id);
    // On a shared machine the load moves between phases: each round measures the baseline and then the
    // export, and the figure is the median of the per-round ratios (BENCH_ROUNDS, default 3).
    const ratios: number[] = [];
    const rates: number[] = [];
    const baselines: number[] = [];
    let peak = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const baselineRate = await copyOnce();
      const csv = await exportOnce('csv', false, 'CSV');
      ratios.push(csv.rate / baselineRate);
      rates.push(csv.rate);
      baselines.push(baselineRate);
      peak = Math.max(peak, csv.rssGrowthMb);
      log(`round ${round + 1}: CSV at ${(csv.rate / baselineRate).toFixed(2)} of COPY (load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')})`);
    }
    add('CSV', median(rates), median(ratios), median(baselines), peak, true);
    if (!process.env.BENCH_REPORTS_CSV_ONLY) {
      // One run each, against a baseline measured just before it.
      for (const [format, gzip, label, options] of [
        ['csv', false, 'CSV with cells formatted in TS (the engine before; JSON Lines and XLSX still format there)', { csvFromDatabase: false }],
        ['csv', true, 'CSV gzip', {}],
        ['xlsx', false, 'XLSX', {}],
      ] as const) {
        const baselineRate = await copyOnce();
        const m = await exportOnce(format, gzip, label, options);
        add(label, m.rate, m.rate / baselineRate, baselineRate, m.rssGrowthMb);
        log(`${label}: ${(m.rate / baselineRate).toFixed(2)} of COPY (load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')})`);
      }
    }
  } finally {
    await pool.end().catch(() => {});
    rmSync(filesDir, { recursive: true, force: true });
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = new Report();
  runReportsBench(report)
    .then(() => report.write('reports'))
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
