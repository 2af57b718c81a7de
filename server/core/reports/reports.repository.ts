import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';
import { CURRENCIES } from '../../../shared/money.js';
import { paymentDisplayStatusSql } from '../dashboard/payments.repository.js';
import { inScope } from '../shared/scope.js';

/** Report runs, their files, and the keyset-batched reads that stream a report's rows. */

type Condition = RawBuilder<boolean>;
export type ExportSource = 'payment_intents' | 'refunds' | 'customers' | 'balance_transactions' | 'disputes';

export function insertReportRun(db: Executor, row: NewRow<'report_runs'>) {
  return db.insertInto('report_runs').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getReportRun(db: Executor, scope: Scope, id: string) {
  return db.selectFrom('report_runs').selectAll().$call(inScope(scope)).where('id', '=', id).executeTakeFirst();
}

/** The dashboard's recent runs, newest first, with the member who started each. */
export function findRecentReportRuns(db: Executor, scope: Scope, limit: number) {
  return db
    .selectFrom('report_runs')
    .leftJoin('users', 'users.id', 'report_runs.created_by_user_id')
    .selectAll('report_runs')
    .select('users.email as created_by_email')
    .where('report_runs.merchant_id', '=', scope.merchantId)
    .where('report_runs.livemode', '=', scope.livemode)
    .orderBy('report_runs.created_at', 'desc')
    .orderBy('report_runs.id', 'desc')
    .limit(limit)
    .execute();
}

/** The base of the REST list (paged by findPage). */
export function selectReportRuns(db: Executor, scope: Scope) {
  return db.selectFrom('report_runs').selectAll('report_runs').where('report_runs.merchant_id', '=', scope.merchantId).where('report_runs.livemode', '=', scope.livemode);
}

export function findReportFiles(db: Executor, scope: Scope, ids: string[]) {
  if (!ids.length) return Promise.resolve([] as Row<'report_files'>[]);
  return db.selectFrom('report_files').selectAll().$call(inScope(scope)).where('id', 'in', ids).execute();
}

/**
 * Takes the run for one attempt: pending or running (a worker that died mid-run left it running) becomes
 * running with a new attempt number and no rows; a finished run is left alone (the job is then a no-op).
 */
export function claimReportRun(db: Executor, scope: Scope, id: string) {
  return db
    .updateTable('report_runs')
    .set({ status: 'running', attempts: sql`attempts + 1`, rows_written: 0, rows_estimate: null, error: null, started_at: sql`now()` })
    .$call(inScope(scope))
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'running'])
    .returningAll()
    .executeTakeFirst();
}

