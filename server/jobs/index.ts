import { EventEmitter } from 'node:events';
import { Logger, makeWorkerUtils, parseCrontab, run, type TaskList, type WorkerEvents } from 'graphile-worker';
import type { CoreDeps } from '../core/shared/deps.js';
import { createDb, createPool } from '../db/database.js';
import { startHeartbeat } from './heartbeat.js';
import { CRONTAB, periodicTasks } from './periodic.js';
import { defaultDeliveryOptions, type DeliveryOptions } from '../core/webhooks/webhooks.service.js';
import { deliverWebhookTask } from './deliver-webhook.js';
import { sendMailTask } from './send-mail.js';
import { recoverWebhooksTask } from './recover-webhooks.js';
import { settleRefundTask } from './settle-refund.js';

export interface WorkerOptions {
  /** The database the jobs live in (the same as the API's). */
  databaseUrl: string;
  /** Jobs run at once in this process. */
  concurrency: number;
  /** The workers' own connection budget, apart from the API pool: tasks' queries plus the queue's. */
  poolSize: number;
  heartbeatMs: number;
  staleAfterMs: number;
  /** How often graphile-worker looks for jobs scheduled in the future (new jobs arrive by LISTEN/NOTIFY). */
  pollIntervalMs?: number;
  /** How long a graceful stop waits for jobs in flight before failing and unlocking them (default 10 s). */
  shutdownTimeoutMs?: number;
  /** False: queued jobs only, no crontab (tests that must not be disturbed by periodic runs). */
  crontab?: boolean;
  /** Webhook delivery settings (tests shorten the retry schedule and the timeout). */
  webhooks?: Partial<DeliveryOptions>;
  /** Extra task handlers (tests). */
  extraTasks?: TaskList;
  log: (line: string) => void;
}

export interface Workers {
  /** Graceful: waits for jobs in flight, then (after shutdownTimeoutMs) fails and unlocks what is left. */
  stop(): Promise<void>;
}

/** Every task this app runs; queued ones are added by core repositories (server/core/jobs). */
function taskList(deps: CoreDeps, options: WorkerOptions): TaskList {
  return {
    'settle-refund': settleRefundTask(deps),
    'deliver-webhook': deliverWebhookTask(deps, { ...defaultDeliveryOptions(options.log), ...options.webhooks }),
    'send-mail': sendMailTask(deps),
    'recover-webhooks': recoverWebhooksTask(deps),
    ...periodicTasks(deps),
  };
}

/**
 * Starts graphile-worker for `npm start` (WORKERS=true) or `npm run worker`. The tasks get a CoreDeps
 * whose db is the workers' own pool, so a burst of jobs never starves the API of connections.
 */
export async function startWorkers(deps: Omit<CoreDeps, 'db'>, options: WorkerOptions): Promise<Workers> {
  // The budget is split: graphile-worker's queue needs a connection per concurrent job plus one for LISTEN
  // (it warns below that), the tasks the rest.
  const queueConnections = Math.max(2, Math.min(options.concurrency + 1, options.poolSize - 1));
  const taskDb = createDb(options.databaseUrl, { max: Math.max(1, options.poolSize - queueConnections) });
  const workerDeps: CoreDeps = { ...deps, db: taskDb };
  const logger = workerLogger(options.log);
  // Queue bookkeeping (LISTEN, get/complete/fail job, unlocking dead workers). Our pool, not one
  // graphile-worker makes: it would end its own before the last completion is written.
  const queuePool = createPool(options.databaseUrl, queueConnections);
  const utils = await makeWorkerUtils({ pgPool: queuePool, logger });
  const heartbeat = startHeartbeat(taskDb, utils, { intervalMs: options.heartbeatMs, staleAfterMs: options.staleAfterMs }, options.log);

  // graphile-worker locks jobs in the name of the worker pool (one per process), so that is what beats.
  const events: WorkerEvents = new EventEmitter();
  events.on('pool:create', ({ workerPool }) => heartbeat.add(workerPool.id));

  const runner = await run({
    pgPool: queuePool,
    concurrency: options.concurrency,
    pollInterval: options.pollIntervalMs ?? 2000,
    taskList: { ...taskList(workerDeps, options), ...options.extraTasks },
    parsedCronItems: options.crontab === false ? [] : parseCrontab(CRONTAB),
    noHandleSignals: true,
    gracefulShutdownAbortTimeout: options.shutdownTimeoutMs ?? 10_000,
    events,
    logger,
  });
  heartbeat.start();

  let stopping: Promise<void> | undefined;
  return {
    stop: () =>
      (stopping ??= (async () => {
        const timeoutMs = options.shutdownTimeoutMs ?? 10_000;
        const graceful = runner.stop().then(
          () => true,
          (e) => (options.log(`Workers did not stop cleanly: ${e instanceof Error ? e.message : String(e)}`), true),
        );
        if (!(await Promise.race([graceful, sleep(timeoutMs).then(() => false)]))) {
          // Jobs still running: unlock them so another worker retries them at once (tasks are idempotent);
          // this process is about to exit and takes the stuck task with it.
          options.log(`Jobs still running ${timeoutMs / 1000} s after the stop signal: releasing them for a retry`);
          await utils.forceUnlockWorkers(heartbeat.ids()).catch((e) => options.log(`Could not release the jobs: ${e instanceof Error ? e.message : String(e)}`));
        }
        // A finished job's completion is written just after its worker is released; let it land.
        for (let i = 0; i < 100 && (queuePool.waitingCount > 0 || queuePool.idleCount < queuePool.totalCount); i++) await new Promise((r) => setTimeout(r, 20));
        await queuePool.end().catch(() => {});
        await heartbeat.stop();
        await Promise.resolve(utils.release()).catch(() => {});
        await taskDb.destroy().catch(() => {});
      })()),
  };
}

/** graphile-worker's log lines through ours; its routine info and debug lines are dropped. */
function workerLogger(log: (line: string) => void) {
  return new Logger((scope) => (level, message) => {
    const l = String(level);
    if (l !== 'error' && l !== 'warning') return;
    const where = scope.taskIdentifier ? ` [${scope.taskIdentifier}${scope.jobId ? ` #${scope.jobId}` : ''}]` : '';
    log(`worker${where}: ${message}`);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
