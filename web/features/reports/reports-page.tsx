import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  REPORT_FORMAT_LABELS,
  REPORT_FORMATS,
  type ReportFormat,
  type ReportRunView,
  type ReportTypeId,
  type ReportTypeView,
} from '../../../shared/contracts/reports';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { Card, CardBody, CardHeader, PageHeader } from '../../components/card';
import { EmptyState } from '../../components/empty-state';
import { Field, FormError } from '../../components/field';
import { Icon } from '../../components/icons';
import { Input, Select } from '../../components/input';
import { toast } from '../../components/toast';
import { dayIn } from '../../lib/date-range';
import { errorMessage, serverFieldErrors } from '../../lib/errors';
import { formatDateTime, timeZoneOptions } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { useSession } from '../../lib/use-session';
import { ColumnPicker } from './column-picker';
import { ReportSchedules, type ScheduleDraft } from './report-schedules';
import type { ReportsSearch } from './reports-search';

/** The first day of last month and of this month (YYYY-MM-DD) in the zone: the default range. */
function lastMonth(zone: string): { start: string; end: string } {
  const [y, m] = dayIn(zone).split('-').map(Number) as [number, number];
  const pad = (n: number) => String(n).padStart(2, '0');
  const end = `${y}-${pad(m)}-01`;
  const start = m === 1 ? `${y - 1}-12-01` : `${y}-${pad(m - 1)}-01`;
  return { start, end };
}

function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const FILTER_LABELS: Record<string, string> = {
  status: 'Status', amountMin: 'Min amount', amountMax: 'Max amount', currency: 'Currency', last4: 'Card last 4', customer: 'Customer', q: 'Search', payment: 'Payment',
  payment_intent: 'Payment', charge: 'Charge',
};

function filterText(key: string, value: unknown): string {
  return `${FILTER_LABELS[key] ?? key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`;
}

export function ReportsPage({ search }: { search: ReportsSearch }) {
  const session = useSession()!;
  const zone = session.merchant!.timezone;
  const types = useQuery(trpc.reports.types.queryOptions());
  const [draft, setDraft] = useState<ScheduleDraft | null>(null);
  const runs = useQuery({
    ...trpc.reports.list.queryOptions({ limit: 20 }),
    // A live progress bar while anything is queued or running.
    refetchInterval: (q) => (q.state.data?.some((r) => r.status === 'pending' || r.status === 'running') ? 1000 : false),
  });

  return (
    <>
      <PageHeader title="Reports" description="Export payments, refunds, customers, disputes and the balance as CSV, JSON Lines or Excel, now or on a schedule. Files are kept for 7 days." />
      <div className="grid gap-6 xl:grid-cols-[minmax(0,26rem)_minmax(0,1fr)]">
        <Card>
          <CardHeader title="New export" />
          <CardBody>
            {types.data ? (
              <ExportForm key={`${search.type ?? ''}:${JSON.stringify(search.filters ?? {})}`} types={types.data} search={search} zone={zone} onSchedule={setDraft} />
            ) : types.isError ? (
              <FormError message={errorMessage(types.error)} />
            ) : (
              <p className="text-sm text-slate-500">Loading…</p>
            )}
          </CardBody>
        </Card>
        <Card className="overflow-hidden">
          <CardHeader title="Recent exports" />
          {runs.data && runs.data.length === 0 ? (
            <EmptyState icon={<Icon name="reports" />} title="No exports yet" description="Start one with the form; it appears here with its progress." />
          ) : (
            <RunsTable runs={runs.data ?? []} zone={zone} />
          )}
        </Card>
      </div>
      {types.data && <div className="mt-6"><ReportSchedules types={types.data} zone={zone} draft={draft} onDraftClosed={() => setDraft(null)} /></div>}
    </>
  );
}