/** Progress of one attempt; false when another attempt took the run over (this one must stop). */
export async function updateReportProgress(db: Executor, scope: Scope, id: string, attempt: number, progress: { rows_written?: number; rows_estimate?: number }): Promise<boolean> {
  const result = await db
    .updateTable('report_runs')
    .set(progress)
    .$call(inScope(scope))
    .where('id', '=', id)
    .where('attempts', '=', attempt)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertReportFile(db: Executor, row: NewRow<'report_files'>) {
  return db.insertInto('report_files').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Ends one attempt; undefined when the run is no longer this attempt's. */
export function finishReportRun(db: Executor, scope: Scope, id: string, attempt: number, outcome: { status: 'succeeded' | 'failed'; rows_written?: number; file_id?: string; error?: string }) {
  return db
    .updateTable('report_runs')
    .set({ ...outcome, finished_at: sql`now()` })
    .$call(inScope(scope))
    .where('id', '=', id)
    .where('attempts', '=', attempt)
    .where('status', '=', 'running')
    .returningAll()
    .executeTakeFirst();
}

/** Files past their expiry, oldest first, across merchants (the prune job). */
export function findExpiredReportFiles(db: Executor, now: Date, limit: number) {
  return db.selectFrom('report_files').select(['merchant_id', 'id', 'storage_key']).where('expires_at', '<', now).orderBy('expires_at').limit(limit).execute();
}

export async function deleteReportFile(db: Executor, merchantId: string, id: string) {
  await db.deleteFrom('report_files').where('merchant_id', '=', merchantId).where('id', '=', id).execute();
}

// ---------------------------------------------------------------------------------------------------
// Streaming a report's rows

/** [start, end) in unix seconds on the source's created_at: constants, so an index range bound. */
export function intervalConditions(source: ExportSource, start: number | null, end: number | null): Condition[] {
  const created = sql.ref(`${source}.created_at`);
  const out: Condition[] = [];
  if (start !== null) out.push(sql<boolean>`${created} >= to_timestamp(${start})`);
  if (end !== null) out.push(sql<boolean>`${created} < to_timestamp(${end})`);
  return out;
}

/** The payment itself, or the payment a refund belongs to (a pasted id in the payments search box). */
export function paymentIdCondition(scope: Scope, by: { payment: string } | { refund: string }): Condition {
  if ('payment' in by) return sql<boolean>`payment_intents.id = ${by.payment}`;
  return sql<boolean>`payment_intents.id in (select r.payment_intent_id from refunds r where r.merchant_id = ${scope.merchantId} and r.livemode = ${scope.livemode} and r.id = ${by.refund})`;
}

/** The oldest row's creation time (data_available_start of a report type). */
export async function findFirstCreated(db: Executor, source: ExportSource, scope: Scope): Promise<Date | null> {
  const { rows } = await sql<{ at: Date | null }>`select min(created_at) as at from ${sql.table(source)} where ${scoped(source, scope, [])}`.execute(db);
  return rows[0]?.at ?? null;
}

/** The last row of the previous batch, by id: its (created_at, id) is read in the comparison itself. */
export interface ExportCursor {
  id: string;
}

/** The columns an export may read from each source; timestamps come as epoch seconds (int8, cheap to parse). */
const SOURCE_COLUMNS: Record<ExportSource, readonly string[]> = {
  payment_intents: [
    'id', 'created_at', 'amount', 'currency', 'amount_received', 'amount_refunded', 'amount_capturable', 'status', 'description',
    'customer_id', 'receipt_email', 'card_brand', 'card_last4', 'capture_method', 'payment_method_id', 'failed_attempts', 'canceled_at',
    'cancellation_reason', 'statement_descriptor', 'metadata',
  ],
  refunds: ['id', 'created_at', 'amount', 'currency', 'status', 'reason', 'failure_reason', 'note', 'payment_intent_id', 'customer_id', 'payment_method_id', 'metadata'],
  customers: ['id', 'created_at', 'email', 'name', 'phone', 'description', 'metadata'],
  balance_transactions: [
    'id', 'created_at', 'available_on', 'currency', 'amount', 'fee', 'net', 'reporting_category', 'source_id', 'description', 'payout_id', 'type', 'status',
    // Read from the transaction's source (a charge's or refund's payment): see balanceSourceColumn.
    'payment_intent_id', 'customer_id', 'metadata',
  ],
  disputes: [
    'id', 'created_at', 'charge_id', 'payment_intent_id', 'amount', 'currency', 'reason', 'status', 'evidence_due_by', 'closed_at',
    'network_reason_code', 'card_brand',
    // The disputed payment's metadata with the dispute's own keys over it: see disputeMetadataColumn.
    'metadata',
  ],
};
const TIMESTAMPS = new Set(['created_at', 'canceled_at', 'available_on', 'evidence_due_by', 'closed_at']);

/** A dispute's metadata columns: its payment's metadata (where order ids live), the dispute's own keys winning. */
function disputeMetadataValue(scope: Scope) {
  return sql`(coalesce((select p.metadata from payment_intents p where p.merchant_id = ${scope.merchantId} and p.livemode = ${scope.livemode} and p.id = disputes.payment_intent_id), '{}'::jsonb) || disputes.metadata)`;
}

/** The Disputes list's filters: its status tab's statuses, one charge, one payment. */
export function disputeConditions(f: { statuses?: readonly string[]; charge?: string; paymentIntent?: string }): Condition[] {
  const out: Condition[] = [];
  if (f.statuses) out.push(sql<boolean>`disputes.status in (${sql.join(f.statuses.map((s) => sql`${s}`))})`);
  if (f.charge) out.push(sql<boolean>`disputes.charge_id = ${f.charge}`);
  if (f.paymentIntent) out.push(sql<boolean>`disputes.payment_intent_id = ${f.paymentIntent}`);
  return out;
}

/** What a balance transaction's source (a charge or a refund) says: its payment, customer, and the payment's metadata. */
function balanceSourceValue(scope: Scope, field: 'payment_intent_id' | 'customer_id' | 'metadata') {
  const s = sql`c.merchant_id = ${scope.merchantId} and c.livemode = ${scope.livemode} and c.id = balance_transactions.source_id`;
  const paymentIntent = sql`coalesce((select c.payment_intent_id from charges c where ${s}), (select c.payment_intent_id from refunds c where ${s}))`;
  if (field === 'payment_intent_id') return paymentIntent;
  if (field === 'customer_id') return sql`coalesce((select c.customer_id from charges c where ${s}), (select c.customer_id from refunds c where ${s}))`;
  return sql`(select p.metadata from payment_intents p where p.merchant_id = ${scope.merchantId} and p.livemode = ${scope.livemode} and p.id = ${paymentIntent})`;
}

/** Balance report filters: a currency, one payout, only what payouts settled. */
export function balanceConditions(f: { currency?: string; payout?: string; settled?: boolean }): Condition[] {
  const out: Condition[] = [];
  if (f.currency) out.push(sql<boolean>`balance_transactions.currency = ${f.currency}`);
  if (f.payout) out.push(sql<boolean>`balance_transactions.payout_id = ${f.payout}`);
  if (f.settled) out.push(sql<boolean>`balance_transactions.payout_id is not null and balance_transactions.type <> 'payout'`);
  return out;
}

function scoped(source: ExportSource, scope: Scope, conditions: Condition[]): Condition {
  const all = [sql<boolean>`${sql.ref(`${source}.merchant_id`)} = ${scope.merchantId}`, sql<boolean>`${sql.ref(`${source}.livemode`)} = ${scope.livemode}`, ...conditions];
  if (source === 'customers') all.push(sql<boolean>`customers.deleted_at is null`);
  return sql<boolean>`${sql.join(all, sql` and `)}`;
}

export interface ExportOptions {
  /** Columns of the source to read (the id always is). */
  fields: readonly string[];
  /** payment_intents: the payer's email (a lookup per row with a customer). */
  customerEmail?: boolean;
  /** payment_intents: last_payment_error's code. */
  failureCode?: boolean;
}

/** A source field's value as stored (timestamps as timestamptz); balance transactions read three of theirs from their source. */
function fieldValue(source: ExportSource, scope: Scope, field: string): RawBuilder<unknown> {
  if (!SOURCE_COLUMNS[source].includes(field)) throw new Error(`Not an export column of ${source}: ${field}`);
  if (source === 'balance_transactions' && (field === 'payment_intent_id' || field === 'customer_id' || field === 'metadata')) return balanceSourceValue(scope, field);
  if (source === 'disputes' && field === 'metadata') return disputeMetadataValue(scope);
  return sql`${sql.ref(`${source}.${field}`)}`;
}

function extraValue(source: ExportSource, scope: Scope, extra: 'failure_code' | 'customer_email' | 'display_status'): RawBuilder<unknown> {
  if (source !== 'payment_intents') throw new Error(`${extra} is a payments column`);
  if (extra === 'failure_code') return sql`payment_intents.last_payment_error->>'code'`;
  if (extra === 'display_status') return paymentDisplayStatusSql();
  // The customer's email, else the receipt email: what the payments list shows as the payer.
  return sql`case when payment_intents.customer_id is null then payment_intents.receipt_email else coalesce((select c.email from customers c where c.merchant_id = ${scope.merchantId} and c.livemode = ${scope.livemode} and c.id = payment_intents.customer_id), payment_intents.receipt_email) end`;
}

function selectList(source: ExportSource, scope: Scope, options: ExportOptions) {
  const fields = [...new Set(['id', ...options.fields])];
  const out: RawBuilder<unknown>[] = fields.map((f) => {
    const value = fieldValue(source, scope, f);
    return TIMESTAMPS.has(f) ? sql`floor(extract(epoch from ${value}))::int8 as ${sql.id(f)}` : sql`${value} as ${sql.id(f)}`;
  });
  if (options.failureCode) out.push(sql`${extraValue(source, scope, 'failure_code')} as failure_code`);
  if (options.customerEmail) out.push(sql`${extraValue(source, scope, 'customer_email')} as customer_email`);
  return out;
}

/** The conditions of the batch after `after` in (created_at, id) order. */
function afterCursor(source: ExportSource, scope: Scope, conditions: Condition[], after: ExportCursor | null): Condition[] {
  if (!after) return conditions;
  const key = sql`(${sql.ref(`${source}.created_at`)}, ${sql.ref(`${source}.id`)})`;
  // The cursor row's position is read inside the comparison, so microsecond timestamps compare exactly
  // (and no timestamp is printed as text per row, which cost more than the rest of the row).
  const position = sql`(select c.created_at, c.id from ${sql.table(source)} c where c.merchant_id = ${scope.merchantId} and c.livemode = ${scope.livemode} and c.id = ${after.id})`;
  return [...conditions, sql<boolean>`${key} > ${position}`];
}

/**
 * One batch of a report in (created_at, id) order after `after`: a range scan of the list index, so
 * every batch costs the same however deep the export is (no OFFSET) and memory holds one batch only.
 */
export async function findExportBatch(
  db: Executor,
  source: ExportSource,
  scope: Scope,
  conditions: Condition[],
  after: ExportCursor | null,
  limit: number,
  options: ExportOptions,
): Promise<Record<string, unknown>[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select ${sql.join(selectList(source, scope, options))}
    from ${sql.table(source)}
    where ${scoped(source, scope, afterCursor(source, scope, conditions, after))}
    order by ${sql.ref(`${source}.created_at`)}, ${sql.ref(`${source}.id`)}
    limit ${limit}`.execute(db);
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// CSV written by PostgreSQL

/**
 * One CSV cell as PostgreSQL writes it: a source field (or a metadata key, or a payments column computed in
 * SQL) and how it is written. The same rules as the TS writers (writers.ts csvField, cells.ts, money.ts
 * toMajorUnitString, payment-display-status.ts); csv-sql.integration.test.ts checks both give the same bytes.
 */
export type CsvCell =
  | { kind: 'text' | 'integer' | 'amount' | 'timestamp'; field: string }
  | { kind: 'text'; extra: 'failure_code' | 'customer_email' | 'display_status' }
  | { kind: 'text'; metadataKey: string };

const ZERO_DECIMAL = Object.values(CURRENCIES).filter((c) => c.exponent === 0).map((c) => c.code);
const THREE_DECIMAL = Object.values(CURRENCIES).filter((c) => c.exponent === 3).map((c) => c.code);

/** Minor units to major units by the currency's exponent (shared/money.ts's table): 1999 usd -> 19.99, 5000 jpy -> 5000, 1500 kwd -> 1.500. */
function majorUnitsSql(amount: RawBuilder<unknown>, currency: RawBuilder<unknown>) {
  // A bigint times a numeric literal keeps the literal's scale exactly: (1999 * 0.01)::text is '19.99', (-5 * 0.01) '-0.05'.
  return sql`case when ${currency} in (${sql.join(ZERO_DECIMAL.map((c) => sql.lit(c)))}) then ${amount}::text when ${currency} in (${sql.join(THREE_DECIMAL.map((c) => sql.lit(c)))}) then (${amount} * 0.001)::text else (${amount} * 0.01)::text end`;
}

/** A text cell: formula neutralisation (a leading apostrophe before = + - @ tab CR LF), then RFC 4180 quoting. */
function csvTextSql(value: RawBuilder<unknown>) {
  const neutralised = sql`(case when ${value} ~ '^[-=+@\t\r\n]' then '''' || ${value} else ${value} end)`;
  const quoted = sql`(case when ${neutralised} ~ '[",\r\n]' then '"' || replace(${neutralised}, '"', '""') || '"' else ${neutralised} end)`;
  // Most cells need neither: one match decides, and only the few that do are rewritten.
  return sql`case when ${value} ~ '^[-=+@\t\r\n]|[",\r\n]' then ${quoted} else ${value} end`;
}

function csvCellSql(cell: CsvCell, value: RawBuilder<unknown>) {
  if (cell.kind === 'amount') return majorUnitsSql(value, sql.ref('r.currency'));
  if (cell.kind === 'integer') return sql`${value}::text`;
  // Whole seconds with the zone's offset: the session's TimeZone is the run's (setExportTimeZone).
  if (cell.kind === 'timestamp') return sql`to_char(${value}, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')`;
  return csvTextSql(value);
}

/** The run's zone for to_char's offsets, for the rest of the caller's transaction. */
export async function setExportTimeZone(db: Executor, zone: string) {
  await sql`select set_config('TimeZone', ${zone}, true)`.execute(db);
}

/**
 * One batch of a CSV report as text, formatted by PostgreSQL (cells, quoting, CRLF line ends), in
 * (created_at, id) order after `after`, with its row count and last id (the next batch's cursor). Run inside
 * a transaction that called setExportTimeZone. One value per batch instead of ten per row: the driver parses
 * almost nothing, which is what held the row-by-row export to a third of COPY's speed.
 */
export async function findExportCsvBatch(
  db: Executor,
  source: ExportSource,
  scope: Scope,
  conditions: Condition[],
  after: ExportCursor | null,
  limit: number,
  cells: CsvCell[],
): Promise<{ text: string; rows: number; lastId: string | null }> {
  // The inner query reads each value once (some are subqueries); the outer one formats them.
  const values: RawBuilder<unknown>[] = [sql`${sql.ref(`${source}.id`)} as id`];
  if (cells.some((c) => c.kind === 'amount')) values.push(sql`${fieldValue(source, scope, 'currency')} as currency`);
  const line = cells.map((cell, i) => {
    const alias = `v${i}`;
    if ('metadataKey' in cell) values.push(sql`(${fieldValue(source, scope, 'metadata')})->>${cell.metadataKey} as ${sql.id(alias)}`);
    else if ('extra' in cell) values.push(sql`${extraValue(source, scope, cell.extra)} as ${sql.id(alias)}`);
    else values.push(sql`${fieldValue(source, scope, cell.field)} as ${sql.id(alias)}`);
    const ref = sql.ref(`r.${alias}`);
    return sql`coalesce(${csvCellSql(cell, cell.kind === 'text' ? sql`${ref}::text` : ref)}, '')`;
  });
  const { rows } = await sql<{ text: string | null; rows: number; last_id: string | null }>`
    select string_agg(${sql.join(line, sql` || ',' || `)} || E'\r\n', '') as text, count(*)::int as rows, (array_agg(r.id))[count(*)] as last_id
    from (
      select ${sql.join(values)}
      from ${sql.table(source)}
      where ${scoped(source, scope, afterCursor(source, scope, conditions, after))}
      order by ${sql.ref(`${source}.created_at`)}, ${sql.ref(`${source}.id`)}
      limit ${limit}
    ) r`.execute(db);
  const row = rows[0];
  return { text: row?.text ?? '', rows: row?.rows ?? 0, lastId: row?.last_id ?? null };
}

/** How many rows the report will have (the progress bar's total). */
export async function countExportRows(db: Executor, source: ExportSource, scope: Scope, conditions: Condition[]): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::bigint as n from ${sql.table(source)} where ${scoped(source, scope, conditions)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Metadata keys on the latest objects of a source, for the column picker. */
export async function findRecentMetadataKeys(db: Executor, source: ExportSource, scope: Scope, sample = 500): Promise<string[]> {
  // A balance transaction's and a dispute's metadata columns are (mostly) its payment's.
  if (source === 'balance_transactions' || source === 'disputes') source = 'payment_intents';
  const { rows } = await sql<{ key: string }>`
    select distinct jsonb_object_keys(metadata) as key from (
      select metadata from ${sql.table(source)} where ${scoped(source, scope, [])} and metadata <> '{}'::jsonb
      order by created_at desc limit ${sample}
    ) recent order by 1 limit 100`.execute(db);
  return rows.map((r) => r.key);
}

// ---------------------------------------------------------------------------------------------------
// The balance summary (balance.summary.1)

/** Per currency, the net of every balance transaction created before `before` (a starting or ending balance). */
export async function sumBalanceBefore(db: Executor, scope: Scope, before: number, currency?: string) {
  const { rows } = await sql<{ currency: string; net: string }>`
    select currency, sum(net)::bigint as net from balance_transactions
    where ${scoped('balance_transactions', scope, [sql<boolean>`balance_transactions.created_at < to_timestamp(${before})`, ...balanceConditions({ currency })])}
    group by currency order by currency`.execute(db);
  return rows.map((r) => ({ currency: r.currency, net: Number(r.net) }));
}

/** Per currency and reporting category, the count, gross, fee and net of the transactions created in [start, end). */
export async function sumBalanceActivity(db: Executor, scope: Scope, start: number | null, end: number | null, currency?: string) {
  const { rows } = await sql<{ currency: string; reporting_category: string; count: string; amount: string; fee: string; net: string }>`
    select currency, reporting_category, count(*)::bigint as count, sum(amount)::bigint as amount, sum(fee)::bigint as fee, sum(net)::bigint as net
    from balance_transactions
    where ${scoped('balance_transactions', scope, [...intervalConditions('balance_transactions', start, end), ...balanceConditions({ currency })])}
    group by currency, reporting_category order by currency, reporting_category`.execute(db);
  return rows.map((r) => ({ currency: r.currency, reportingCategory: r.reporting_category, count: Number(r.count), amount: Number(r.amount), fee: Number(r.fee), net: Number(r.net) }));
}
