import {
  reportScheduleInput,
  type ReportRecipientView,
  type ReportScheduleInput,
  type ReportScheduleView,
} from '../../../shared/contracts/report-schedules.js';
import { isReportType, REPORT_TYPES, type ReportFormat, type ReportRunStatus, type ReportRunView } from '../../../shared/contracts/reports.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import { can, type Role } from '../../../shared/permissions.js';
import type { Executor } from '../../db/database.js';
import type { Row } from '../../db/schema.js';
import { findMembers, getMerchant } from '../accounts/accounts.repository.js';
import { recordAudit } from '../accounts/audit.service.js';
import { queueMail } from '../mail/mail.service.js';
import { scheduledReportFailedMail, scheduledReportMail } from '../mail/templates.js';
import { zonedTimestamp } from '../reports/cells.js';
import { signedDownloadPath } from '../files/files.service.js';
import { checkSavedReport, getReportRunView, runReport, startSavedReportRun, type RunReportOptions, type SavedReport } from '../reports/reports.service.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { parseParams } from '../shared/params.js';
import { toUnix } from '../shared/tx.js';
import { nextBoundaryAfter, periodEndingAt, type Cadence } from './periods.js';
import * as repo from './report-schedules.repository.js';

/**
 * Scheduled exports: a saved report that a cron job starts once per period (yesterday, last week, last
 * month in the schedule's zone), whose finished file's link is mailed to the chosen members. The period's
 * row in report_schedule_runs (unique per schedule and period_start) is written with the run, so a period
 * gets exactly one run however many workers see the schedule due at once.
 */

const MAX_SCHEDULES = 100;
const LAST_RUNS = 5;
/** A link in a mail lives as long as the file, within this bound. */
const MAIL_LINK_MAX_SECONDS = 7 * 86_400;

const cadenceOf = (row: Pick<Row<'report_schedules'>, 'frequency' | 'weekday' | 'month_day'>): Cadence => ({ frequency: row.frequency, weekday: row.weekday, monthDay: row.month_day });
const scopeOf = (row: { merchant_id: string; livemode: boolean }): Scope => ({ merchantId: row.merchant_id, livemode: row.livemode });

function invalid(message: string, param: string) {
  return new PaymentError('invalid_request', message, { param });
}

/** Members whose role may read reports: the only ones a scheduled export may be sent to. */
async function eligibleMembers(db: Executor, merchantId: string) {
  return (await findMembers(db, merchantId)).filter((m) => can(m.role as Role, 'exports:manage'));
}

export async function findReportRecipients(deps: CoreDeps, scope: Scope): Promise<ReportRecipientView[]> {
  return (await eligibleMembers(deps.db, scope.merchantId)).map((m) => ({ userId: m.id, email: m.email, name: m.name, role: m.role }));
}

interface CheckedSchedule {
  name: string;
  saved: SavedReport;
  cadence: Cadence;
  recipients: string[];
}

async function checkSchedule(deps: CoreDeps, scope: Scope, merchantTimezone: string, input: ReportScheduleInput): Promise<CheckedSchedule> {
  const f = parseParams(reportScheduleInput, input);
  const saved = checkSavedReport(scope, { reportType: f.reportType, format: f.format, gzip: f.gzip, bom: f.bom, timezone: f.timezone ?? merchantTimezone, columns: f.columns, filters: f.filters });
  const allowed = new Set((await eligibleMembers(deps.db, scope.merchantId)).map((m) => m.id));
  const recipients = [...new Set(f.recipients)];
  const refused = recipients.filter((id) => !allowed.has(id));
  if (refused.length) throw invalid('Scheduled exports can only be sent to members whose role may read reports (owner, administrator, finance).', 'recipients');
  const cadence: Cadence = { frequency: f.frequency, weekday: f.frequency === 'weekly' ? f.weekday! : null, monthDay: f.frequency === 'monthly' ? f.monthDay! : null };
  return { name: f.name, saved, cadence, recipients };
}

function scheduleColumns(c: CheckedSchedule) {
  return {
    name: c.name, report_type: c.saved.reportType, format: c.saved.format, gzip: c.saved.gzip, bom: c.saved.bom, timezone: c.saved.timezone,
    columns: JSON.stringify(c.saved.columns), filters: JSON.stringify(c.saved.filters), frequency: c.cadence.frequency, weekday: c.cadence.weekday,
    month_day: c.cadence.monthDay, recipient_user_ids: JSON.stringify(c.recipients),
  };
}

