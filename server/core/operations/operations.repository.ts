import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

// Operator-level figures for /health/ready and /metrics. These are the only queries that span every
// merchant on purpose: they count rows, never return tenant data, and on Citus run on the coordinator.

export interface QueueFigures {
  /** Jobs due now and not locked by a worker. */
  ready: number;
  /** Seconds the oldest of those has been due (0 when none). */
  oldestReadySeconds: number;
  /** Jobs a worker is running. */
  locked: number;
  /** Jobs scheduled for later (retries, delayed work). */
  scheduled: number;
}

export async function queueFigures(db: Executor): Promise<QueueFigures> {
  const { rows } = await sql<QueueFigures>`
    select
      count(*) filter (where run_at <= now() and locked_at is null)::int as ready,
      coalesce(extract(epoch from now() - min(run_at) filter (where run_at <= now() and locked_at is null)), 0)::float8 as "oldestReadySeconds",
      count(*) filter (where locked_at is not null)::int as locked,
      count(*) filter (where run_at > now() and locked_at is null)::int as scheduled
    from graphile_worker.jobs`.execute(db);
  return rows[0];
}

export interface WebhookFigures {
  pending: number;
  /** Seconds the oldest due pending delivery has waited since its event (0 when none): delivery lag. */
  oldestDueSeconds: number;
  /** Deliveries that gave up (all retries failed, or the endpoint was disabled). */
  failed: number;
  /** Attempts that did not get a 2xx. */
  failedAttempts: number;
}

export async function webhookFigures(db: Executor): Promise<WebhookFigures> {
  const { rows } = await sql<WebhookFigures>`
    select
      (select count(*)::int from webhook_deliveries where status = 'pending') as pending,
      (select coalesce(extract(epoch from now() - min(created_at)), 0)::float8 from webhook_deliveries
        where status = 'pending' and next_attempt_at <= now()) as "oldestDueSeconds",
      (select count(*)::int from webhook_deliveries where status = 'failed') as failed,
      (select count(*)::int from webhook_attempts where status_code is null or status_code < 200 or status_code > 299) as "failedAttempts"`.execute(db);
  return rows[0];
}

/** Worker processes whose heartbeat is younger than `staleAfterMs`. */
export async function liveWorkerCount(db: Executor, staleAfterMs: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from worker_heartbeats where last_seen_at > now() - make_interval(secs => ${staleAfterMs / 1000})`.execute(db);
  return rows[0].n;
}

/** Names of the app's migrations recorded as applied (Kysely's table). */
export async function appliedMigrations(db: Executor): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((r) => r.name);
}

export interface ExportDurationFigures {
  reportType: string;
  format: string;
  status: 'succeeded' | 'failed';
  /** Finished runs with their last attempt's duration (started_at to finished_at). */
  count: number;
  sumSeconds: number;
  /** Runs that took at most each of `bounds` seconds, in order (cumulative, as a Prometheus histogram). */
  atMost: number[];
}

/**
 * Export durations of every finished report run, by type, format and outcome. The worker process runs the
 * exports, so the figures are read here (from report_runs) rather than kept in the memory of whichever
 * process ran them: every instance's /metrics shows the same cluster-wide histogram.
 */
export async function exportDurationFigures(db: Executor, bounds: readonly number[]): Promise<ExportDurationFigures[]> {
  const { rows } = await sql<ExportDurationFigures>`
    select report_type as "reportType", format, status, count(*)::int as count, coalesce(sum(d), 0)::float8 as "sumSeconds",
      array[${sql.join(bounds.map((b) => sql`count(*) filter (where d <= ${b}::float8)::int`))}] as "atMost"
    from (
      select report_type, format, status, extract(epoch from finished_at - started_at)::float8 as d
      from report_runs where status in ('succeeded', 'failed') and started_at is not null and finished_at is not null
    ) finished
    group by report_type, format, status
    order by report_type, format, status`.execute(db);
  return rows;
}
