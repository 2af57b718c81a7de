import { PassThrough, type Readable, type Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { ReportColumnKind, ReportFormat } from '../../../shared/contracts/reports.js';

/**
 * Streaming writers for report files: rows go out as they come, nothing is kept beyond the current batch.
 * Cells arrive as strings already formatted for the file (amounts in major units, ISO timestamps) or null;
 * the column kind decides quoting, numbers and formula neutralisation. docs/decisions/011-report-formats.md.
 */

export type Cell = string | null;

export interface WriterColumn {
  header: string;
  kind: ReportColumnKind;
}

export interface ReportWriter {
  /** The bytes to store (gzip applied when asked). */
  readonly output: Readable;
  /** Writes a batch of rows; resolves when the output can take more (backpressure). */
  write(rows: Cell[][]): Promise<void>;
  /** CSV only: whole lines already written by PostgreSQL with the same rules (reports.repository.ts findExportCsvBatch). */
  writeLines?(text: string): Promise<void>;
  /** Ends the file; the output then ends. */
  end(): Promise<void>;
  /** Aborts: the output errors and whatever was stored is discarded by the storage. */
  abort(error: Error): void;
}

const FORMULA_START = /^[=+\-@\t\r\n]/;

/**
 * A text cell a spreadsheet would read as a formula (=, +, -, @, or a leading tab, CR or LF that some
 * programs skip before one) gets a leading apostrophe, OWASP's advice for CSV injection. Amounts and
 * numbers are not text, so a refund of -5.00 stays a number.
 */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled. Amounts, integers and
 * timestamps are formatted by us and never hold one, so only text is examined (a million rows, ten cells each).
 */
export function csvField(value: Cell, kind: ReportColumnKind): string {
  if (value === null) return '';
  if (kind !== 'text') return value;
  const text = neutraliseFormula(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: Cell[], kinds: ReportColumnKind[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) line += (i ? ',' : '') + csvField(cells[i]!, kinds[i]!);
  return line + '\r\n';
}

function jsonValue(value: Cell, kind: ReportColumnKind): string {
  if (value === null) return 'null';
  // Major-unit decimals are written as JSON numbers exactly as formatted (no float round trip).
  if (kind === 'amount' || kind === 'integer') return value;
  return JSON.stringify(value);
}

function waitForDrain(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => (stream.off('error', onError), resolve());
    const onError = (error: Error) => (stream.off('drain', onDrain), reject(error));
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}

async function writeText(sink: Writable, text: string) {
  if (!text) return;
  if (!sink.write(text)) await waitForDrain(sink);
}

function endStream(sink: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    sink.once('error', reject);
    sink.end(() => resolve());
  });
}

export interface WriterOptions {
  format: ReportFormat;
  columns: WriterColumn[];
  /** CSV and JSON Lines only (XLSX is a zip already). */
  gzip?: boolean;
  /** CSV only: a UTF-8 byte order mark first, so Excel reads the file as UTF-8. */
  bom?: boolean;
}

export function createReportWriter(options: WriterOptions): ReportWriter {
  if (options.format === 'xlsx') return xlsxWriter(options.columns);
  const sink: PassThrough | ReturnType<typeof createGzip> = options.gzip ? createGzip() : new PassThrough();
  const kinds = options.columns.map((c) => c.kind);
  let started = false;
  const start = () => {
    if (started) return '';
    started = true;
    if (options.format === 'csv') return (options.bom ? '\uFEFF' : '') + csvLine(options.columns.map((c) => c.header), options.columns.map(() => 'text'));
    return '';
  };
  const keys = options.columns.map((c) => JSON.stringify(c.header));
  const line = options.format === 'csv'
    ? (cells: Cell[]) => csvLine(cells, kinds)
    : (cells: Cell[]) => {
        let out = '{';
        for (let i = 0; i < cells.length; i++) out += (i ? ',' : '') + keys[i] + ':' + jsonValue(cells[i]!, kinds[i]!);
        return out + '}\n';
      };
  return {
    output: sink,
    async write(rows) {
      let text = start();
      for (const row of rows) text += line(row);
      await writeText(sink, text);
    },
    ...(options.format === 'csv' ? { writeLines: (text: string) => writeText(sink, start() + text) } : {}),
    async end() {
      await writeText(sink, start());
      await endStream(sink);
    },
    abort(error) {
      sink.destroy(error);
    },
  };
}

/** exceljs's streaming WorkbookWriter: each row is committed (serialised and released) as it is added. */
function xlsxWriter(columns: WriterColumn[]): ReportWriter {
  const sink = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Report');
  sheet.addRow(columns.map((c) => c.header)).commit();
  const kinds = columns.map((c) => c.kind);
  const value = (cell: Cell, kind: ReportColumnKind) => {
    if (cell === null) return null;
    if (kind === 'amount' || kind === 'integer') return Number(cell);
    return kind === 'text' ? neutraliseFormula(cell) : cell;
  };
  return {
    output: sink,
    async write(rows) {
      for (const row of rows) sheet.addRow(row.map((cell, i) => value(cell, kinds[i]!))).commit();
      // The zip stream behind the sheet writes into `sink`; wait while the storage has not read it yet.
      if (sink.writableNeedDrain) await waitForDrain(sink);
    },
    async end() {
      sheet.commit();
      await workbook.commit();
    },
    abort(error) {
      sink.destroy(error);
    },
  };
}

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function fileExtension(format: ReportFormat, gzip: boolean): string {
  return format === 'xlsx' ? 'xlsx' : `${format}${gzip ? '.gz' : ''}`;
}