function ExportForm({ types, search, zone, onSchedule }: { types: ReportTypeView[]; search: ReportsSearch; zone: string; onSchedule: (draft: ScheduleDraft) => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const initialType = search.type ?? 'payments.itemized.1';
  const [typeId, setTypeId] = useState<ReportTypeId>(initialType);
  const type = types.find((t) => t.id === typeId)!;
  const defaults = lastMonth(zone);
  // A list's own date range becomes the report's range; its other filters travel as they are.
  const carried = search.type === typeId ? (search.filters ?? {}) : {};
  const { from, to, ...listFilters } = carried as Record<string, unknown>;
  // From a list, the export covers what the list shows: its date range, or all time when it has none.
  const fromList = search.type === typeId && search.filters !== undefined;
  const [start, setStart] = useState(typeof from === 'string' ? from.slice(0, 10) : fromList ? '' : defaults.start);
  const [end, setEnd] = useState(typeof to === 'string' ? to.slice(0, 10) : fromList ? '' : defaults.end);
  const [timezone, setTimezone] = useState(zone);
  const [format, setFormat] = useState<ReportFormat>('csv');
  const [gzip, setGzip] = useState(false);
  const [bom, setBom] = useState(false);
  const [filters, setFilters] = useState<Record<string, unknown>>(listFilters);
  const [columns, setColumns] = useState<string[]>(type.lastColumns ?? type.defaultColumns);
  const zones = useMemo(() => timeZoneOptions(), []);

  useEffect(() => {
    setColumns(type.lastColumns ?? type.defaultColumns);
    if (search.type !== typeId) setFilters({});
  }, [typeId]); // eslint-disable-line react-hooks/exhaustive-deps

  const create = useMutation(trpc.reports.create.mutationOptions({
    onSuccess: async () => {
      toast.success('Export started');
      await queryClient.invalidateQueries({ queryKey: trpc.reports.list.queryKey() });
      await queryClient.invalidateQueries({ queryKey: trpc.reports.types.queryKey() });
      if (search.filters) void navigate({ to: '/reports', search: {}, replace: true });
    },
  }));
  const fieldErrors = create.error ? serverFieldErrors(create.error) : {};

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      reportType: typeId,
      intervalStart: start || undefined,
      intervalEnd: end || undefined,
      timezone,
      columns,
      format,
      gzip: format !== 'xlsx' && gzip,
      bom: format === 'csv' && bom,
      filters,
    });
  };

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="New export">
      <Field label="Report" hint={type.description}>
        <Select value={typeId} onChange={(e) => setTypeId(e.target.value as ReportTypeId)}>
          {types.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </Select>
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label="From" hint={!start && !end ? 'Empty: all time.' : undefined} error={fieldErrors.intervalStart}>
          <Input type="date" value={start} onChange={(e) => setStart(e.target.value)} />
        </Field>
        <Field label="To (not included)" error={fieldErrors.intervalEnd}>
          <Input type="date" value={end} onChange={(e) => setEnd(e.target.value)} />
        </Field>
      </div>
      <Field label="Time zone" hint="Dates above and times in the file are in this zone." error={fieldErrors.timezone}>
        <Select value={timezone} onChange={(e) => setTimezone(e.target.value)}>
          {zones.map((z) => <option key={z.value} value={z.value}>{z.label}</option>)}
        </Select>
      </Field>

      {Object.keys(filters).length > 0 && (
        <div>
          <p className="text-sm font-medium text-slate-800">Filters from the {type.list} list</p>
          <ul className="mt-1.5 flex flex-wrap gap-1.5" aria-label="Carried filters">
            {Object.entries(filters).map(([key, value]) => (
              <li key={key} className="inline-flex items-center gap-1 rounded-full bg-brand-50 px-2.5 py-1 text-xs text-brand-800 ring-1 ring-brand-600/20">
                {filterText(key, value)}
                <button type="button" className="ml-0.5 text-brand-700 hover:text-brand-900" aria-label={`Remove filter ${FILTER_LABELS[key] ?? key}`} onClick={() => setFilters(({ [key]: _, ...rest }) => rest)}>×</button>
              </li>
            ))}
          </ul>
          {fieldErrors.filters && <p className="mt-1 text-[13px] text-red-600">{fieldErrors.filters}</p>}
        </div>
      )}

      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Format</legend>
        <div className="mt-1.5 flex flex-wrap gap-x-4 gap-y-1.5">
          {REPORT_FORMATS.map((f) => (
            <label key={f} className="flex items-center gap-1.5 text-sm text-slate-700">
              <input type="radio" name="format" value={f} checked={format === f} onChange={() => setFormat(f)} className="size-4 accent-brand-600" />
              {REPORT_FORMAT_LABELS[f]}
            </label>
          ))}
        </div>
        <div className="mt-2 flex flex-wrap gap-x-4 gap-y-1.5">
          <label className="flex items-center gap-1.5 text-sm text-slate-700">
            <input type="checkbox" className="size-4 accent-brand-600" checked={format !== 'xlsx' && gzip} disabled={format === 'xlsx'} onChange={(e) => setGzip(e.target.checked)} />
            Compress (gzip)
          </label>
          <label className="flex items-center gap-1.5 text-sm text-slate-700">
            <input type="checkbox" className="size-4 accent-brand-600" checked={format === 'csv' && bom} disabled={format !== 'csv'} onChange={(e) => setBom(e.target.checked)} />
            Byte order mark for Excel
          </label>
        </div>
      </fieldset>

      <ColumnPicker type={type} columns={columns} onChange={setColumns} error={fieldErrors.columns} />

      <FormError message={create.error && Object.keys(fieldErrors).length === 0 ? errorMessage(create.error) : null} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="primary" loading={create.isPending} disabled={columns.length === 0}>Start export</Button>
        <Button disabled={columns.length === 0} onClick={() => onSchedule({ reportType: typeId, columns, format, gzip: format !== 'xlsx' && gzip, timezone, filters })}>Schedule this export…</Button>
      </div>
    </form>
  );
}