/** What the audit log keeps of a schedule: its settings, never a link. */
function auditData(c: CheckedSchedule) {
  return { name: c.name, report_type: c.saved.reportType, frequency: c.cadence.frequency, weekday: c.cadence.weekday, month_day: c.cadence.monthDay, timezone: c.saved.timezone, recipients: c.recipients };
}

export async function createReportSchedule(deps: CoreDeps, actor: Actor, merchantTimezone: string, input: ReportScheduleInput, now = new Date()): Promise<ReportScheduleView> {
  const checked = await checkSchedule(deps, actor, merchantTimezone, input);
  const count = (await repo.findSchedules(deps.db, actor, MAX_SCHEDULES)).length;
  if (count >= MAX_SCHEDULES) throw invalid(`A merchant can have at most ${MAX_SCHEDULES} scheduled exports per mode.`, 'name');
  const row = await deps.db.transaction().execute(async (tx) => {
    const created = await repo.insertSchedule(tx, {
      id: newId('reportSchedule'), merchant_id: actor.merchantId, livemode: actor.livemode, ...scheduleColumns(checked),
      next_run_at: nextBoundaryAfter(now, checked.cadence, checked.saved.timezone), created_by_user_id: actor.userId ?? null,
    });
    await recordAudit(tx, { merchantId: actor.merchantId, livemode: actor.livemode, userId: actor.userId ?? null, action: 'report_schedule.created', targetId: created.id, data: auditData(checked) });
    return created;
  });
  return (await toViews(deps, actor, [row]))[0]!;
}

export async function updateReportSchedule(deps: CoreDeps, actor: Actor, merchantTimezone: string, id: string, input: ReportScheduleInput, now = new Date()): Promise<ReportScheduleView> {
  const checked = await checkSchedule(deps, actor, merchantTimezone, input);
  const row = await deps.db.transaction().execute(async (tx) => {
    const current = await repo.getSchedule(tx, actor, id, { forUpdate: true });
    if (!current) throw notFound('scheduled export', id);
    // A new cadence or zone starts from the next boundary; periods already run keep their one run.
    const next = current.paused_at ? current.next_run_at : nextBoundaryAfter(now, checked.cadence, checked.saved.timezone);
    const updated = await repo.updateSchedule(tx, actor, id, { ...scheduleColumns(checked), next_run_at: next });
    await recordAudit(tx, { merchantId: actor.merchantId, livemode: actor.livemode, userId: actor.userId ?? null, action: 'report_schedule.updated', targetId: id, data: auditData(checked) });
    return updated;
  });
  return (await toViews(deps, actor, [row]))[0]!;
}

/** Pausing stops the runs; resuming starts again at the next boundary (paused periods are not caught up). */
export async function pauseReportSchedule(deps: CoreDeps, actor: Actor, id: string, paused: boolean, now = new Date()): Promise<ReportScheduleView> {
  const row = await deps.db.transaction().execute(async (tx) => {
    const current = await repo.getSchedule(tx, actor, id, { forUpdate: true });
    if (!current) throw notFound('scheduled export', id);
    if (Boolean(current.paused_at) === paused) return current;
    const updated = await repo.updateSchedule(tx, actor, id, paused ? { paused_at: now } : { paused_at: null, next_run_at: nextBoundaryAfter(now, cadenceOf(current), current.timezone) });
    await recordAudit(tx, { merchantId: actor.merchantId, livemode: actor.livemode, userId: actor.userId ?? null, action: paused ? 'report_schedule.paused' : 'report_schedule.resumed', targetId: id, data: { name: current.name } });
    return updated;
  });
  return (await toViews(deps, actor, [row]))[0]!;
}

/** Deletes the schedule; the exports it already made stay in the recent exports until their files expire. */
export async function deleteReportSchedule(deps: CoreDeps, actor: Actor, id: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const current = await repo.getSchedule(tx, actor, id, { forUpdate: true });
    if (!current || !(await repo.deleteSchedule(tx, actor, id))) throw notFound('scheduled export', id);
    await recordAudit(tx, { merchantId: actor.merchantId, livemode: actor.livemode, userId: actor.userId ?? null, action: 'report_schedule.deleted', targetId: id, data: { name: current.name } });
  });
}

export async function findReportSchedules(deps: CoreDeps, scope: Scope): Promise<ReportScheduleView[]> {
  return toViews(deps, scope, await repo.findSchedules(deps.db, scope, MAX_SCHEDULES));
}

