import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import {
  MAX_MONTH_DAY,
  REPORT_SCHEDULE_FREQUENCIES,
  REPORT_SCHEDULE_FREQUENCY_LABELS,
  WEEKDAY_LABELS,
  type ReportScheduleFrequency,
  type ReportScheduleInput,
  type ReportScheduleView,
} from '../../../shared/contracts/report-schedules';
import { REPORT_FORMAT_LABELS, REPORT_FORMATS, type ReportFormat, type ReportTypeId, type ReportTypeView } from '../../../shared/contracts/reports';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { Card, CardHeader } from '../../components/card';
import { EmptyState } from '../../components/empty-state';
import { Field } from '../../components/field';
import { FormDialog } from '../../components/form-dialog';
import { Icon } from '../../components/icons';
import { Input, Select } from '../../components/input';
import { toast } from '../../components/toast';
import { errorMessage, serverFieldErrors } from '../../lib/errors';
import { formatDate, formatDateTime, timeZoneOptions } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { ColumnPicker } from './column-picker';

/** When a schedule runs and what each run covers, in words. */
function cadenceText(s: Pick<ReportScheduleView, 'frequency' | 'weekday' | 'monthDay'>): string {
  if (s.frequency === 'weekly') return `Every ${WEEKDAY_LABELS[(s.weekday ?? 1) - 1]}, the 7 days before`;
  if (s.frequency === 'monthly') return `Monthly on day ${s.monthDay}, the month before`;
  return 'Daily, the day before';
}