const STATUS_TONES = { pending: 'neutral', running: 'info', succeeded: 'success', failed: 'danger' } as const;
const STATUS_LABELS = { pending: 'Queued', running: 'Running', succeeded: 'Ready', failed: 'Failed' } as const;

function Progress({ run }: { run: ReportRunView }) {
  const total = run.rowsEstimate ?? 0;
  const pct = total > 0 ? Math.min(100, Math.round((run.rowsWritten / total) * 100)) : run.status === 'running' ? 0 : null;
  if (pct === null) return <span className="text-xs text-slate-500">Waiting for a worker…</span>;
  return (
    <div className="w-40">
      <div role="progressbar" aria-label={`Export progress ${run.id}`} aria-valuemin={0} aria-valuemax={total} aria-valuenow={run.rowsWritten}
        className="h-2 overflow-hidden rounded-full bg-slate-200">
        <div className="h-full rounded-full bg-brand-600 transition-[width]" style={{ width: `${pct}%` }} />
      </div>
      <p className="mt-1 text-xs text-slate-600 tabular-nums">{run.rowsWritten.toLocaleString()} of {total.toLocaleString()} rows</p>
    </div>
  );
}

function RunsTable({ runs, zone }: { runs: ReportRunView[]; zone: string }) {
  const queryClient = useQueryClient();
  const download = useMutation(trpc.reports.downloadLink.mutationOptions({
    onSuccess: ({ url }) => window.location.assign(url),
    onError: (error) => toast.error(errorMessage(error)),
  }));
  const retry = useMutation(trpc.reports.create.mutationOptions({
    onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.reports.list.queryKey() }),
    onError: (error) => toast.error(errorMessage(error)),
  }));
  const range = (r: ReportRunView) => {
    const day = (unix: number | null) => (unix === null ? '…' : formatDateTime(unix, r.timezone));
    return r.intervalStart === null && r.intervalEnd === null ? 'All time' : `${day(r.intervalStart)} – ${day(r.intervalEnd)}`;
  };
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">Recent exports, newest first</caption>
        <thead className="bg-slate-50 text-left text-xs font-medium text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2">Report</th>
            <th scope="col" className="px-4 py-2">Status</th>
            <th scope="col" className="px-4 py-2">Started</th>
            <th scope="col" className="px-4 py-2 text-right"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {runs.map((r) => (
            <tr key={r.id} data-run={r.id} className="align-top">
              <td className="px-4 py-3">
                <p className="font-medium text-slate-900">{r.reportName} <span className="text-xs font-normal text-slate-500 uppercase">{r.format}{r.gzip ? '.gz' : ''}</span></p>
                <p className="text-xs text-slate-600">{range(r)}</p>
                {Object.keys(r.filters).length > 0 && <p className="text-xs text-slate-500">{Object.entries(r.filters).map(([k, v]) => filterText(k, v)).join(' · ')}</p>}
              </td>
              <td className="px-4 py-3">
                <Badge tone={STATUS_TONES[r.status]}>{STATUS_LABELS[r.status]}</Badge>
                <div className="mt-1.5">
                  {(r.status === 'pending' || r.status === 'running') && <Progress run={r} />}
                  {r.status === 'succeeded' && r.file && <p className="text-xs text-slate-600 tabular-nums">{r.rowsWritten.toLocaleString()} rows · {fileSize(r.file.size)}</p>}
                  {r.status === 'failed' && <p className="max-w-64 text-xs text-red-700">{r.error}</p>}
                </div>
              </td>
              <td className="px-4 py-3 text-xs text-slate-600">
                {formatDateTime(r.created, zone)}
                {r.createdByEmail && <p>{r.createdByEmail}</p>}
              </td>
              <td className="px-4 py-3 text-right">
                {r.status === 'succeeded' && r.file && (
                  <Button size="sm" loading={download.isPending && download.variables?.id === r.id} onClick={() => download.mutate({ id: r.id })}>
                    Download
                  </Button>
                )}
                {r.status === 'failed' && (
                  <Button size="sm" loading={retry.isPending} onClick={() => retry.mutate({
                    reportType: r.reportType as ReportTypeId, timezone: r.timezone, columns: r.columns, format: r.format, gzip: r.gzip, filters: r.filters,
                    intervalStart: r.intervalStart === null ? undefined : new Date(r.intervalStart * 1000).toISOString(),
                    intervalEnd: r.intervalEnd === null ? undefined : new Date(r.intervalEnd * 1000).toISOString(),
                  })}>
                    Retry
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
