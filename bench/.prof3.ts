import { sql } from 'kysely';
import { readFileSync } from 'node:fs';
import * as repo from '../server/core/analytics/analytics.repository.js';
import { getOverview } from '../server/core/analytics/analytics.service.js';
import { startBenchDatabase, percentile } from './harness.js';
const bench = await startBenchDatabase(4, { dataDir: '/tmp/pf-analytics-s5' });
try {
const { merchantId } = JSON.parse(readFileSync('/tmp/pf-analytics-s5/analytics-bench-1000000.json', 'utf8'));
const scope = { merchantId, livemode: false };
const from = new Date('2025-12-03T05:00:00Z'), to = new Date('2026-12-03T05:00:00Z');
const q = { currency: 'usd', from, to, granularity: 'day' as const, timeZone: 'America/New_York' };
const q2 = { ...q, from: new Date('2024-12-03T05:00:00Z'), to: from };
const r: any = repo;
const { ctes, select } = r.rollupSeriesStatement(scope, [q, q2], 'daily');
const breakdowns = r.breakdownCtes(scope, q, 'daily');
const stmt = sql`with ${ctes}, ${breakdowns},
    series as (${select})
    select (select timezone = 'America/New_York' from merchants where id = ${merchantId}) zone_current,
      (select json_agg(series) from series) series,
      (select json_agg(b order by dim, n) from kept b where n <= 20) breakdowns`;
for (let i = 0; i < 3; i++) {
  const { rows } = await sql<any>`explain (analyze, buffers, timing) ${stmt}`.execute(bench.db);
  if (i === 2) console.log(rows.map((r: any) => r['QUERY PLAN']).filter((l: string) => /actual time|Execution|Planning/.test(l)).slice(0, 60).join('\n'));
}
async function time(name: string, fn: () => Promise<unknown>, n = 30) {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) { const s = process.hrtime.bigint(); await fn(); out.push(Number(process.hrtime.bigint() - s) / 1e6); }
  out.sort((a, b) => a - b);
  console.log(name, 'p50', percentile(out, 50).toFixed(1), 'p95', percentile(out, 95).toFixed(1));
}
await time('stmt', () => stmt.execute(bench.db));
await time('getOverview', () => getOverview(bench.deps, scope, { from: '2025-12-03', to: '2026-12-03', granularity: 'day', compare: 'previous_period', timezone: 'America/New_York', currency: 'usd' }));
} finally { await bench.close(); }
