import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { CURRENCIES, isSupportedCurrency, parseMajorUnits, toMajorUnitString } from '../../shared/money';
import { Button } from './button';
import { Field } from './field';
import { Input, Select } from './input';
import { formatDate } from '../lib/format';
import { DATE_PRESET_LABELS, DATE_PRESETS, type DatePreset } from '../lib/date-range';
import { FilterPopover } from './popover';

const CURRENCY_CODES = Object.keys(CURRENCIES).sort();

/** Common search-param shape of the filtered lists (payments and refunds). */
export interface RangeFilters {
  date?: DatePreset;
  from?: string;
  to?: string;
  amountMin?: string;
  amountMax?: string;
  currency?: string;
}

function dayLabel(day: string) {
  const [y, m, d] = day.split('-').map(Number);
  return formatDate(Date.UTC(y, m - 1, d) / 1000, 'UTC');
}

function dateSummary(f: RangeFilters): string | undefined {
  if (!f.date || f.date === 'all') return undefined;
  if (f.date !== 'custom') return DATE_PRESET_LABELS[f.date];
  if (f.from && f.to) return `${dayLabel(f.from)} – ${dayLabel(f.to)}`;
  if (f.from) return `From ${dayLabel(f.from)}`;
  if (f.to) return `Until ${dayLabel(f.to)}`;
  return undefined;
}

/**
 * "USD 100.00 – 150.00": an amount range always belongs to one currency, named in the chip; without a
 * currency there is no amount filter (minor units of different currencies are not comparable).
 */
export function amountSummary(f: RangeFilters): string | undefined {
  if (!f.currency || !isSupportedCurrency(f.currency)) return undefined;
  const currency = f.currency;
  const show = (text: string) => {
    const minor = parseMajorUnits(text, currency);
    return minor === null ? text : toMajorUnitString(minor, currency);
  };
  const code = currency.toUpperCase();
  if (f.amountMin && f.amountMax) return `${code} ${show(f.amountMin)} – ${show(f.amountMax)}`;
  if (f.amountMin) return `≥ ${code} ${show(f.amountMin)}`;
  if (f.amountMax) return `≤ ${code} ${show(f.amountMax)}`;
  return undefined;
}

function PanelActions({ onClear, children }: { onClear?: () => void; children?: ReactNode }) {
  return (
    <div className="mt-3 flex items-center justify-between gap-2 border-t border-slate-100 pt-3">
      {onClear ? <Button size="sm" variant="ghost" onClick={onClear}>Clear</Button> : <span />}
      {children ?? <Button size="sm" variant="primary" type="submit">Apply</Button>}
    </div>
  );
}

/** Status checkboxes apply as they are ticked. */
export function StatusFilter<S extends string>({
  statuses,
  labels,
  selected,
  onChange,
  legend = 'Show payments that are',
}: {
  legend?: string;
  statuses: readonly S[];
  labels: Record<S, string>;
  selected: S[];
  onChange: (next: S[]) => void;
}) {
  const summary = selected.length === 0 ? undefined : selected.length <= 2 ? selected.map((s) => labels[s]).join(', ') : `${selected.length} statuses`;
  // Ticks follow the click at once; the URL (the source of truth) catches up after the navigation.
  const [ticked, setTicked] = useState(selected);
  const selectedKey = selected.join(',');
  // Keyed by the list's value, not the array's identity (a new array on every render).
  useEffect(() => setTicked(selected), [selectedKey]);
  const change = (next: S[]) => {
    setTicked(next);
    onChange(next);
  };
  return (
    <FilterPopover label="Status" value={summary}>
      {(close) => (
        <fieldset>
          <legend className="mb-2 text-xs font-medium text-slate-500">{legend}</legend>
          <div className="space-y-0.5">
            {statuses.map((status) => (
              <label key={status} className="flex cursor-pointer items-center gap-2.5 rounded-md px-1.5 py-1.5 text-sm text-slate-700 hover:bg-slate-50">
                <input
                  type="checkbox"
                  className="size-4 accent-brand-600"
                  checked={ticked.includes(status)}
                  onChange={(event) => change(event.target.checked ? statuses.filter((s) => s === status || ticked.includes(s)) : ticked.filter((s) => s !== status))}
                />
                {labels[status]}
              </label>
            ))}
          </div>
          <PanelActions onClear={ticked.length ? () => change([]) : undefined}>
            <Button size="sm" onClick={close}>Done</Button>
          </PanelActions>
        </fieldset>
      )}
    </FilterPopover>
  );
}

