import { z } from 'zod';
import { arrayParam, boolParam, idParam, intParam, listParamsShape } from './common.js';
import { dateBoundParam } from './dashboard.js';
import type { FileDto } from './files.js';

/**
 * Reports (exports): the report types and their columns, what the dashboard (tRPC reports.*) and the
 * Stripe-compatible REST API (/v1/reporting/*, /v1/files/*) send and receive. The column catalogue lives
 * here so the dashboard's column picker and the server's writers read one list.
 */

export const REPORT_FORMATS = ['csv', 'jsonl', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_FORMAT_LABELS: Record<ReportFormat, string> = { csv: 'CSV', jsonl: 'JSON Lines', xlsx: 'Excel (XLSX)' };

/** How a column's values are written: amounts in major units of the row's currency, timestamps ISO 8601 in the run's zone. */
export type ReportColumnKind = 'text' | 'amount' | 'timestamp' | 'integer';

export interface ReportColumn {
  id: string;
  label: string;
  kind: ReportColumnKind;
  /** In the default set. */
  default: boolean;
}

const col = (id: string, label: string, kind: ReportColumnKind = 'text', byDefault = true): ReportColumn => ({ id, label, kind, default: byDefault });

export type ReportList = 'payments' | 'refunds' | 'customers' | 'balance' | 'disputes';

/** Stripe's itemized balance columns (balance_change_from_activity.itemized.3, payout_reconciliation.itemized.5). */
const BALANCE_COLUMNS = [
  col('balance_transaction_id', 'Balance transaction ID'),
  col('created', 'Created', 'timestamp'),
  col('available_on', 'Available on', 'timestamp'),
  col('currency', 'Currency'),
  col('gross', 'Gross', 'amount'),
  col('fee', 'Fee', 'amount'),
  col('net', 'Net', 'amount'),
  col('reporting_category', 'Reporting category'),
  col('source_id', 'Source ID'),
  col('description', 'Description'),
  col('payment_intent_id', 'Payment ID'),
  col('customer_id', 'Customer ID'),
  col('automatic_payout_id', 'Payout ID'),
  col('type', 'Type', 'text', false),
  col('status', 'Status', 'text', false),
];

export const REPORT_TYPES = {
  'payments.itemized.1': {
    name: 'Payments',
    description: 'One row per payment created in the range, with amounts, status, customer and card.',
    /** The dashboard list whose filters this report takes. */
    list: 'payments',
    columns: [
      col('id', 'Payment ID'),
      col('created', 'Created', 'timestamp'),
      col('amount', 'Amount', 'amount'),
      col('amount_refunded', 'Amount refunded', 'amount'),
      col('currency', 'Currency'),
      col('status', 'Status'),
      col('description', 'Description'),
      col('customer_id', 'Customer ID'),
      col('customer_email', 'Customer email'),
      col('card_brand', 'Card brand'),
      col('card_last4', 'Card last 4'),
      col('amount_received', 'Amount received', 'amount', false),
      col('amount_capturable', 'Amount capturable', 'amount', false),
      col('payment_intent_status', 'API status', 'text', false),
      col('receipt_email', 'Receipt email', 'text', false),
      col('capture_method', 'Capture method', 'text', false),
      col('payment_method_id', 'Payment method ID', 'text', false),
      col('failure_code', 'Failure code', 'text', false),
      col('failed_attempts', 'Failed attempts', 'integer', false),
      col('canceled_at', 'Canceled at', 'timestamp', false),
      col('cancellation_reason', 'Cancellation reason', 'text', false),
      col('statement_descriptor', 'Statement descriptor', 'text', false),
    ],
  },
  'refunds.itemized.1': {
    name: 'Refunds',
    description: 'One row per refund created in the range.',
    list: 'refunds',
    columns: [
      col('id', 'Refund ID'),
      col('created', 'Created', 'timestamp'),
      col('amount', 'Amount', 'amount'),
      col('currency', 'Currency'),
      col('status', 'Status'),
      col('reason', 'Reason'),
      col('payment_intent_id', 'Payment ID'),
      col('customer_id', 'Customer ID'),
      col('failure_reason', 'Failure reason'),
      col('payment_method_id', 'Payment method ID', 'text', false),
      col('note', 'Internal note', 'text', false),
    ],
  },
  'customers.itemized.1': {
    name: 'Customers',
    description: 'One row per customer created in the range (deleted customers left out).',
    list: 'customers',
    columns: [
      col('id', 'Customer ID'),
      col('created', 'Created', 'timestamp'),
      col('email', 'Email'),
      col('name', 'Name'),
      col('phone', 'Phone'),
      col('description', 'Description'),
    ],
  },
  'balance_change_from_activity.itemized.3': {
    name: 'Balance change from activity',
    description: 'One row per money movement (balance transaction) created in the range: charges, refunds, fees, payouts.',
    list: 'balance',
    columns: BALANCE_COLUMNS,
  },
  'balance.summary.1': {
    name: 'Balance summary',
    description: 'Per currency: the starting balance, the activity by reporting category, payouts and the ending balance of the range.',
    list: 'balance',
    // A summary row sums many transactions: there is no one object whose metadata it could show.
    metadata: false,
    // Stripe's balance.summary.1 columns (category, description, net_amount, currency), then PaymentFlow's breakdown.
    columns: [
      col('category', 'Category'),
      col('description', 'Description'),
      col('net_amount', 'Net amount', 'amount'),
      col('currency', 'Currency'),
      col('reporting_category', 'Reporting category'),
      col('count', 'Transactions', 'integer', false),
      col('gross', 'Gross', 'amount', false),
      col('fee', 'Fee', 'amount', false),
    ],
  },
  'disputes.itemized.1': {
    name: 'Disputes',
    description: 'One row per dispute created in the range, with its payment, reason, status and evidence deadline.',
    list: 'disputes',
    columns: [
      col('id', 'Dispute ID'),
      col('charge_id', 'Charge ID'),
      col('payment_intent_id', 'Payment ID'),
      col('amount', 'Amount', 'amount'),
      col('currency', 'Currency'),
      col('reason', 'Reason'),
      col('status', 'Status'),
      col('evidence_due_by', 'Evidence due by', 'timestamp'),
      col('created', 'Created', 'timestamp'),
      col('closed_at', 'Closed', 'timestamp'),
      col('network_reason_code', 'Network reason code', 'text', false),
      col('card_brand', 'Card brand', 'text', false),
    ],
  },
  'payout_reconciliation.itemized.5': {
    name: 'Payout reconciliation',
    description: 'The balance transactions settled by payouts, created in the range (one payout with the payout filter).',
    list: 'balance',
    columns: BALANCE_COLUMNS,
  },
} as const satisfies Record<string, { name: string; description: string; list: ReportList; columns: readonly ReportColumn[]; metadata?: false }>;

/** Balance filters: a currency, and for payout reconciliation one payout. */
export const balanceReportFilters = z.strictObject({
  currency: z.string().trim().toLowerCase().regex(/^[a-z]{3}$/, 'Use a three-letter currency code.').optional(),
  payout: z.string().trim().min(1).max(255).optional(),
});

/** The Disputes list's filters (its status tabs), plus one charge or payment as in GET /v1/disputes. */
export const disputeReportFilters = z.strictObject({
  status: z.enum(['needs_response', 'under_review', 'closed', 'all']).optional(),
  charge: z.string().trim().min(1).max(255).optional(),
  payment_intent: z.string().trim().min(1).max(255).optional(),
});

export type ReportTypeId = keyof typeof REPORT_TYPES;
export const REPORT_TYPE_IDS = Object.keys(REPORT_TYPES) as ReportTypeId[];

export function isReportType(id: string): id is ReportTypeId {
  return Object.hasOwn(REPORT_TYPES, id);
}

/** `metadata[order_id]`: one column per chosen metadata key. */
export const METADATA_COLUMN = /^metadata\[([^\]]{1,40})\]$/;

