import type { Task } from 'graphile-worker';
import { advanceAnalyticsDays, compactAnalytics } from '../core/analytics/analytics.service.js';
import { pruneExpiredSessions, pruneForgivenThrottles } from '../core/accounts/accounts.service.js';
import { pruneIdleRateLimitBuckets } from '../core/api-keys/api-keys.service.js';
import { pruneIdempotencyKeys } from '../core/idempotency/idempotency.service.js';
import { expireDueSessions } from '../core/checkout-sessions/checkout-sessions.service.js';
import { expireIntents } from '../core/payment-intents/expiry.service.js';
import { processPendingRefunds } from '../core/refunds/refunds.service.js';
import { pruneReportFiles } from '../core/reports/reports.service.js';
import { runDueReportSchedules } from '../core/report-schedules/report-schedules.service.js';
import { releaseAvailableFunds } from '../core/balance/balance.service.js';
import { advanceTestPayouts, runAutomaticPayouts } from '../core/payouts/payouts.service.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { pruneExpiredChallenges } from '../core/two-factor/two-factor.service.js';

/**
 * The crontab tasks (no payload beyond graphile-worker's `_cron`). Each is safe to run on several
 * instances at once, though graphile-worker's crontab already schedules each tick exactly once.
 */
export const periodicTasks = (deps: CoreDeps): Record<string, Task> => ({
  'expire-payment-intents': async () => void (await expireIntents(deps)),
  // Sessions past expires_at: expired (their intents canceled) with checkout.session.expired.
  'expire-checkout-sessions': async () => void (await expireDueSessions(deps)),
  // A safety net: each refund has its own settle-refund job; this settles any whose job was lost.
  'settle-due-refunds': async () => void (await processPendingRefunds(deps, { olderThanMs: 60_000, limit: 1000 })),
  'prune-idempotency-keys': async () => void (await pruneIdempotencyKeys(deps)),
  // Expired sessions, and the sign-in and passkey challenges that timed out with them.
  'prune-expired-sessions': async () => void ((await pruneExpiredSessions(deps.db)) + (await pruneExpiredChallenges(deps.db))),
  // Idle rate-limit buckets (API keys, dashboard sessions) and throttle rows that no longer block anything.
  'prune-rate-limit-state': async () => void ((await pruneIdleRateLimitBuckets(deps.db)) + (await pruneForgivenThrottles(deps.db))),
  // Folds the analytics rollups' appended delta rows into one row per bucket key.
  'compact-analytics': async () => void (await compactAnalytics(deps)),
  // Moves each merchant's analytics day cut to its last local midnight, folding the days passed (decision 023).
  'cut-analytics-days': async () => void (await advanceAnalyticsDays(deps)),
  // Report files past their expiry (7 days by default), rows and stored bytes.
  'prune-report-files': async () => void (deps.storage && (await pruneReportFiles(deps))),
  // Scheduled exports whose period ended (their zone's midnight): one run per schedule and period.
  'run-report-schedules': async () => void (await runDueReportSchedules(deps)),
  // Pending balance transactions past available_on become available (with balance.available).
  'release-available-funds': async () => void (await releaseAvailableFunds(deps)),
  // Pays out each available balance on its merchant's schedule, then the simulated bank moves test payouts on.
  'automatic-payouts': async () => void (await runAutomaticPayouts(deps)),
  'advance-test-payouts': async () => void (await advanceTestPayouts(deps)),
});

/**
 * graphile-worker crontab (minute resolution; each tick is scheduled once across all workers, and
 * `?fill=` backfills ticks missed while no worker ran, up to that long ago).
 */
export const CRONTAB = [
  '* * * * * expire-payment-intents ?fill=5m',
  '* * * * * expire-checkout-sessions ?fill=5m',
  '* * * * * settle-due-refunds ?fill=5m',
  '*/15 * * * * prune-idempotency-keys',
  '7 * * * * prune-expired-sessions',
  '37 * * * * prune-rate-limit-state',
  '* * * * * compact-analytics',
  '* * * * * cut-analytics-days',
  '23 * * * * prune-report-files',
  '* * * * * run-report-schedules ?fill=1h',
  '* * * * * release-available-funds ?fill=5m',
  '*/5 * * * * automatic-payouts ?fill=1h',
  '* * * * * advance-test-payouts',
].join('\n');
