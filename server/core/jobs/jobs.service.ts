import type { Executor } from '../../db/database.js';
import * as repo from './jobs.repository.js';

/** A worker process's heartbeat: one row per graphile-worker worker id it runs. */
export function recordHeartbeats(db: Executor, workerIds: string[], host: string, pid: number): Promise<void> {
  return repo.upsertHeartbeats(db, workerIds, host, pid);
}

export function removeHeartbeats(db: Executor, workerIds: string[]): Promise<void> {
  return repo.deleteHeartbeats(db, workerIds);
}

/**
 * Workers presumed dead: their heartbeat is older than `staleAfterMs` (its row is removed), or they hold a
 * job for longer than that without any heartbeat row. Their jobs are then unlocked by the caller with
 * graphile-worker's forceUnlockWorkers.
 */
export async function claimDeadWorkers(db: Executor, staleAfterMs: number): Promise<string[]> {
  const stale = await repo.deleteStaleHeartbeats(db, staleAfterMs);
  const orphans = await repo.findLockHoldersWithoutHeartbeat(db, staleAfterMs);
  return [...new Set([...stale, ...orphans])];
}
