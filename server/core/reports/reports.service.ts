import type { RawBuilder } from 'kysely';
import { TZDate } from '@date-fns/tz';
import type { ListResult } from '../../../shared/contracts/common.js';
import { customerListInput, paymentListFilters, refundListFilters } from '../../../shared/contracts/dashboard.js';
import {
  balanceReportFilters,
  createReportRunInput,
  createReportRunParams,
  defaultColumns,
  DEFAULT_REPORT_FILE_TTL_DAYS,
  disputeReportFilters,
  isReportType,
  listReportRunsParams,
  REPORT_TYPE_IDS,
  REPORT_TYPES,
  hasMetadataColumns,
  reportColumn,
  METADATA_COLUMN,
  type CreateReportRunInput,
  type CreateReportRunParams,
  type ReportColumn,
  type ReportFormat,
  type ReportRunDto,
  type ReportRunView,
  type ReportTypeDto,
  type ReportTypeId,
  type ReportTypeView,
} from '../../../shared/contracts/reports.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import { toMajorUnitString } from '../../../shared/money.js';
import { paymentDisplayStatus } from '../../../shared/payment-display-status.js';
import type { z } from 'zod';
import type { Row } from '../../db/schema.js';
import { getMerchant } from '../accounts/accounts.repository.js';
import { recordAudit } from '../accounts/audit.service.js';
import { checkTimeZone } from '../analytics/analytics.service.js';
import { paymentListConditions } from '../dashboard/payments.repository.js';
import { classifyPaymentSearch } from '../dashboard/payments.service.js';
import { customerSearchConditions } from '../dashboard/customers.repository.js';
import { classifyCustomerSearch } from '../dashboard/customers.service.js';
import { refundListConditions } from '../dashboard/refunds.repository.js';
import { refundFilters } from '../dashboard/refunds.service.js';
import { QUEUE_STATUSES } from '../disputes/disputes.service.js';
import { getPreference, setPreference } from '../dashboard/saved-views.service.js';
import { emitEvent } from '../events/events.service.js';
import { addJob } from '../jobs/jobs.repository.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { findPage } from '../shared/keyset.repository.js';
import { parseParams } from '../shared/params.js';
import { inTransaction, toUnix } from '../shared/tx.js';
import type { FileStorage } from '../storage/storage.js';
import { zonedTimestamp } from './cells.js';
import { createFileDownloadLink, openFile, openSignedDownload, toFileDto } from '../files/files.service.js';
import * as repo from './reports.repository.js';
import { CONTENT_TYPES, createReportWriter, fileExtension, type Cell } from './writers.js';

type Condition = RawBuilder<boolean>;

/** Rows per keyset batch: large enough that a batch's round trip is noise, small enough to stay a few MB. */
const EXPORT_BATCH_ROWS = 10_000;
const SOURCES: Record<ReportTypeId, repo.ExportSource> = {
  'payments.itemized.1': 'payment_intents', 'refunds.itemized.1': 'refunds', 'customers.itemized.1': 'customers',
  'balance_change_from_activity.itemized.3': 'balance_transactions', 'payout_reconciliation.itemized.5': 'balance_transactions',
  'balance.summary.1': 'balance_transactions', 'disputes.itemized.1': 'disputes',
};
const LIST_CONTROLS = ['sort', 'dir', 'limit', 'cursor'];

/** A run's parameters as stored (report_runs.parameters) and as Stripe's API shows them. */
interface RunParameters {
  interval_start: number | null;
  interval_end: number | null;
  timezone: string;
  columns: string[];
  /** The list view's filters (URL search params) for the report's list. */
  filters: Record<string, unknown>;
  bom: boolean;
}

function invalid(message: string, param: string) {
  return new PaymentError('invalid_request', message, { param });
}

function storageOf(deps: CoreDeps): FileStorage {
  if (!deps.storage) throw new PaymentError('internal_error', 'File storage is not configured on this server.', { status: 500 });
  return deps.storage;
}

/** A dashboard bound (a date or a date-time without offset: wall clock in the zone; with an offset: that instant) in unix seconds. */
function boundToUnix(bound: string, zone: string): number {
  const v = bound.replace(' ', 'T');
  if (/(?:Z|[+-]\d{2}(?::?\d{2})?)$/.test(v.slice(10))) return Math.floor(Date.parse(v) / 1000);
  const [day, time = '00:00:00'] = v.split('T');
  const [y, m, d] = day!.split('-').map(Number);
  const [hh = 0, mm = 0, ss = 0] = time.split(':').map((p) => Math.floor(Number(p)));
  return Math.floor(new TZDate(y!, m! - 1, d!, hh, mm, ss, zone).getTime() / 1000);
}

