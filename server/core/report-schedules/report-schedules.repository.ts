import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow, RowUpdate } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

/** Scheduled exports and the one run each of their periods gets. */

export function insertSchedule(db: Executor, row: NewRow<'report_schedules'>) {
  return db.insertInto('report_schedules').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getSchedule(db: Executor, scope: Scope, id: string, options: { forUpdate?: boolean } = {}) {
  let query = db.selectFrom('report_schedules').selectAll().$call(inScope(scope)).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function findSchedules(db: Executor, scope: Scope, limit: number) {
  return db.selectFrom('report_schedules').selectAll().$call(inScope(scope)).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export function updateSchedule(db: Executor, scope: Scope, id: string, changes: RowUpdate<'report_schedules'>) {
  return db
    .updateTable('report_schedules')
    .set({ ...changes, updated_at: sql`now()` })
    .$call(inScope(scope))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteSchedule(db: Executor, scope: Scope, id: string): Promise<boolean> {
  const result = await db.deleteFrom('report_schedules').$call(inScope(scope)).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/**
 * Across merchants (the cron job serves every one): the most overdue active schedule, locked for this
 * transaction; a schedule another worker holds is skipped, so workers share the due ones.
 */
export function claimDueSchedule(db: Executor, now: Date) {
  return db
    .selectFrom('report_schedules')
    .selectAll()
    .where('paused_at', 'is', null)
    .where('next_run_at', '<=', now)
    .orderBy('next_run_at')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
}

/** The period's run; undefined when the period has one already (the unique key decides, not the caller). */
export function insertScheduleRun(db: Executor, row: NewRow<'report_schedule_runs'>) {
  return db
    .insertInto('report_schedule_runs')
    .values(row)
    .onConflict((oc) => oc.columns(['merchant_id', 'schedule_id', 'period_start']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The latest runs of the given schedules with their report runs' progress, newest first per schedule. */
export async function findLatestScheduleRuns(db: Executor, scope: Scope, scheduleIds: string[], perSchedule: number) {
  if (!scheduleIds.length) return [];
  const { rows } = await sql<{ schedule_id: string; period_start: Date; period_end: Date; report_run_id: string; mailed_at: Date | null; status: string; rows_written: string }>`
    select sr.schedule_id, sr.period_start, sr.period_end, sr.report_run_id, sr.mailed_at, rr.status, rr.rows_written
    from report_schedules s
    cross join lateral (
      select * from report_schedule_runs x
      where x.merchant_id = s.merchant_id and x.schedule_id = s.id
      order by x.period_start desc limit ${perSchedule}
    ) sr
    join report_runs rr on rr.merchant_id = sr.merchant_id and rr.id = sr.report_run_id
    where s.merchant_id = ${scope.merchantId} and s.livemode = ${scope.livemode} and s.id in (${sql.join(scheduleIds)})
    order by sr.schedule_id, sr.period_start desc`.execute(db);
  return rows;
}

/** A scheduled run whose mail has not gone out yet (undefined for every other run: most runs are no schedule's). */
export function getUnmailedScheduleRun(db: Executor, scope: Scope, reportRunId: string) {
  return db.selectFrom('report_schedule_runs').selectAll().$call(inScope(scope)).where('report_run_id', '=', reportRunId).where('mailed_at', 'is', null).executeTakeFirst();
}

/** Marks a scheduled run's file as mailed; undefined when it was mailed already or the run is no schedule's. */
export function claimScheduleRunMail(db: Executor, scope: Scope, reportRunId: string) {
  return db
    .updateTable('report_schedule_runs')
    .set({ mailed_at: sql`now()` })
    .$call(inScope(scope))
    .where('report_run_id', '=', reportRunId)
    .where('mailed_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}
