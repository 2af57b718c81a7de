import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

/** The queued tasks and their payloads; server/jobs/tasks.ts registers one handler for each. */
export interface JobPayloads {
  'settle-refund': { merchantId: string; livemode: boolean; refundId: string };
  /** `deferred`: re-added behind another worker's lease; it only delivers if the delivery is due by then. */
  'deliver-webhook': { merchantId: string; livemode: boolean; deliveryId: string; deferred?: boolean };
  'recover-webhooks': { merchantId: string; livemode: boolean; recoveryId: string };
  'send-mail': { mailId: string };
  'export-report': { merchantId: string; livemode: boolean; runId: string };
}
export type JobName = keyof JobPayloads;

export interface JobOptions {
  /** Not before this time (graphile-worker polls for future jobs; default: now). */
  runAt?: Date;
  /** At most one pending job per key: adding again replaces the waiting one. */
  jobKey?: string;
  maxAttempts?: number;
  /** Jobs of one queue run one at a time, in order; other queues proceed meanwhile. */
  queueName?: string;
  /** Lower runs first among due jobs (default 0). */
  priority?: number;
}

/**
 * Adds a job in the caller's transaction: it becomes visible to the workers only when the change that
 * needs it commits, and disappears with it on rollback.
 */
export async function addJob<N extends JobName>(db: Executor, name: N, payload: JobPayloads[N], options: JobOptions = {}): Promise<void> {
  await sql`select graphile_worker.add_job(
    ${name}::text,
    ${JSON.stringify(payload)}::json,
    run_at => ${options.runAt ?? null}::timestamptz,
    job_key => ${options.jobKey ?? null}::text,
    max_attempts => ${options.maxAttempts ?? null}::int,
    queue_name => ${options.queueName ?? null}::text,
    priority => ${options.priority ?? null}::int
  )`.execute(db);
}

/**
 * addJob as an SQL expression over columns of a larger statement (e.g. the RETURNING list of an insert,
 * which Postgres evaluates for every row even in a CTE nobody reads): one job per row, in that statement.
 * `payload` and `queueName` are SQL expressions; the caller builds them from its own columns.
 */
export function addJobExpression(name: JobName, payload: string, queueName: string, jobKey?: string): string {
  return `graphile_worker.add_job('${name}'::text, (${payload})::json, queue_name => (${queueName})::text${jobKey ? `, job_key => (${jobKey})::text` : ''})`;
}

/**
 * Removes the waiting jobs with these keys in the caller's transaction (their work was done by another
 * job); a job already running keeps running but loses its key and is not retried.
 */
export async function removeJobs(db: Executor, jobKeys: string[]): Promise<void> {
  if (!jobKeys.length) return;
  await sql`select graphile_worker.remove_job(k) from unnest(${jobKeys}::text[]) as k`.execute(db);
}

export async function upsertHeartbeats(db: Executor, workerIds: string[], host: string, pid: number): Promise<void> {
  if (!workerIds.length) return;
  await db
    .insertInto('worker_heartbeats')
    .values(workerIds.map((worker_id) => ({ worker_id, host, pid })))
    .onConflict((oc) => oc.column('worker_id').doUpdateSet({ last_seen_at: sql`now()` }))
    .execute();
}

export async function deleteHeartbeats(db: Executor, workerIds: string[]): Promise<void> {
  if (!workerIds.length) return;
  await db.deleteFrom('worker_heartbeats').where('worker_id', 'in', workerIds).execute();
}

/** Removes the heartbeats older than `staleAfterMs` and returns their worker ids. */
export async function deleteStaleHeartbeats(db: Executor, staleAfterMs: number): Promise<string[]> {
  const rows = await db
    .deleteFrom('worker_heartbeats')
    .where('last_seen_at', '<', sql<Date>`now() - make_interval(secs => ${staleAfterMs / 1000})`)
    .returning('worker_id')
    .execute();
  return rows.map((r) => r.worker_id);
}

/**
 * Workers holding a job for longer than `graceMs` without a heartbeat row: they died before writing one,
 * or their row was removed as stale. (A worker writes its row within milliseconds of starting.)
 */
export async function findLockHoldersWithoutHeartbeat(db: Executor, graceMs: number): Promise<string[]> {
  const { rows } = await sql<{ locked_by: string }>`
    select distinct j.locked_by from graphile_worker.jobs j
    where j.locked_by is not null
      and j.locked_at < now() - make_interval(secs => ${graceMs / 1000})
      and not exists (select 1 from worker_heartbeats h where h.worker_id = j.locked_by)
  `.execute(db);
  return rows.map((r) => r.locked_by);
}