export async function getReportSchedule(deps: CoreDeps, scope: Scope, id: string): Promise<ReportScheduleView> {
  const row = await repo.getSchedule(deps.db, scope, id);
  if (!row) throw notFound('scheduled export', id);
  return (await toViews(deps, scope, [row]))[0]!;
}

async function toViews(deps: CoreDeps, scope: Scope, rows: Row<'report_schedules'>[]): Promise<ReportScheduleView[]> {
  const [members, runs] = await Promise.all([findMembers(deps.db, scope.merchantId), repo.findLatestScheduleRuns(deps.db, scope, rows.map((r) => r.id), LAST_RUNS)]);
  const byId = new Map(members.map((m) => [m.id, m]));
  return rows.map((r) => {
    const type = isReportType(r.report_type) ? r.report_type : 'payments.itemized.1';
    return {
      id: r.id, name: r.name, reportType: type, reportName: isReportType(r.report_type) ? REPORT_TYPES[r.report_type].name : r.report_type,
      format: r.format as ReportFormat, gzip: r.gzip, bom: r.bom, timezone: r.timezone, columns: r.columns, filters: r.filters,
      frequency: r.frequency, weekday: r.weekday, monthDay: r.month_day,
      // A member who left is no recipient any more (and is dropped at the next save).
      recipients: r.recipient_user_ids.flatMap((id) => {
        const m = byId.get(id);
        return m ? [{ userId: m.id, email: m.email, name: m.name }] : [];
      }),
      paused: r.paused_at !== null, nextRunAt: r.paused_at ? null : toUnix(r.next_run_at), created: toUnix(r.created_at),
      lastRuns: runs.filter((x) => x.schedule_id === r.id).map((x) => ({
        runId: x.report_run_id, periodStart: toUnix(x.period_start), periodEnd: toUnix(x.period_end), status: x.status as ReportRunStatus,
        rowsWritten: Number(x.rows_written), mailedAt: x.mailed_at ? toUnix(x.mailed_at) : null,
      })),
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// The cron job and the mail

class PeriodHasRun extends Error {}

/**
 * The run-report-schedules cron task: for each due schedule (one locked row per transaction, so several
 * workers share the work), starts the run of the period that ended at its next_run_at and moves
 * next_run_at to the following boundary. A worker that missed periods catches them up one by one.
 * Returns how many runs it started.
 */
export async function runDueReportSchedules(deps: CoreDeps, now = new Date(), limit = 200): Promise<number> {
  let started = 0;
  for (let i = 0; i < limit; i++) {
    let boundary: { scope: Scope; id: string; at: Date; next: Date } | undefined;
    try {
      const outcome = await deps.db.transaction().execute(async (tx) => {
        const due = await repo.claimDueSchedule(tx, now);
        if (!due) return 'none' as const;
        const scope = scopeOf(due);
        const cadence = cadenceOf(due);
        const at = new Date(due.next_run_at);
        boundary = { scope, id: due.id, at, next: nextBoundaryAfter(at, cadence, due.timezone) };
        await repo.updateSchedule(tx, scope, due.id, { next_run_at: boundary.next });
        if (!isReportType(due.report_type)) return 'skipped' as const;
        const period = periodEndingAt(at, cadence, due.timezone);
        const saved: SavedReport = { reportType: due.report_type, format: due.format as ReportFormat, gzip: due.gzip, bom: due.bom, timezone: due.timezone, columns: due.columns, filters: due.filters };
        const runId = newId('reportRun');
        await startSavedReportRun(deps, tx, { ...scope, userId: due.created_by_user_id }, saved, { start: toUnix(period.start), end: toUnix(period.end) }, runId);
        // The unique key (merchant_id, schedule_id, period_start) decides: a period that has its run rolls this one back.
        const recorded = await repo.insertScheduleRun(tx, { merchant_id: due.merchant_id, schedule_id: due.id, livemode: due.livemode, period_start: period.start, period_end: period.end, report_run_id: runId });
        if (!recorded) throw new PeriodHasRun();
        return 'started' as const;
      });
      if (outcome === 'none') break;
      if (outcome === 'started') started++;
    } catch (error) {
      if (!(error instanceof PeriodHasRun) || !boundary) throw error;
      // The period ran already (a worker with an older view of next_run_at): only move the schedule on.
      const b: { scope: Scope; id: string; at: Date; next: Date } = boundary;
      await deps.db.transaction().execute(async (tx) => {
        const current = await repo.getSchedule(tx, b.scope, b.id, { forUpdate: true });
        if (current && new Date(current.next_run_at).getTime() === b.at.getTime()) await repo.updateSchedule(tx, b.scope, b.id, { next_run_at: b.next });
      });
    }
  }
  return started;
}

/** The export-report job: performs the run, then (a scheduled run that ended) mails its link, or why it failed, once. */
export async function runReportAndMail(deps: CoreDeps, scope: Scope, runId: string, options: RunReportOptions = {}) {
  const outcome = await runReport(deps, scope, runId, options);
  // Also after 'skipped': a retried job whose run had ended before the mail was queued mails it now.
  await mailScheduledRun(deps, scope, runId);
  return outcome;
}

function periodText(start: number, end: number, zone: string): string {
  const day = (unix: number) => zonedTimestamp(unix * 1000, zone).slice(0, 10);
  const first = day(start);
  const last = day(end - 1);
  return first === last ? first : `${first} to ${last}`;
}

/**
 * Queues the mail of a scheduled run that ended, once (report_schedule_runs.mailed_at, set in the
 * transaction that queues the mails): one per recipient who may still read reports. A run that succeeded
 * sends each a signed link of their own that expires with the file; a failed one (final: a retry from the
 * Reports page is a new run) says why. Returns how many mails were queued.
 */
export async function mailScheduledRun(deps: CoreDeps, scope: Scope, runId: string): Promise<number> {
  if (!(await repo.getUnmailedScheduleRun(deps.db, scope, runId))) return 0;
  const run = await getReportRunView(deps, scope, runId);
  if (run.status === 'failed') return mailFailedScheduledRun(deps, scope, run);
  if (run.status !== 'succeeded' || !run.file) return 0;
  const file = run.file;
  return deps.db.transaction().execute(async (tx) => {
    const audience = await scheduledRunAudience(tx, scope, runId);
    if (!audience) return 0;
    const { schedule, merchant, recipients } = audience;
    const nowUnix = Math.floor(Date.now() / 1000);
    const expires = Math.min(file.expiresAt ?? nowUnix + MAIL_LINK_MAX_SECONDS, nowUnix + MAIL_LINK_MAX_SECONDS);
    const period = periodText(run.intervalStart ?? nowUnix, run.intervalEnd ?? nowUnix, run.timezone);
    for (const member of recipients) {
      const url = deps.appUrl + signedDownloadPath(deps, { merchantId: scope.merchantId, livemode: scope.livemode, fileId: file.id, userId: member.id, expires });
      await queueMail(tx, member.email, 'scheduled_report', scheduledReportMail({
        name: member.name, scheduleName: schedule.name, merchantName: merchant.name, reportName: run.reportName, period, rows: run.rowsWritten, url,
        expiresOn: `${zonedTimestamp(expires * 1000, run.timezone).slice(0, 16).replace('T', ' ')} (${run.timezone})`, reportsUrl: `${deps.appUrl}/reports`,
      }));
    }
    return recipients.length;
  });
}

/** The members of a scheduled run's schedule who may still read reports, and the schedule and merchant. */
async function scheduledRunAudience(tx: Executor, scope: Scope, runId: string) {
  const claimed = await repo.claimScheduleRunMail(tx, scope, runId);
  if (!claimed) return null;
  const schedule = await repo.getSchedule(tx, scope, claimed.schedule_id);
  const merchant = await getMerchant(tx, scope.merchantId);
  if (!schedule || !merchant) return null;
  const wanted = new Set(schedule.recipient_user_ids);
  return { schedule, merchant, recipients: (await eligibleMembers(tx, scope.merchantId)).filter((m) => wanted.has(m.id)) };
}

async function mailFailedScheduledRun(deps: CoreDeps, scope: Scope, run: ReportRunView): Promise<number> {
  return deps.db.transaction().execute(async (tx) => {
    const audience = await scheduledRunAudience(tx, scope, run.id);
    if (!audience) return 0;
    const nowUnix = Math.floor(Date.now() / 1000);
    const period = periodText(run.intervalStart ?? nowUnix, run.intervalEnd ?? nowUnix, run.timezone);
    for (const member of audience.recipients) {
      await queueMail(tx, member.email, 'scheduled_report_failed', scheduledReportFailedMail({
        name: member.name, scheduleName: audience.schedule.name, merchantName: audience.merchant.name, reportName: run.reportName, period,
        error: run.error ?? 'The export stopped without saying why.', reportsUrl: `${deps.appUrl}/reports`,
      }));
    }
    return audience.recipients.length;
  });
}
