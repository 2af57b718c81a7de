import { z } from 'zod';
import { REPORT_FORMATS, REPORT_TYPE_IDS, type ReportFormat, type ReportRunStatus, type ReportTypeId } from './reports.js';

/**
 * Scheduled exports: a saved report (type, filters, columns, format, zone) that runs daily, weekly on a
 * weekday or monthly on a day, each run covering the whole previous period in the zone, its file's link
 * mailed to chosen members who may read reports. What the Reports page (tRPC reports.schedules.*) sends and gets.
 */
export const REPORT_SCHEDULE_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type ReportScheduleFrequency = (typeof REPORT_SCHEDULE_FREQUENCIES)[number];
export const REPORT_SCHEDULE_FREQUENCY_LABELS: Record<ReportScheduleFrequency, string> = { daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly' };
/** ISO weekdays: 1 is Monday. */
export const WEEKDAY_LABELS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
/** Days 1-28 only, so every month has the chosen day. */
export const MAX_MONTH_DAY = 28;

const scheduleId = z.string().trim().min(1).max(255);

export const reportScheduleInput = z
  .object({
    name: z.string().trim().min(1, 'Give the schedule a name.').max(100),
    reportType: z.enum(REPORT_TYPE_IDS as [ReportTypeId, ...ReportTypeId[]]),
    columns: z.array(z.string().trim().min(1).max(60)).min(1, 'Choose at least one column.').max(100).optional(),
    format: z.enum(REPORT_FORMATS).default('csv'),
    gzip: z.boolean().default(false),
    bom: z.boolean().default(false),
    /** Default: the merchant's zone. */
    timezone: z.string().trim().min(1).max(64).optional(),
    filters: z.record(z.string().max(64), z.unknown()).optional(),
    frequency: z.enum(REPORT_SCHEDULE_FREQUENCIES),
    weekday: z.number().int().min(1).max(7).nullish(),
    monthDay: z.number().int().min(1).max(MAX_MONTH_DAY).nullish(),
    /** User ids of members who get the file's link; each must be allowed to read reports. */
    recipients: z.array(z.string().trim().min(1).max(255)).min(1, 'Choose at least one member to send the file to.').max(50),
  })
  .superRefine((v, ctx) => {
    if (v.frequency === 'weekly' && !v.weekday) ctx.addIssue({ code: 'custom', path: ['weekday'], message: 'Choose the weekday a weekly export runs on.' });
    if (v.frequency === 'monthly' && !v.monthDay) ctx.addIssue({ code: 'custom', path: ['monthDay'], message: 'Choose the day of the month a monthly export runs on.' });
  });
export type ReportScheduleInput = z.input<typeof reportScheduleInput>;

export const updateReportScheduleInput = z.object({ id: scheduleId, schedule: reportScheduleInput });
export const reportScheduleIdInput = z.object({ id: scheduleId });
export const pauseReportScheduleInput = z.object({ id: scheduleId, paused: z.boolean() });

export interface ReportScheduleRunView {
  runId: string;
  /** Unix seconds: the period the run covered, [start, end). */
  periodStart: number;
  periodEnd: number;
  status: ReportRunStatus;
  rowsWritten: number;
  mailedAt: number | null;
}

export interface ReportScheduleView {
  id: string;
  name: string;
  reportType: ReportTypeId;
  reportName: string;
  format: ReportFormat;
  gzip: boolean;
  bom: boolean;
  timezone: string;
  columns: string[];
  filters: Record<string, unknown>;
  frequency: ReportScheduleFrequency;
  weekday: number | null;
  monthDay: number | null;
  recipients: { userId: string; email: string; name: string }[];
  paused: boolean;
  /** Unix seconds of the next run (null while paused). */
  nextRunAt: number | null;
  created: number;
  /** Newest first. */
  lastRuns: ReportScheduleRunView[];
}

/** A member who may receive scheduled exports (their role may read reports). */
export interface ReportRecipientView {
  userId: string;
  email: string;
  name: string;
  role: string;
}