export function defaultColumns(type: ReportTypeId): string[] {
  return REPORT_TYPES[type].columns.filter((c) => c.default).map((c) => c.id);
}

/** Whether the type's rows are objects with metadata, so `metadata[key]` columns can be chosen. */
export function hasMetadataColumns(type: ReportTypeId): boolean {
  return (REPORT_TYPES[type] as { metadata?: boolean }).metadata !== false;
}

/** The column's definition, or a metadata column; undefined when the type has no such column. */
export function reportColumn(type: ReportTypeId, id: string): ReportColumn | undefined {
  const known = (REPORT_TYPES[type].columns as readonly ReportColumn[]).find((c) => c.id === id);
  if (known) return known;
  if (!hasMetadataColumns(type)) return undefined;
  const m = METADATA_COLUMN.exec(id);
  return m ? { id, label: `Metadata: ${m[1]}`, kind: 'text', default: false } : undefined;
}

const MAX_REPORT_COLUMNS = 100;
/** Files are kept this long (REPORT_FILE_TTL_DAYS), then removed by the prune-report-files job. */
export const DEFAULT_REPORT_FILE_TTL_DAYS = 7;

const columnName = z.string().trim().min(1).max(60);
const timezoneParam = z.string().trim().min(1).max(64);

// ---------------------------------------------------------------------------------------------------
// Dashboard (tRPC)