export function DateFilter({ value, onChange }: { value: RangeFilters; onChange: (patch: Pick<RangeFilters, 'date' | 'from' | 'to'>) => void }) {
  return (
    <FilterPopover label="Date" value={dateSummary(value)}>
      {(close) => <DatePanel value={value} onApply={(patch) => { onChange(patch); close(); }} />}
    </FilterPopover>
  );
}

function DatePanel({ value, onApply }: { value: RangeFilters; onApply: (patch: Pick<RangeFilters, 'date' | 'from' | 'to'>) => void }) {
  const [preset, setPreset] = useState<DatePreset>(value.date ?? 'all');
  const [from, setFrom] = useState(value.from ?? '');
  const [to, setTo] = useState(value.to ?? '');
  const [error, setError] = useState<string | null>(null);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (preset !== 'custom') return onApply({ date: preset === 'all' ? undefined : preset, from: undefined, to: undefined });
    if (!from && !to) return setError('Choose a start date, an end date or both.');
    if (from && to && from > to) return setError('The start date is after the end date.');
    onApply({ date: 'custom', from: from || undefined, to: to || undefined });
  }
  return (
    <form onSubmit={submit} noValidate>
      <fieldset>
        <legend className="mb-2 text-xs font-medium text-slate-500">Created</legend>
        <div className="space-y-0.5">
          {DATE_PRESETS.map((p) => (
            <label key={p} className="flex cursor-pointer items-center gap-2.5 rounded-md px-1.5 py-1.5 text-sm text-slate-700 hover:bg-slate-50">
              <input type="radio" name="date-preset" className="size-4 accent-brand-600" checked={preset === p} onChange={() => { setPreset(p); setError(null); }} />
              {DATE_PRESET_LABELS[p]}
            </label>
          ))}
        </div>
      </fieldset>
      {preset === 'custom' && (
        <div className="mt-2 grid grid-cols-2 gap-2">
          <Field label="From"><Input type="date" value={from} max={to || undefined} onChange={(e) => { setFrom(e.target.value); setError(null); }} /></Field>
          <Field label="To"><Input type="date" value={to} min={from || undefined} onChange={(e) => { setTo(e.target.value); setError(null); }} /></Field>
        </div>
      )}
      {error && <p role="alert" className="mt-2 text-[13px] text-red-600">{error}</p>}
      <PanelActions onClear={value.date ? () => onApply({ date: undefined, from: undefined, to: undefined }) : undefined} />
    </form>
  );
}

type AmountPatch = Pick<RangeFilters, 'amountMin' | 'amountMax' | 'currency'>;

/** An amount range in one currency: the panel asks for the currency with the bounds. */
export function AmountFilter({ value, defaultCurrency, onChange }: { value: RangeFilters; defaultCurrency: string; onChange: (patch: AmountPatch) => void }) {
  return (
    <FilterPopover label="Amount" value={amountSummary(value)}>
      {(close) => <AmountPanel value={value} defaultCurrency={defaultCurrency} onApply={(patch) => { onChange(patch); close(); }} />}
    </FilterPopover>
  );
}

