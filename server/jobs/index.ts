import { pruneExpiredSessions, pruneForgivenThrottles } from '../core/accounts/accounts.service.js';
import { pruneIdleRateLimitBuckets } from '../core/api-keys/api-keys.service.js';
import { expireIntents } from '../core/payment-intents/payment-intents.service.js';
import { processPendingRefunds } from '../core/refunds/refunds.service.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { pruneIdempotencyKeys } from './maintenance.js';

export { expireIntents, processPendingRefunds, pruneIdempotencyKeys };

export interface Workers {
  stop(): Promise<void>;
}

/**
 * A periodic job. `run` must be safe to execute on several instances at the same time: each one claims
 * its rows with `FOR UPDATE SKIP LOCKED` on the table that holds the work (see
 * docs/decisions/002-background-jobs.md). It returns how many items it handled; a full batch makes the
 * scheduler run it again immediately instead of waiting for the next tick.
 */
export interface JobDefinition {
  name: string;
  intervalMs: number;
  run(deps: CoreDeps): Promise<number>;
}

/**
 * Every background job. Webhook delivery (its own issue) plugs in here as one more entry whose `run`
 * claims due rows of webhook_deliveries (status = 'pending' and next_attempt_at <= now(), indexed by
 * webhook_deliveries_due_idx) with SKIP LOCKED, posts them and schedules the retry.
 */
export const JOBS: JobDefinition[] = [
  { name: 'expire-payment-intents', intervalMs: 30_000, run: (deps) => expireIntents(deps) },
  { name: 'process-refunds', intervalMs: 1_000, run: (deps) => processPendingRefunds(deps) },
  { name: 'prune-idempotency-keys', intervalMs: 15 * 60_000, run: (deps) => pruneIdempotencyKeys(deps) },
  { name: 'prune-expired-sessions', intervalMs: 60 * 60_000, run: (deps) => pruneExpiredSessions(deps.db) },
  { name: 'prune-rate-limit-state', intervalMs: 60 * 60_000, run: async (deps) => (await pruneIdleRateLimitBuckets(deps.db)) + (await pruneForgivenThrottles(deps.db)) },
];

/** Background work (intent expiry, refund processing, idempotency pruning, later webhook delivery). */
export async function startWorkers(deps: CoreDeps, log: (line: string) => void, jobs: JobDefinition[] = JOBS): Promise<Workers> {
  let stopped = false;
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Set<Promise<void>>();

  const schedule = (job: JobDefinition, delay: number) => {
    if (stopped) return;
    timers.set(job.name, setTimeout(() => tick(job), delay));
  };
  const tick = (job: JobDefinition) => {
    const work = (async () => {
      let again = false;
      try {
        const handled = await job.run(deps);
        again = handled >= 100;
      } catch (error) {
        // A failing job must not stop the others or the server; it is retried on the next tick.
        if (!stopped) log(`Job ${job.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      schedule(job, again ? 0 : job.intervalMs);
    })();
    running.add(work);
    void work.finally(() => running.delete(work));
  };
  // Spread the first runs so a fresh start does not hit the database with every job at once.
  jobs.forEach((job, i) => schedule(job, 250 * (i + 1)));

  return {
    stop: async () => {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      await Promise.allSettled([...running]);
    },
  };
}