const filtersText = (filters: Record<string, unknown>) => Object.entries(filters).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`).join(' · ');

const RUN_TONES = { pending: 'neutral', running: 'info', succeeded: 'success', failed: 'danger' } as const;
const RUN_LABELS = { pending: 'Queued', running: 'Running', succeeded: 'Sent', failed: 'Failed' } as const;

/** An export form's settings to start a new schedule from ("Schedule this export"). */
export type ScheduleDraft = Pick<ReportScheduleInput, 'reportType' | 'columns' | 'format' | 'gzip' | 'timezone' | 'filters'>;

/** The Reports page's scheduled exports: the list with next and last runs, and create, edit, pause, delete. */
export function ReportSchedules({ types, zone, draft, onDraftClosed }: { types: ReportTypeView[]; zone: string; draft?: ScheduleDraft | null; onDraftClosed?: () => void }) {
  const queryClient = useQueryClient();
  const schedules = useQuery(trpc.reports.schedules.list.queryOptions());
  const [editing, setEditing] = useState<ReportScheduleView | 'new' | null>(null);
  const [deleting, setDeleting] = useState<ReportScheduleView | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.reports.schedules.list.queryKey() });
  const pause = useMutation(trpc.reports.schedules.pause.mutationOptions({
    onSuccess: async (s) => { toast.success(s.paused ? 'Schedule paused' : 'Schedule resumed'); await refresh(); },
    onError: (error) => toast.error(errorMessage(error)),
  }));
  const remove = useMutation(trpc.reports.schedules.delete.mutationOptions({
    onSuccess: async () => { toast.success('Schedule deleted'); setDeleting(null); await refresh(); },
  }));

  return (
    <Card className="overflow-hidden">
      <CardHeader
        title="Scheduled exports"
        description="A saved report that runs daily, weekly or monthly; each run covers the whole previous period in its time zone and mails its link to the members you choose."
        actions={<Button variant="primary" size="sm" onClick={() => setEditing('new')}>New schedule</Button>}
      />
      {schedules.data && schedules.data.length === 0 ? (
        <EmptyState icon={<Icon name="reports" />} title="No scheduled exports" description="Schedule a report to get its file by email every day, week or month." />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" aria-label="Scheduled exports">
            <thead className="bg-slate-50 text-left text-xs font-medium text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2">Schedule</th>
                <th scope="col" className="px-4 py-2">Next run</th>
                <th scope="col" className="px-4 py-2">Last runs</th>
                <th scope="col" className="px-4 py-2 text-right"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {(schedules.data ?? []).map((s) => (
                <tr key={s.id} data-schedule={s.id} className="align-top">
                  <td className="px-4 py-3">
                    <p className="font-medium text-slate-900">{s.name} <span className="text-xs font-normal text-slate-500 uppercase">{s.format}{s.gzip ? '.gz' : ''}</span></p>
                    <p className="text-xs text-slate-600">{s.reportName} · {cadenceText(s)} · {s.timezone}</p>
                    <p className="text-xs text-slate-500">To: {s.recipients.map((r) => r.email).join(', ') || 'nobody (edit to choose members)'}</p>
                    {Object.keys(s.filters).length > 0 && <p className="text-xs text-slate-500">Filters: {filtersText(s.filters)}</p>}
                  </td>
                  <td className="px-4 py-3 text-xs text-slate-700">
                    {s.paused || s.nextRunAt === null ? <Badge tone="neutral">Paused</Badge> : formatDateTime(s.nextRunAt, s.timezone)}
                  </td>
                  <td className="px-4 py-3">
                    {s.lastRuns.length === 0 ? <span className="text-xs text-slate-500">Not run yet</span> : (
                      <ul className="space-y-1">
                        {s.lastRuns.map((r) => (
                          <li key={r.runId} className="flex items-center gap-2 text-xs text-slate-600">
                            <Badge tone={RUN_TONES[r.status]}>{r.status === 'succeeded' && !r.mailedAt ? 'Ready' : RUN_LABELS[r.status]}</Badge>
                            {formatDate(r.periodStart, s.timezone)}{r.periodEnd - r.periodStart > 90_000 ? ` – ${formatDate(r.periodEnd - 1, s.timezone)}` : ''}
                            {r.status === 'succeeded' && <span className="tabular-nums">· {r.rowsWritten.toLocaleString()} rows</span>}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="px-4 py-3 text-right whitespace-nowrap">
                    <div className="flex justify-end gap-2">
                      <Button size="sm" onClick={() => setEditing(s)}>Edit</Button>
                      <Button size="sm" loading={pause.isPending && pause.variables?.id === s.id} onClick={() => pause.mutate({ id: s.id, paused: !s.paused })}>{s.paused ? 'Resume' : 'Pause'}</Button>
                      <Button size="sm" variant="danger" onClick={() => setDeleting(s)}>Delete</Button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && <ScheduleDialog key={editing === 'new' ? 'new' : editing.id} schedule={editing === 'new' ? null : editing} types={types} zone={zone} onClose={() => setEditing(null)} onSaved={refresh} />}
      {draft && !editing && <ScheduleDialog key="draft" schedule={null} draft={draft} types={types} zone={zone} onClose={() => onDraftClosed?.()} onSaved={refresh} />}
      <FormDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete this scheduled export?"
        description={deleting ? `"${deleting.name}" stops running. Files it already made stay in the recent exports until they expire.` : undefined}
        submitLabel="Delete schedule"
        submitVariant="danger"
        busy={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
        onSubmit={() => deleting && remove.mutate({ id: deleting.id })}
      />
    </Card>
  );
}

function ScheduleDialog({ schedule, draft, types, zone, onClose, onSaved }: {
  schedule: ReportScheduleView | null; draft?: ScheduleDraft; types: ReportTypeView[]; zone: string; onClose: () => void; onSaved: () => Promise<unknown>;
}) {
  const initial = schedule ?? draft;
  const recipients = useQuery(trpc.reports.schedules.recipients.queryOptions());
  const zones = useMemo(() => timeZoneOptions(), []);
  const [name, setName] = useState(schedule?.name ?? '');
  const [typeId, setTypeId] = useState<ReportTypeId>(initial?.reportType ?? 'payments.itemized.1');
  const type = types.find((t) => t.id === typeId)!;
  const [columns, setColumns] = useState<string[]>(initial?.columns ?? type.lastColumns ?? type.defaultColumns);
  const [format, setFormat] = useState<ReportFormat>(initial?.format ?? 'csv');
  const [gzip, setGzip] = useState(initial?.gzip ?? false);
  const [timezone, setTimezone] = useState(initial?.timezone ?? zone);
  const [frequency, setFrequency] = useState<ReportScheduleFrequency>(schedule?.frequency ?? 'daily');
  const [weekday, setWeekday] = useState(schedule?.weekday ?? 1);
  const [monthDay, setMonthDay] = useState(schedule?.monthDay ?? 1);
  const [chosen, setChosen] = useState<string[]>(schedule?.recipients.map((r) => r.userId) ?? []);
  const [typeTouched, setTypeTouched] = useState(false);
  const filters = initial?.filters && Object.keys(initial.filters).length ? initial.filters : undefined;

  useEffect(() => {
    if (typeTouched) setColumns(type.lastColumns ?? type.defaultColumns);
  }, [typeId]); // eslint-disable-line react-hooks/exhaustive-deps

  const done = async () => { toast.success(schedule ? 'Schedule saved' : 'Schedule created'); await onSaved(); onClose(); };
  const create = useMutation(trpc.reports.schedules.create.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.reports.schedules.update.mutationOptions({ onSuccess: done }));
  const save = schedule ? update : create;
  const submit = (input: ReportScheduleInput) => (schedule ? update.mutate({ id: schedule.id, schedule: input }) : create.mutate(input));
  const errors = save.error ? serverFieldErrors(save.error) : {};
  const fieldError = (key: string) => errors[key] ?? errors[`schedule.${key}`];
  const known = ['name', 'columns', 'weekday', 'monthDay', 'recipients', 'timezone', 'gzip'];
  const formError = save.error && !known.some((k) => fieldError(k)) ? errorMessage(save.error) : null;

  return (
    <FormDialog
      open
      onClose={onClose}
      size="lg"
      title={schedule ? 'Edit scheduled export' : 'New scheduled export'}
      description="Each run covers the whole previous period (yesterday, the 7 days before, the month before) up to midnight in the chosen time zone."
      submitLabel={schedule ? 'Save schedule' : 'Create schedule'}
      busy={save.isPending}
      error={formError}
      onSubmit={() => submit({
        name, reportType: typeId, columns, format, gzip: format !== 'xlsx' && gzip, timezone, frequency, recipients: chosen,
        weekday: frequency === 'weekly' ? weekday : null, monthDay: frequency === 'monthly' ? monthDay : null,
        filters: filters && initial?.reportType === typeId ? filters : undefined,
      })}
    >
      <div className="space-y-4">
        <Field label="Name" error={fieldError('name')}>
          <Input value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="e.g. Daily payments for accounting" />
        </Field>
        <Field label="Report" hint={type.description}>
          <Select value={typeId} onChange={(e) => { setTypeTouched(true); setTypeId(e.target.value as ReportTypeId); }}>
            {types.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </Select>
        </Field>
        {filters && initial?.reportType === typeId && (
          <p className="text-sm text-slate-700" aria-label="Schedule filters">
            Filters: {filtersText(filters)}
          </p>
        )}
        <div className="grid grid-cols-2 gap-3">
          <Field label="Runs">
            <Select value={frequency} onChange={(e) => setFrequency(e.target.value as ReportScheduleFrequency)}>
              {REPORT_SCHEDULE_FREQUENCIES.map((f) => <option key={f} value={f}>{REPORT_SCHEDULE_FREQUENCY_LABELS[f]}</option>)}
            </Select>
          </Field>
          {frequency === 'weekly' && (
            <Field label="On" error={fieldError('weekday')}>
              <Select value={String(weekday)} onChange={(e) => setWeekday(Number(e.target.value))}>
                {WEEKDAY_LABELS.map((label, i) => <option key={label} value={i + 1}>{label}</option>)}
              </Select>
            </Field>
          )}
          {frequency === 'monthly' && (
            <Field label="On day" error={fieldError('monthDay')}>
              <Select value={String(monthDay)} onChange={(e) => setMonthDay(Number(e.target.value))}>
                {Array.from({ length: MAX_MONTH_DAY }, (_, i) => <option key={i} value={i + 1}>{i + 1}</option>)}
              </Select>
            </Field>
          )}
        </div>
        <Field label="Time zone" hint="Periods end at midnight here; times in the file are in this zone." error={fieldError('timezone')}>
          <Select value={timezone} onChange={(e) => setTimezone(e.target.value)}>
            {zones.map((z) => <option key={z.value} value={z.value}>{z.label}</option>)}
          </Select>
        </Field>
        <div className="grid grid-cols-2 gap-3">
          <Field label="Format">
            <Select value={format} onChange={(e) => setFormat(e.target.value as ReportFormat)}>
              {REPORT_FORMATS.map((f) => <option key={f} value={f}>{REPORT_FORMAT_LABELS[f]}</option>)}
            </Select>
          </Field>
          <label className="flex items-center gap-1.5 self-end pb-2 text-sm text-slate-700">
            <input type="checkbox" className="size-4 accent-brand-600" checked={format !== 'xlsx' && gzip} disabled={format === 'xlsx'} onChange={(e) => setGzip(e.target.checked)} />
            Compress (gzip)
          </label>
        </div>
        <ColumnPicker type={type} columns={columns} onChange={setColumns} error={fieldError('columns')} />
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">Send to</legend>
          <p className="text-xs text-slate-500">Members whose role may read reports (owner, administrator, finance).</p>
          <div className="mt-1.5 space-y-1">
            {(recipients.data ?? []).map((m) => (
              <label key={m.userId} className="flex items-center gap-1.5 text-sm text-slate-700">
                <input type="checkbox" className="size-4 accent-brand-600" checked={chosen.includes(m.userId)}
                  onChange={() => setChosen((c) => (c.includes(m.userId) ? c.filter((x) => x !== m.userId) : [...c, m.userId]))} />
                {m.name} <span className="text-slate-500">{m.email}</span>
              </label>
            ))}
          </div>
          {fieldError('recipients') && <p className="mt-1 text-[13px] text-red-600">{fieldError('recipients')}</p>}
        </fieldset>
      </div>
    </FormDialog>
  );
}