function AmountPanel({ value, defaultCurrency, onApply }: { value: RangeFilters; defaultCurrency: string; onApply: (patch: AmountPatch) => void }) {
  const [currency, setCurrency] = useState(value.currency ?? defaultCurrency);
  const [min, setMin] = useState(value.amountMin ?? '');
  const [max, setMax] = useState(value.amountMax ?? '');
  const [errors, setErrors] = useState<{ min?: string; max?: string; currency?: string }>({});
  const known = isSupportedCurrency(currency);
  const example = known ? toMajorUnitString(1999 * 10 ** Math.max(0, CURRENCIES[currency].exponent - 2), currency) : '19.99';
  function submit(event: FormEvent) {
    event.preventDefault();
    const next: typeof errors = {};
    if (!known) next.currency = 'Choose the currency of the amounts.';
    const minMinor = known && min.trim() ? parseMajorUnits(min, currency) : undefined;
    const maxMinor = known && max.trim() ? parseMajorUnits(max, currency) : undefined;
    const invalid = `Enter an amount in ${currency.toUpperCase()}, like ${example}.`;
    if (minMinor === null) next.min = invalid;
    if (maxMinor === null) next.max = invalid;
    if (!next.min && !next.max && minMinor != null && maxMinor != null && minMinor > maxMinor) next.max = 'The maximum is below the minimum.';
    setErrors(next);
    if (next.min || next.max || next.currency) return;
    if (!min.trim() && !max.trim()) return onApply({ amountMin: undefined, amountMax: undefined });
    onApply({ amountMin: min.trim() || undefined, amountMax: max.trim() || undefined, currency });
  }
  return (
    <form onSubmit={submit} noValidate className="space-y-2">
      <Field label="Currency" error={errors.currency} hint="An amount range applies to one currency.">
        <Select value={currency} onChange={(e) => { setCurrency(e.target.value); setErrors({}); }}>
          {CURRENCY_CODES.map((c) => <option key={c} value={c}>{c.toUpperCase()}</option>)}
        </Select>
      </Field>
      <div className="grid grid-cols-2 gap-2">
        <Field label="Minimum" error={errors.min}><Input inputMode="decimal" value={min} onChange={(e) => setMin(e.target.value)} placeholder="0" /></Field>
        <Field label="Maximum" error={errors.max}><Input inputMode="decimal" value={max} onChange={(e) => setMax(e.target.value)} placeholder="Any" /></Field>
      </div>
      <PanelActions onClear={value.amountMin || value.amountMax ? () => onApply({ amountMin: undefined, amountMax: undefined }) : undefined} />
    </form>
  );
}

/** The currency filter; removing it removes an amount range too, which only means something in one currency. */
export function CurrencyFilter({ value, onChange }: { value?: string; onChange: (patch: AmountPatch) => void }) {
  return (
    <FilterPopover label="Currency" value={value?.toUpperCase()}>
      {(close) => (
        <Field label="Currency">
          <Select
            value={value ?? ''}
            onChange={(e) => {
              const currency = e.target.value || undefined;
              onChange(currency ? { currency } : { currency, amountMin: undefined, amountMax: undefined });
              close();
            }}
          >
            <option value="">Any currency</option>
            {CURRENCY_CODES.map((c) => <option key={c} value={c}>{c.toUpperCase()}</option>)}
          </Select>
        </Field>
      )}
    </FilterPopover>
  );
}

/** A one-field text filter with its own validation (card last 4, customer). */
export function TextFilter({
  label,
  fieldLabel,
  value,
  placeholder,
  validate,
  inputMode,
  onChange,
}: {
  label: string;
  fieldLabel: string;
  value?: string;
  placeholder?: string;
  validate?: (text: string) => string | null;
  inputMode?: 'numeric' | 'text' | 'email';
  onChange: (value: string | undefined) => void;
}) {
  return (
    <FilterPopover label={label} value={value}>
      {(close) => <TextPanel fieldLabel={fieldLabel} value={value} placeholder={placeholder} validate={validate} inputMode={inputMode} onApply={(v) => { onChange(v); close(); }} />}
    </FilterPopover>
  );
}

function TextPanel({ fieldLabel, value, placeholder, validate, inputMode, onApply }: { fieldLabel: string; value?: string; placeholder?: string; validate?: (text: string) => string | null; inputMode?: 'numeric' | 'text' | 'email'; onApply: (v: string | undefined) => void }) {
  const [text, setText] = useState(value ?? '');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const v = text.trim();
        const problem = v ? validate?.(v) ?? null : null;
        setError(problem);
        if (!problem) onApply(v || undefined);
      }}
    >
      <Field label={fieldLabel} error={error}>
        <Input value={text} inputMode={inputMode} placeholder={placeholder} onChange={(e) => { setText(e.target.value); setError(null); }} />
      </Field>
      <PanelActions onClear={value ? () => onApply(undefined) : undefined} />
    </form>
  );
}

