/** Runs every benchmark in turn (each with its own embedded database) and writes bench/results/latest.json. */
import { runAnalyticsBench } from './analytics.js';
import { runApiBench } from './api.js';
import { runBalanceBench } from './balance.js';
import { runDashboardBench } from './dashboard-lists.js';
import { log, Report } from './harness.js';
import { runJobsBench } from './jobs.js';
import { runListBench } from './list.js';
import { runSearchBench } from './search.js';
import { runWebhooksBench } from './webhooks.js';

const benchmarks = { api: runApiBench, list: runListBench, dashboard: runDashboardBench, search: runSearchBench, jobs: runJobsBench, webhooks: runWebhooksBench, analytics: runAnalyticsBench, balance: runBalanceBench } as const;

async function main() {
  let failed = false;
  for (const [name, run] of Object.entries(benchmarks)) {
    const report = new Report();
    try {
      log(`--- ${name} ---`);
      await run(report);
      report.write(name);
    } catch (error) {
      failed = true;
      console.error(`benchmark ${name} failed:`, error);
    }
  }
  if (failed) process.exitCode = 1;
}

void main();
