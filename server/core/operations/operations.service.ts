import type { Db } from '../../db/database.js';
import { migrationNames } from '../../db/migrate.js';
import type { CoreDeps } from '../shared/deps.js';
import * as repo from './operations.repository.js';

export type { ExportDurationFigures, QueueFigures, WebhookFigures } from './operations.repository.js';

export interface Readiness {
  ready: boolean;
  draining: boolean;
  database: { reachable: boolean; error?: string };
  migrations: { current: boolean; pending: string[] };
  workers: { heartbeating: number };
}

/**
 * What a load balancer asks before sending traffic (/health/ready): the database answers, every migration
 * this build knows is applied, at least one worker process beats, and the instance is not draining.
 */
export async function checkReadiness(deps: Pick<CoreDeps, 'db'>, options: { workerStaleMs: number; draining: boolean }): Promise<Readiness> {
  try {
    const applied = new Set(await repo.appliedMigrations(deps.db));
    const pending = migrationNames().filter((name) => !applied.has(name));
    const heartbeating = await repo.liveWorkerCount(deps.db, options.workerStaleMs);
    return {
      ready: !options.draining && pending.length === 0 && heartbeating > 0,
      draining: options.draining,
      database: { reachable: true },
      migrations: { current: pending.length === 0, pending },
      workers: { heartbeating },
    };
  } catch (error) {
    return {
      ready: false,
      draining: options.draining,
      database: { reachable: false, error: (error as Error).message },
      migrations: { current: false, pending: [] },
      workers: { heartbeating: 0 },
    };
  }
}

export async function jobQueueFigures(db: Db) {
  return repo.queueFigures(db);
}

export async function webhookDeliveryFigures(db: Db) {
  return repo.webhookFigures(db);
}

export async function exportDurations(db: Db, bounds: readonly number[]) {
  return repo.exportDurationFigures(db, bounds);
}