function checkColumns(type: ReportTypeId, columns: string[] | undefined, param: string): string[] {
  const chosen = columns?.length ? [...new Set(columns)] : defaultColumns(type);
  for (const c of chosen) {
    if (!reportColumn(type, c)) {
      const known = REPORT_TYPES[type].columns.map((x) => x.id).join(', ');
      throw invalid(
        hasMetadataColumns(type)
          ? `Unknown column "${c}" for ${type}. Use one of ${known} or metadata[key].`
          : `Unknown column "${c}" for ${type}. Use one of ${known} (its rows are sums over many transactions, so it has no metadata columns).`,
        param,
      );
    }
  }
  return chosen;
}

/** The list view's filters, validated by that list's own schema (paging and sort controls dropped). */
function checkFilters(type: ReportTypeId, filters: Record<string, unknown> | undefined): Record<string, unknown> {
  const clean = Object.fromEntries(Object.entries(filters ?? {}).filter(([k, v]) => !LIST_CONTROLS.includes(k) && v !== undefined && v !== '' && v !== null));
  const list = REPORT_TYPES[type].list;
  if (list === 'payments') parseFilters(paymentListFilters, clean);
  else if (list === 'refunds') parseFilters(refundListFilters, clean);
  else if (list === 'balance') {
    const f = parseFilters(balanceReportFilters, clean);
    if (f.payout && type !== 'payout_reconciliation.itemized.5') throw invalid('The payout filter applies to payout_reconciliation.itemized.5.', 'filters.payout');
  } else if (list === 'disputes') parseFilters(disputeReportFilters, clean);
  else parseFilters(customerListInput, clean);
  return clean;
}

/** A list's filters parsed by its schema; a problem names the filter (`filters.currency`). */
function parseFilters<S extends z.ZodType>(schema: S, filters: Record<string, unknown>): z.output<S> {
  try {
    return parseParams(schema, filters);
  } catch (error) {
    if (error instanceof PaymentError) throw new PaymentError(error.code, error.message, { param: error.param ? `filters.${error.param}` : 'filters' });
    throw error;
  }
}

/** The run's rows as conditions on its source: the list view's filters plus the interval. */
function runConditions(type: ReportTypeId, scope: Scope, p: RunParameters): Condition[] {
  const source = SOURCES[type];
  const interval = repo.intervalConditions(source, p.interval_start, p.interval_end);
  const list = REPORT_TYPES[type].list;
  if (list === 'payments') {
    const f = parseFilters(paymentListFilters, p.filters);
    const search = classifyPaymentSearch(f.q);
    if (search?.kind === 'id') {
      // A pasted id is that one object (a customer's: their payments; a refund's: its payment), as in the list.
      const rest = paymentListConditions(scope, p.timezone, { ...f, ...(search.type === 'customer' ? { customer: search.id } : {}) });
      return [...interval, ...rest, ...(search.type === 'customer' ? [] : [repo.paymentIdCondition(scope, search.type === 'refund' ? { refund: search.id } : { payment: search.id })])];
    }
    return [...interval, ...paymentListConditions(scope, p.timezone, { ...f, search })];
  }
  if (list === 'balance') {
    const f = parseFilters(balanceReportFilters, p.filters);
    return [...interval, ...repo.balanceConditions({ ...f, settled: type === 'payout_reconciliation.itemized.5' })];
  }
  if (list === 'refunds') return [...interval, ...refundListConditions(scope, p.timezone, refundFilters(parseFilters(refundListFilters, p.filters)))];
  if (list === 'disputes') {
    const f = parseFilters(disputeReportFilters, p.filters);
    return [...interval, ...repo.disputeConditions({ statuses: f.status ? QUEUE_STATUSES[f.status] : undefined, charge: f.charge, paymentIntent: f.payment_intent })];
  }
  return [...interval, ...customerSearchConditions(classifyCustomerSearch(parseFilters(customerListInput, p.filters).q))];
}

interface Spec {
  reportType: ReportTypeId;
  format: ReportFormat;
  gzip: boolean;
  parameters: RunParameters;
}

function checkSpec(scope: Scope, spec: Spec, param: (name: string) => string): Spec {
  const p = spec.parameters;
  if (p.interval_start !== null && p.interval_end !== null && p.interval_start >= p.interval_end) {
    throw invalid('The start of the range must be before its end (the end is exclusive).', param('interval_end'));
  }
  if (spec.format === 'xlsx' && spec.gzip) throw invalid('gzip applies to CSV and JSON Lines; an XLSX file is compressed already.', param('gzip'));
  // Builds the conditions once, so a bad search query fails now rather than in the job.
  runConditions(spec.reportType, scope, p);
  return spec;
}

