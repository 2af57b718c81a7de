/**
 * Issue 8 item 12: every shape of the search language on a merchant with 1,000,000 payments.
 * (work in progress: seeding part)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { seedBulkPayments } from '../server/seed/bulk.js';
import { addDashboardVariety } from './dashboard-lists.js';
import { createBenchMerchant, log, startBenchDatabase, type BenchDatabase } from './harness.js';

const PAYMENTS = Number(process.env.BENCH_SEARCH_PAYMENTS ?? 1_000_000);

/** A kept database (BENCH_DATA_DIR) is seeded once; the merchant's id is kept beside the data. */
export async function prepareSearchDatabase(): Promise<{ bench: BenchDatabase; merchantId: string }> {
  const dataDir = process.env.BENCH_DATA_DIR;
  const bench = await startBenchDatabase(10, { dataDir });
  const marker = dataDir ? path.join(path.resolve(dataDir), `search-bench-${PAYMENTS}.json`) : undefined;
  if (marker && existsSync(marker)) {
    const { merchantId } = JSON.parse(readFileSync(marker, 'utf8')) as { merchantId: string };
    log(`reusing the seeded merchant ${merchantId}`);
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  prepareSearchDatabase()
    .then(({ bench }) => bench.close())
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
