import os from 'node:os';
import type { WorkerUtils } from 'graphile-worker';
import { claimDeadWorkers, recordHeartbeats, removeHeartbeats } from '../core/jobs/jobs.service.js';
import type { Db } from '../db/database.js';

export interface HeartbeatOptions {
  /** How often this process refreshes its workers' rows and looks for dead workers. */
  intervalMs: number;
  /** A heartbeat older than this marks its worker dead; its jobs are unlocked for others. */
  staleAfterMs: number;
}

/**
 * graphile-worker leaves a crashed worker's jobs locked for 4 hours. Every worker process beats for its
 * workers and unlocks the jobs of dead ones, so a SIGKILLed worker's job is retried within
 * staleAfterMs + intervalMs (+ graphile-worker's poll interval).
 */
export function startHeartbeat(db: Db, utils: WorkerUtils, options: HeartbeatOptions, log: (line: string) => void) {
  const workerIds = new Set<string>();
  const host = os.hostname();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let beating: Promise<void> = Promise.resolve();

  const beat = async () => {
    try {
      await recordHeartbeats(db, [...workerIds], host, process.pid);
      const dead = (await claimDeadWorkers(db, options.staleAfterMs)).filter((id) => !workerIds.has(id));
      if (dead.length) {
        await utils.forceUnlockWorkers(dead);
        log(`Unlocked the jobs of ${dead.length} stopped worker(s): ${dead.join(', ')}`);
      }
    } catch (error) {
      // The database may be briefly unreachable; the next beat tries again.
      if (!stopped) log(`Worker heartbeat failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      beating = beat().finally(schedule);
    }, options.intervalMs);
  };

  return {
    /** Registers a worker pool id; its row is written at once, before the pool can have held a job for long. */
    add(workerId: string) {
      workerIds.add(workerId);
      beating = beating.then(beat);
    },
    /** The pool ids this process beats for (their jobs are released when a stop times out). */
    ids: () => [...workerIds],
    start: schedule,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await beating.catch(() => {});
      await removeHeartbeats(db, [...workerIds]).catch(() => {});
    },
  };
}