async function insertRun(deps: CoreDeps, actor: Actor, spec: Spec, tx?: Parameters<typeof inTransaction>[1], id = newId('reportRun')) {
  return inTransaction(deps, tx, async (t) => {
    const row = await repo.insertReportRun(t, {
      id, merchant_id: actor.merchantId, livemode: actor.livemode, report_type: spec.reportType,
      parameters: JSON.stringify(spec.parameters) as never, format: spec.format, gzip: spec.gzip, created_by_user_id: actor.userId ?? null,
    });
    // The run and its job commit together: a run never waits for a job that was not queued.
    await addJob(t, 'export-report', { merchantId: actor.merchantId, livemode: actor.livemode, runId: row.id }, { jobKey: `export-report:${row.id}`, maxAttempts: 3 });
    await recordAudit(t, { ...actor, action: 'report_run.created', targetId: row.id, data: { report_type: spec.reportType, format: spec.format } });
    return row;
  });
}

/** A report's settings as a scheduled export saves them; each run adds its period. */
export interface SavedReport {
  reportType: ReportTypeId;
  format: ReportFormat;
  gzip: boolean;
  bom: boolean;
  timezone: string;
  columns: string[];
  filters: Record<string, unknown>;
}

/** A saved report checked as an export of it would be (unknown columns, bad filters, gzip with XLSX). */
export function checkSavedReport(scope: Scope, input: Omit<SavedReport, 'columns' | 'filters'> & { columns?: string[]; filters?: Record<string, unknown> }): SavedReport {
  const timezone = checkTimeZone(input.timezone);
  const columns = checkColumns(input.reportType, input.columns, 'columns');
  const filters = checkFilters(input.reportType, input.filters);
  checkSpec(scope, { reportType: input.reportType, format: input.format, gzip: input.gzip, parameters: { interval_start: null, interval_end: null, timezone, columns, filters, bom: input.bom } }, (name) => name);
  return { reportType: input.reportType, format: input.format, gzip: input.gzip, bom: input.bom, timezone, columns, filters };
}

/** Starts a run of a saved report over [start, end) in the caller's transaction, with the given run id. */
export function startSavedReportRun(deps: CoreDeps, tx: Parameters<typeof inTransaction>[1], actor: Actor, saved: SavedReport, period: { start: number; end: number }, runId: string) {
  return insertRun(deps, actor, {
    reportType: saved.reportType, format: saved.format, gzip: saved.gzip,
    parameters: { interval_start: period.start, interval_end: period.end, timezone: saved.timezone, columns: saved.columns, filters: saved.filters, bom: saved.bom },
  }, tx, runId);
}

const columnsPreferenceKey = (type: ReportTypeId) => `reports.columns.${type}`;

/** The dashboard's export form (tRPC reports.create). `timezone` defaults to the merchant's. */
export async function createReportRun(deps: CoreDeps, actor: Actor, merchantTimezone: string, input: CreateReportRunInput): Promise<ReportRunView> {
  const f = createReportRunInput.parse(input);
  const timezone = checkTimeZone(f.timezone ?? merchantTimezone);
  const spec = checkSpec(actor, {
    reportType: f.reportType,
    format: f.format,
    gzip: f.gzip,
    parameters: {
      interval_start: f.intervalStart ? boundToUnix(f.intervalStart, timezone) : null,
      interval_end: f.intervalEnd ? boundToUnix(f.intervalEnd, timezone) : null,
      timezone,
      columns: checkColumns(f.reportType, f.columns, 'columns'),
      filters: checkFilters(f.reportType, f.filters),
      bom: f.bom,
    },
  }, (name) => ({ interval_end: 'intervalEnd', gzip: 'gzip' })[name] ?? name);
  const row = await insertRun(deps, actor, spec);
  // The column choice is remembered per member (its own small transaction; losing it loses nothing else).
  if (actor.userId) await setPreference(deps.db, { merchantId: actor.merchantId, userId: actor.userId }, columnsPreferenceKey(spec.reportType), spec.parameters.columns);
  return (await toRunViews(deps, actor, [{ ...row, created_by_email: null }]))[0]!;
}