/**
 * intervalStart inclusive, intervalEnd exclusive: dates (YYYY-MM-DD) or date-times read in `timezone`
 * (default the merchant's), or date-times with an offset. `filters` are the list view's URL search params
 * (payments or refunds list filters, the customers search box), validated by that list's own schema.
 */
export const createReportRunInput = z.object({
  reportType: z.enum(REPORT_TYPE_IDS as [ReportTypeId, ...ReportTypeId[]]),
  intervalStart: dateBoundParam.optional(),
  intervalEnd: dateBoundParam.optional(),
  timezone: timezoneParam.optional(),
  columns: z.array(columnName).min(1, 'Choose at least one column.').max(MAX_REPORT_COLUMNS).optional(),
  format: z.enum(REPORT_FORMATS).default('csv'),
  gzip: z.boolean().default(false),
  /** A UTF-8 byte order mark first, for Excel's CSV import. */
  bom: z.boolean().default(false),
  filters: z.record(z.string().max(64), z.unknown()).optional(),
});
export type CreateReportRunInput = z.input<typeof createReportRunInput>;

export const reportRunIdInput = z.object({ id: z.string().trim().min(1).max(255) });
export const reportRunListInput = z.object({ limit: z.number().int().min(1).max(100).default(20) });

export type ReportRunStatus = 'pending' | 'running' | 'succeeded' | 'failed';

export interface ReportRunView {
  id: string;
  reportType: string;
  reportName: string;
  status: ReportRunStatus;
  rowsWritten: number;
  /** Rows the run expects to write (counted when it starts); null until then. */
  rowsEstimate: number | null;
  format: ReportFormat;
  gzip: boolean;
  error: string | null;
  intervalStart: number | null;
  intervalEnd: number | null;
  timezone: string;
  columns: string[];
  filters: Record<string, unknown>;
  createdByEmail: string | null;
  /** Unix seconds. */
  created: number;
  finishedAt: number | null;
  file: { id: string; filename: string; size: number; expiresAt: number | null } | null;
}

export interface ReportTypeView {
  id: ReportTypeId;
  name: string;
  description: string;
  list: ReportList;
  columns: ReportColumn[];
  defaultColumns: string[];
  /** The columns this member chose last time for this type (remembered on each export). */
  lastColumns: string[] | null;
  /** Whether metadata[key] columns can be chosen (not for a summary, whose rows are sums). */
  metadataColumns: boolean;
  /** Metadata keys seen on recent objects of this type, for the column picker. */
  metadataKeys: string[];
}

// ---------------------------------------------------------------------------------------------------
// REST (Stripe's reporting API)

export const createReportRunParams = z.strictObject({
  report_type: z.string().trim().min(1, 'Missing required param: report_type.').max(100),
  parameters: z
    .strictObject({
      interval_start: intParam({ min: 0 }).optional(),
      interval_end: intParam({ min: 0 }).optional(),
      timezone: timezoneParam.optional(),
      columns: arrayParam(columnName).optional(),
      currency: z.string().trim().toLowerCase().regex(/^[a-z]{3}$/, 'Invalid currency').optional(),
      payout: idParam.optional(),
      /** PaymentFlow's additions: csv (default), jsonl or xlsx, and gzip for csv and jsonl. */
      format: z.enum(REPORT_FORMATS).optional(),
      gzip: boolParam().optional(),
    })
    .optional(),
  expand: arrayParam(z.string().max(255)).optional(),
});
export type CreateReportRunParams = z.input<typeof createReportRunParams>;

export const listReportRunsParams = z.strictObject(listParamsShape);

/** Stripe's File object, in shared/contracts/files.ts (report results are files like any upload). */
export type { FileDto };

export interface ReportRunDto {
  id: string;
  object: 'reporting.report_run';
  created: number;
  error: string | null;
  livemode: boolean;
  parameters: Record<string, unknown>;
  report_type: string;
  result: FileDto | null;
  status: 'pending' | 'succeeded' | 'failed';
  succeeded_at: number | null;
}

export interface ReportTypeDto {
  id: string;
  object: 'reporting.report_type';
  data_available_end: number;
  data_available_start: number;
  default_columns: string[];
  livemode: boolean;
  name: string;
  updated: number;
  version: number;
}