/** POST /v1/reporting/report_runs: Stripe's parameters (unix interval, columns, timezone, currency). */
export async function createReportRunFromApi(deps: CoreDeps, actor: Actor, params: CreateReportRunParams, tx?: Parameters<typeof inTransaction>[1]): Promise<ReportRunDto> {
  const p = parseParams(createReportRunParams, params);
  if (!isReportType(p.report_type)) throw invalid(`Invalid report_type: ${p.report_type}. Available: ${REPORT_TYPE_IDS.join(', ')}.`, 'report_type');
  const q = p.parameters ?? {};
  const timezone = q.timezone ? checkTimeZoneParam(q.timezone) : ((await getMerchant(deps.db, actor.merchantId))?.timezone ?? 'UTC');
  const filters: Record<string, unknown> = {};
  if (q.currency) {
    if (REPORT_TYPES[p.report_type].list === 'customers' || REPORT_TYPES[p.report_type].list === 'disputes') throw invalid(`parameters[currency] does not apply to ${REPORT_TYPES[p.report_type].list} reports.`, 'parameters[currency]');
    filters.currency = q.currency;
  }
  if (q.payout !== undefined) {
    if (p.report_type !== 'payout_reconciliation.itemized.5') throw invalid('parameters[payout] applies to payout_reconciliation.itemized.5.', 'parameters[payout]');
    filters.payout = q.payout;
  }
  const spec = checkSpec(actor, {
    reportType: p.report_type,
    format: q.format ?? 'csv',
    gzip: q.gzip ?? false,
    parameters: { interval_start: q.interval_start ?? null, interval_end: q.interval_end ?? null, timezone, columns: checkColumns(p.report_type, q.columns, 'parameters[columns]'), filters, bom: false },
  }, (name) => `parameters[${name}]`);
  const row = await insertRun(deps, actor, spec, tx);
  return toRunDto(deps, row, null);
}

function checkTimeZoneParam(zone: string): string {
  try {
    return checkTimeZone(zone);
  } catch (error) {
    if (error instanceof PaymentError) throw invalid(error.message, 'parameters[timezone]');
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------
// DTOs

function runParameters(row: Row<'report_runs'>): RunParameters {
  const p = row.parameters as unknown as Partial<RunParameters>;
  return { interval_start: p.interval_start ?? null, interval_end: p.interval_end ?? null, timezone: p.timezone ?? 'UTC', columns: p.columns ?? [], filters: p.filters ?? {}, bom: p.bom ?? false };
}

function toRunDto(deps: CoreDeps, row: Row<'report_runs'>, file: Row<'report_files'> | null): ReportRunDto {
  const p = runParameters(row);
  const parameters: Record<string, unknown> = { columns: p.columns, timezone: p.timezone };
  if (p.interval_start !== null) parameters.interval_start = p.interval_start;
  if (p.interval_end !== null) parameters.interval_end = p.interval_end;
  if (typeof p.filters.currency === 'string') parameters.currency = p.filters.currency;
  if (typeof p.filters.payout === 'string') parameters.payout = p.filters.payout;
  return {
    id: row.id, object: 'reporting.report_run', created: toUnix(row.created_at), error: row.status === 'failed' ? row.error : null,
    livemode: row.livemode, parameters, report_type: row.report_type, result: row.status === 'succeeded' && file ? toFileDto(deps, file) : null,
    // Stripe has no "running": a run is pending until it has a result.
    status: row.status === 'succeeded' ? 'succeeded' : row.status === 'failed' ? 'failed' : 'pending',
    succeeded_at: row.status === 'succeeded' && row.finished_at ? toUnix(row.finished_at) : null,
  };
}

async function toRunViews(deps: CoreDeps, scope: Scope, rows: (Row<'report_runs'> & { created_by_email: string | null })[]): Promise<ReportRunView[]> {
  const files = new Map((await repo.findReportFiles(deps.db, scope, rows.map((r) => r.file_id).filter((v): v is string => Boolean(v)))).map((f) => [f.id, f]));
  return rows.map((r) => {
    const p = runParameters(r);
    const file = r.file_id ? files.get(r.file_id) : undefined;
    return {
      id: r.id, reportType: r.report_type, reportName: isReportType(r.report_type) ? REPORT_TYPES[r.report_type].name : r.report_type,
      status: r.status, rowsWritten: Number(r.rows_written), rowsEstimate: r.rows_estimate === null ? null : Number(r.rows_estimate),
      format: r.format as ReportFormat, gzip: r.gzip, error: r.error, intervalStart: p.interval_start, intervalEnd: p.interval_end, timezone: p.timezone,
      columns: p.columns, filters: p.filters, createdByEmail: r.created_by_email, created: toUnix(r.created_at),
      finishedAt: r.finished_at ? toUnix(r.finished_at) : null,
      file: r.status === 'succeeded' && file ? { id: file.id, filename: file.filename, size: Number(file.size), expiresAt: file.expires_at ? toUnix(file.expires_at) : null } : null,
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// Reads

export async function getReportRun(deps: CoreDeps, scope: Scope, id: string): Promise<ReportRunDto> {
  const row = await repo.getReportRun(deps.db, scope, id);
  if (!row) throw notFound('reporting.report_run', id);
  const [file] = row.file_id ? await repo.findReportFiles(deps.db, scope, [row.file_id]) : [];
  return toRunDto(deps, row, file ?? null);
}

export async function listReportRuns(deps: CoreDeps, scope: Scope, input: z.input<typeof listReportRunsParams> = {}, url = '/v1/reporting/report_runs'): Promise<ListResult<ReportRunDto>> {
  const params = parseParams(listReportRunsParams, input);
  const { rows, hasMore } = await findPage(deps.db, 'report_runs', scope, repo.selectReportRuns(deps.db, scope), params);
  const files = new Map((await repo.findReportFiles(deps.db, scope, rows.map((r) => r.file_id).filter((v): v is string => Boolean(v)))).map((f) => [f.id, f]));
  return { object: 'list', data: rows.map((r) => toRunDto(deps, r, (r.file_id && files.get(r.file_id)) || null)), has_more: hasMore, url };
}

export async function findReportRunViews(deps: CoreDeps, scope: Scope, limit = 20): Promise<ReportRunView[]> {
  return toRunViews(deps, scope, await repo.findRecentReportRuns(deps.db, scope, limit));
}

export async function getReportRunView(deps: CoreDeps, scope: Scope, id: string): Promise<ReportRunView> {
  const row = await repo.getReportRun(deps.db, scope, id);
  if (!row) throw notFound('report run', id);
  return (await toRunViews(deps, scope, [{ ...row, created_by_email: null }]))[0]!;
}

async function dataRange(deps: CoreDeps, scope: Scope, type: ReportTypeId): Promise<{ start: number; end: number }> {
  const end = Math.floor(Date.now() / 1000);
  const first = await repo.findFirstCreated(deps.db, SOURCES[type], scope);
  return { start: first ? toUnix(first) : end, end };
}

export async function listReportTypes(deps: CoreDeps, scope: Scope): Promise<ListResult<ReportTypeDto>> {
  return { object: 'list', data: await Promise.all(REPORT_TYPE_IDS.map((id) => reportTypeDto(deps, scope, id))), has_more: false, url: '/v1/reporting/report_types' };
}

export async function getReportType(deps: CoreDeps, scope: Scope, id: string): Promise<ReportTypeDto> {
  if (!isReportType(id)) throw notFound('reporting.report_type', id);
  return reportTypeDto(deps, scope, id);
}

async function reportTypeDto(deps: CoreDeps, scope: Scope, id: ReportTypeId): Promise<ReportTypeDto> {
  const range = await dataRange(deps, scope, id);
  return {
    id, object: 'reporting.report_type', data_available_start: range.start, data_available_end: range.end, default_columns: defaultColumns(id),
    livemode: scope.livemode, name: REPORT_TYPES[id].name, updated: range.end, version: Number(id.split('.').at(-1)),
  };
}

/** The dashboard's report picker: columns, defaults, this member's last choice and the metadata keys in use. */
export async function findReportTypeViews(deps: CoreDeps, scope: Scope, userId: string): Promise<ReportTypeView[]> {
  return Promise.all(
    REPORT_TYPE_IDS.map(async (id) => {
      const metadataColumns = hasMetadataColumns(id);
      const [last, metadataKeys] = await Promise.all([
        getPreference(deps.db, { merchantId: scope.merchantId, userId }, columnsPreferenceKey(id)),
        metadataColumns ? repo.findRecentMetadataKeys(deps.db, SOURCES[id], scope) : [],
      ]);
      const t = REPORT_TYPES[id];
      return {
        id, name: t.name, description: t.description, list: t.list, columns: [...t.columns] as ReportColumn[], defaultColumns: defaultColumns(id),
        lastColumns: Array.isArray(last.value) ? (last.value as string[]).filter((c) => reportColumn(id, c)) : null, metadataColumns, metadataKeys,
      };
    }),
  );
}

// ---------------------------------------------------------------------------------------------------
// Running a report (the export-report job)

type SourceRow = Record<string, unknown>;

const FIELD_OF: Record<string, string> = {
  created: 'created_at', payment_intent_status: 'status', balance_transaction_id: 'id', gross: 'amount', automatic_payout_id: 'payout_id',
};
const sourceField = (column: string) => FIELD_OF[column] ?? column;

/** What the chosen columns need read from the source, and nothing more (fewer values to parse per row). */
function exportOptions(type: ReportTypeId, columns: string[]): repo.ExportOptions {
  const fields = new Set<string>();
  const options = { customerEmail: false, failureCode: false };
  for (const id of columns) {
    if (METADATA_COLUMN.test(id)) fields.add('metadata');
    else if (id === 'customer_email') options.customerEmail = true;
    else if (id === 'failure_code') options.failureCode = true;
    else if (type === 'payments.itemized.1' && id === 'status') {
      for (const f of ['status', 'amount_received', 'amount_refunded', 'failed_attempts']) fields.add(f);
      options.failureCode = true;
    } else fields.add(sourceField(id));
    if (reportColumn(type, id)?.kind === 'amount') fields.add('currency');
  }
  return { fields: [...fields], ...options };
}

/** How each chosen column reads a row of the source. */
function cellReaders(type: ReportTypeId, columns: string[], zone: string): ((row: SourceRow) => Cell)[] {
  return columns.map((id) => {
    const meta = METADATA_COLUMN.exec(id);
    if (meta) {
      const key = meta[1]!;
      return (row) => ((row.metadata as Record<string, string> | null)?.[key] ?? null);
    }
    const column = reportColumn(type, id)!;
    const field = sourceField(id);
    if (type === 'payments.itemized.1' && id === 'status') {
      return (row) => paymentDisplayStatus({
        status: row.status as string, amountReceived: Number(row.amount_received), amountRefunded: Number(row.amount_refunded),
        hasPaymentError: row.failure_code !== null && row.failure_code !== undefined, failedAttempts: Number(row.failed_attempts),
      });
    }
    if (column.kind === 'amount') return (row) => (row[field] === null || row[field] === undefined ? null : toMajorUnitString(row[field] as number, row.currency as string));
    if (column.kind === 'timestamp') return (row) => (row[field] === null || row[field] === undefined ? null : zonedTimestamp((row[field] as number) * 1000, zone));
    if (column.kind === 'integer') return (row) => (row[field] === null || row[field] === undefined ? null : String(row[field]));
    return (row) => (row[field] === null || row[field] === undefined ? null : String(row[field]));
  });
}

/** Where a run's rows come from: keyset batches of its source, or (a summary) a few computed rows. */
interface RowReader {
  count(): Promise<number>;
  batch(after: repo.ExportCursor | null, limit: number, options: repo.ExportOptions): Promise<SourceRow[]>;
}

function rowReader(deps: CoreDeps, type: ReportTypeId, scope: Scope, p: RunParameters, conditions: Condition[]): RowReader {
  const source = SOURCES[type];
  if (SUMMARY_TYPES.has(type)) {
    let rows: Promise<SourceRow[]> | undefined;
    const all = () => (rows ??= balanceSummaryRows(deps, scope, p));
    return { count: async () => (await all()).length, batch: async (after) => (after ? [] : all()) };
  }
  return {
    count: () => repo.countExportRows(deps.db, source, scope, conditions),
    batch: (after, limit, options) => repo.findExportBatch(deps.db, source, scope, conditions, after, limit, options),
  };
}

/** Reports whose few rows are computed (not read from a source in batches): written by the TS writers in every format. */
const SUMMARY_TYPES = new Set<ReportTypeId>(['balance.summary.1']);
const PAYOUT_CATEGORIES = new Set(['payout', 'payout_reversal']);
const CATEGORY_LABELS: Record<string, string> = {
  charge: 'Charges', refund: 'Refunds', refund_failure: 'Refund failures', dispute: 'Disputes', dispute_reversal: 'Dispute reversals',
  fee: 'Fees', other_adjustment: 'Other adjustments', payout: 'Less payouts', payout_reversal: 'Payout reversals',
};

/**
 * balance.summary.1, per currency: the starting balance (every transaction before the range), the range's
 * activity by reporting category, its payouts, and the ending balance (start plus all of them), each
 * net_amount signed as it moves the balance. Without an end, the ending balance is today's /v1/balance
 * (available plus pending).
 */
async function balanceSummaryRows(deps: CoreDeps, scope: Scope, p: RunParameters): Promise<SourceRow[]> {
  const { currency } = parseFilters(balanceReportFilters, p.filters);
  const [starting, activity] = await Promise.all([
    p.interval_start === null ? Promise.resolve([]) : repo.sumBalanceBefore(deps.db, scope, p.interval_start, currency),
    repo.sumBalanceActivity(deps.db, scope, p.interval_start, p.interval_end, currency),
  ]);
  const day = (unix: number) => zonedTimestamp(unix * 1000, p.timezone).slice(0, 10);
  const endDay = day((p.interval_end ?? Math.floor(Date.now() / 1000)) - 1);
  const currencies = [...new Set([...starting.map((r) => r.currency), ...activity.map((r) => r.currency)])].sort();
  const out: SourceRow[] = [];
  const line = (row: Partial<SourceRow>): SourceRow => ({ reporting_category: null, count: null, amount: null, fee: null, ...row });
  for (const cur of currencies) {
    const start = starting.find((r) => r.currency === cur)?.net ?? 0;
    out.push(line({ category: 'starting_balance', description: p.interval_start === null ? 'Starting balance' : `Starting balance (${day(p.interval_start)})`, net_amount: start, currency: cur }));
    let end = start;
    const moves = activity.filter((r) => r.currency === cur);
    for (const payouts of [false, true]) {
      for (const r of moves.filter((m) => PAYOUT_CATEGORIES.has(m.reportingCategory) === payouts)) {
        end += r.net;
        out.push(line({
          category: payouts ? 'payouts' : 'activity', description: CATEGORY_LABELS[r.reportingCategory] ?? r.reportingCategory, net_amount: r.net, currency: cur,
          reporting_category: r.reportingCategory, count: r.count, amount: r.amount, fee: r.fee,
        }));
      }
    }
    out.push(line({ category: 'ending_balance', description: `Ending balance (${endDay})`, net_amount: end, currency: cur }));
  }
  return out;
}

/**
 * The same columns as cellReaders, for CSV written by PostgreSQL (findExportCsvBatch): keep the two in step
 * (csv-sql.integration.test.ts compares their bytes for every column of every type).
 */
function csvCells(type: ReportTypeId, columns: string[]): repo.CsvCell[] {
  return columns.map((id): repo.CsvCell => {
    const meta = METADATA_COLUMN.exec(id);
    if (meta) return { kind: 'text', metadataKey: meta[1]! };
    if (type === 'payments.itemized.1' && id === 'status') return { kind: 'text', extra: 'display_status' };
    if (type === 'payments.itemized.1' && (id === 'customer_email' || id === 'failure_code')) return { kind: 'text', extra: id };
    return { kind: reportColumn(type, id)!.kind, field: sourceField(id) };
  });
}

class Superseded extends Error {}

export interface RunReportOptions {
  /** This is the job's last attempt: an unexpected error then fails the run instead of leaving it for a retry. */
  final?: boolean;
  /** A worker shutting down: the attempt stops, the run stays running, the job's retry starts it over. */
  signal?: AbortSignal;
  batchSize?: number;
  /** After each batch is written (tests). */
  onProgress?: (rowsWritten: number) => void;
  fileTtlDays?: number;
  /** CSV written by PostgreSQL (the default) or, with false, formatted here like JSON Lines and XLSX (csv-sql.integration.test.ts compares them). */
  csvFromDatabase?: boolean;
}

/**
 * One attempt at a run: claims it, counts the rows (the progress bar's total), streams them in keyset
 * batches into the file's writer and the storage, and only when the storage has the whole file records
 * the file and marks the run succeeded, with its event, in one transaction. An attempt that dies leaves
 * the run running without a file; the job's retry (or another worker's) claims it again from the start.
 */
export async function runReport(deps: CoreDeps, scope: Scope, runId: string, options: RunReportOptions = {}): Promise<'succeeded' | 'failed' | 'skipped'> {
  const run = await repo.claimReportRun(deps.db, scope, runId);
  if (!run) return 'skipped';
  const attempt = run.attempts;
  const actor: Actor = { ...scope, userId: null };
  let writer: ReturnType<typeof createReportWriter> | undefined;
  let stored: Promise<{ size: number }> | undefined;
  try {
    if (!isReportType(run.report_type)) throw invalid(`Unknown report type ${run.report_type}.`, 'report_type');
    const type = run.report_type;
    const source = SOURCES[type];
    const p = runParameters(run);
    const format = run.format as ReportFormat;
    // Stored parameters are checked again: a run must fail with a reason, never write a wrong file.
    checkTimeZone(p.timezone);
    checkColumns(type, p.columns, 'columns');
    const conditions = runConditions(type, scope, p);
    const reader = rowReader(deps, type, scope, p, conditions);
    const estimate = await reader.count();
    if (!(await repo.updateReportProgress(deps.db, scope, runId, attempt, { rows_estimate: estimate }))) throw new Superseded();
    const storage = storageOf(deps);
    const readers = cellReaders(type, p.columns, p.timezone);
    writer = createReportWriter({ format, gzip: run.gzip, bom: p.bom, columns: p.columns.map((id) => ({ header: id, kind: reportColumn(type, id)!.kind })) });
    const extension = fileExtension(format, run.gzip);
    const storageKey = `reports/${scope.merchantId}/${runId}-${attempt}.${extension}`;
    stored = storage.put(storageKey, writer.output);
    // A storage failure would otherwise surface only at the end; keep it from being unhandled meanwhile.
    stored.catch(() => {});
    const batchSize = options.batchSize ?? EXPORT_BATCH_ROWS;
    const out = writer;
    // CSV is written by PostgreSQL, a batch at a time as one text value; JSON Lines and XLSX read typed rows
    // and format them here.
    type Batch = { rows: number; lastId: string | null; write(): Promise<void> };
    const readBatches = async (fetch: (after: repo.ExportCursor | null) => Promise<Batch>) => {
      let written = 0;
      let next = fetch(null);
      for (;;) {
        options.signal?.throwIfAborted();
        const batch = await next;
        if (!batch.rows) break;
        const more = batch.rows === batchSize && batch.lastId !== null;
        // The next batch is fetched while this one is written: the database and the writer overlap.
        next = more ? fetch({ id: batch.lastId! }) : Promise.resolve({ rows: 0, lastId: null, write: async () => {} });
        next.catch(() => {});
        await batch.write();
        written += batch.rows;
        if (!(await repo.updateReportProgress(deps.db, scope, runId, attempt, { rows_written: written }))) throw new Superseded();
        options.onProgress?.(written);
        if (!more) break;
      }
      return written;
    };
    let written: number;
    if (out.writeLines && options.csvFromDatabase !== false && !SUMMARY_TYPES.has(type)) {
      const cells = csvCells(type, p.columns);
      // One short transaction per batch holds the run's zone for its timestamps; none spans the export, so a
      // worker's small pool is never held while the progress is written.
      written = await readBatches((after) => deps.db.transaction().execute(async (tx) => {
        await repo.setExportTimeZone(tx, p.timezone);
        const batch = await repo.findExportCsvBatch(tx, source, scope, conditions, after, batchSize, cells);
        return { rows: batch.rows, lastId: batch.lastId, write: () => out.writeLines!(batch.text) };
      }));
    } else {
      const read = exportOptions(type, p.columns);
      written = await readBatches(async (after) => {
        const rows = await reader.batch(after, batchSize, read);
        return { rows: rows.length, lastId: (rows[rows.length - 1]?.id as string | undefined) ?? null, write: () => out.write(rows.map((row) => readers.map((r) => r(row)))) };
      });
    }
    await writer.end();
    const { size } = await stored;
    const ttlDays = options.fileTtlDays ?? DEFAULT_REPORT_FILE_TTL_DAYS;
    const outcome = await deps.db.transaction().execute(async (tx) => {
      const file = await repo.insertReportFile(tx, {
        id: newId('file'), merchant_id: scope.merchantId, livemode: scope.livemode, filename: `${type}-${runId}.${extension}`,
        type: extension, content_type: run.gzip ? 'application/gzip' : CONTENT_TYPES[format], size, storage_key: storageKey,
        expires_at: new Date(Date.now() + ttlDays * 86_400_000),
      });
      const done = await repo.finishReportRun(tx, scope, runId, attempt, { status: 'succeeded', rows_written: written, file_id: file.id });
      if (!done) return null;
      await emitEvent(tx, actor, 'reporting.report_run.succeeded', toRunDto(deps, done, file));
      return done;
    });
    if (!outcome) {
      await storage.remove(storageKey);
      return 'skipped';
    }
    return 'succeeded';
  } catch (error) {
    writer?.abort(error instanceof Error ? error : new Error(String(error)));
    await stored?.catch(() => {});
    if (error instanceof Superseded) return 'skipped';
    // A worker shutting down: the job is retried, whatever attempt this was.
    if (options.signal?.aborted) throw error;
    const expected = error instanceof PaymentError;
    if (!expected && !options.final) throw error;
    const message = expected ? error.message : 'The export failed on our side. Start it again; if it keeps failing, contact support.';
    await deps.db.transaction().execute(async (tx) => {
      const done = await repo.finishReportRun(tx, scope, runId, attempt, { status: 'failed', error: message });
      if (done) await emitEvent(tx, actor, 'reporting.report_run.failed', toRunDto(deps, done, null));
    });
    if (!expected) console.error(`[reports] run ${runId} failed:`, error);
    return 'failed';
  }
}

/** Removes expired files (row and bytes); runs from the crontab. */
export async function pruneReportFiles(deps: CoreDeps, now = new Date(), limit = 500): Promise<number> {
  const expired = await repo.findExpiredReportFiles(deps.db, now, limit);
  for (const file of expired) {
    await storageOf(deps).remove(file.storage_key);
    await repo.deleteReportFile(deps.db, file.merchant_id, file.id);
  }
  return expired.length;
}

// ---------------------------------------------------------------------------------------------------
// Downloads

/** A short-lived link to a run's file for the member who asked (the dashboard's Download button). */
export async function createDownloadLink(deps: CoreDeps, actor: Actor & { userId: string }, runId: string): Promise<{ url: string; expiresAt: number }> {
  const run = await repo.getReportRun(deps.db, actor, runId);
  if (!run) throw notFound('report run', runId);
  if (run.status !== 'succeeded' || !run.file_id) throw new PaymentError('invalid_request', 'This export has no file yet.', { param: 'id' });
  return createFileDownloadLink(deps, actor, run.file_id);
}

export { openSignedDownload };

/** A run's file as GET /v1/files/:id/contents serves it (files/ owns every File; this keeps the reports area's callers). */
export function openFileForApi(deps: CoreDeps, actor: Actor, fileId: string) {
  return openFile(deps, actor, fileId, actor);
}
