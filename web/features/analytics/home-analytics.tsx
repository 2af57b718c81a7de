import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { lazy, Suspense, useMemo, type ReactNode } from 'react';
import type { AnalyticsFigures, AnalyticsOverviewDto } from '../../../shared/contracts/analytics';
import { can } from '../../../shared/permissions';
import { Card } from '../../components/card';
import { Input, Select } from '../../components/input';
import { Skeleton } from '../../components/spinner';
import { Tooltip } from '../../components/tooltip';
import { cx, timeZoneOptions } from '../../lib/format';
import { money } from '../../lib/money';
import { trpc } from '../../lib/trpc';
import { useSession } from '../../lib/use-session';
import { deltaLabel, percent } from './analytics-format';
import { ANALYTICS_PRESET_LABELS, ANALYTICS_PRESETS, resolveHomeRange, type AnalyticsPreset, type HomeSearch } from './analytics-search';

const AnalyticsCharts = lazy(() => import('./analytics-charts'));

const GRANULARITY_LABELS = { minute: 'By minute', hour: 'Hourly', day: 'Daily', week: 'Weekly', month: 'Monthly' } as const;
const COMPARE_LABELS = { previous_period: 'Previous period', previous_year: 'Same period last year', none: 'No comparison' } as const;

/** Home's analytics: controls (all in the URL), key figures with their change, and the charts (Recharts, lazy). */
export function HomeAnalytics() {
  const session = useSession()!;
  const merchant = session.merchant!;
  if (!can(session.role, 'analytics:read')) return null;
  return <HomeAnalyticsView defaultZone={merchant.timezone} />;
}

function HomeAnalyticsView({ defaultZone }: { defaultZone: string }) {
  const search = useSearch({ strict: false }) as HomeSearch;
  const navigate = useNavigate();
  const zone = search.tz ?? defaultZone;
  const range = useMemo(() => resolveHomeRange(search, zone), [search, zone]);
  const input = { from: range.from, to: range.to, granularity: range.granularity, compare: search.compare ?? 'previous_period', timezone: zone, ...(search.currency ? { currency: search.currency } : {}) };
  const query = useQuery({ ...trpc.analytics.overview.queryOptions(input), placeholderData: keepPreviousData });
  const set = (patch: Partial<HomeSearch>) => void navigate({ to: '.', search: (prev: Record<string, unknown>) => ({ ...prev, ...patch }) as never, replace: true });
  const zones = useMemo(() => timeZoneOptions(), []);
  const data = query.data;

  return (
    <section aria-labelledby="home-analytics" className="min-w-0 space-y-4">
      <div className="flex flex-col gap-3 min-[1400px]:flex-row min-[1400px]:items-end min-[1400px]:justify-between">
        <div>
          <h2 id="home-analytics" className="text-lg font-semibold text-slate-900">Overview</h2>
          <p className="text-sm text-slate-500">{data ? `In ${data.currency.toUpperCase()}, days in ${data.timezone.replaceAll('_', ' ')}` : 'Loading…'}</p>
        </div>
        <div className="grid grid-cols-2 gap-2 sm:flex sm:flex-wrap sm:items-center">
          <Control label="Date range">
            <Select value={range.preset} onChange={(e) => set({ range: e.target.value as AnalyticsPreset, ...(e.target.value === 'custom' ? { from: search.from ?? range.from.slice(0, 10), to: search.to ?? range.to.slice(0, 10) } : { from: undefined, to: undefined }) })}>
              {ANALYTICS_PRESETS.map((p) => <option key={p} value={p}>{ANALYTICS_PRESET_LABELS[p]}</option>)}
            </Select>
          </Control>
          {range.preset === 'custom' && (
            <>
              <Control label="From"><Input type="date" value={search.from ?? ''} onChange={(e) => e.target.value && set({ from: e.target.value })} /></Control>
              <Control label="To"><Input type="date" value={search.to ?? ''} onChange={(e) => e.target.value && set({ to: e.target.value })} /></Control>
            </>
          )}
          <Control label="Granularity">
            <Select value={range.granularity} onChange={(e) => set({ granularity: e.target.value as HomeSearch['granularity'] })}>
              {range.granularities.map((g) => <option key={g} value={g}>{GRANULARITY_LABELS[g]}</option>)}
            </Select>
          </Control>
          <Control label="Compare to">
            <Select value={input.compare} onChange={(e) => set({ compare: e.target.value as HomeSearch['compare'] })}>
              {Object.entries(COMPARE_LABELS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
            </Select>
          </Control>
          <Control label="Currency">
            <Select value={data?.currency ?? search.currency ?? ''} onChange={(e) => set({ currency: e.target.value })}>
              {(data?.currencies ?? [search.currency ?? '']).map((c) => <option key={c} value={c}>{c.toUpperCase()}</option>)}
            </Select>
          </Control>
          <Control label="Time zone">
            <Select value={zone} onChange={(e) => set({ tz: e.target.value === defaultZone ? undefined : e.target.value })} className="max-w-[17rem]">
              {zones.map((z) => <option key={z.value} value={z.value}>{z.label}</option>)}
            </Select>
          </Control>
        </div>
      </div>

      {query.error ? (
        <Card className="px-5 py-4 text-sm text-red-700">The figures could not be loaded: {query.error.message}</Card>
      ) : (
        <div className={cx('space-y-6 transition-opacity', query.isPlaceholderData && 'opacity-60')}>
          <KeyFigures data={data} />
          {data ? (
            <Suspense fallback={<ChartsSkeleton />}>
              <AnalyticsCharts data={data} />
            </Suspense>
          ) : (
            <ChartsSkeleton />
          )}
        </div>
      )}
    </section>
  );
}

function Control({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="flex min-w-0 flex-col gap-1 text-xs font-medium text-slate-500">
      {label}
      {children}
    </label>
  );
}

interface FigureSpec {
  key: keyof AnalyticsFigures;
  label: string;
  /** What the figure counts, on hover and focus of its label. */
  hint: string;
  format: (v: number | null, data: AnalyticsOverviewDto) => string;
  /** Money going out (refunds, fees, disputes): a rise shows red. */
  lowerIsBetter?: boolean;
}

const amount = (v: number | null, d: AnalyticsOverviewDto) => (v === null ? '—' : money(v, d.currency));
const count = (v: number | null) => (v === null ? '—' : v.toLocaleString('en-US'));
const FIGURES: FigureSpec[] = [
  { key: 'gross_volume', label: 'Gross volume', hint: 'Amount received from successful payments created in the period', format: amount },
  { key: 'net_volume', label: 'Net volume', hint: 'Gross volume minus refunds, disputed amounts and fees', format: amount },
  { key: 'successful_payments', label: 'Successful payments', hint: 'Payments created in the period that succeeded', format: count },
  { key: 'average_payment', label: 'Average payment', hint: 'Gross volume / successful payments', format: amount },
  { key: 'payment_success_rate', label: 'Payment success rate', hint: 'Payment level: succeeded payments / payments with at least one attempt', format: (v) => percent(v) },
  { key: 'attempt_success_rate', label: 'Attempt success rate', hint: 'Attempt level: authorised attempts / attempts', format: (v) => percent(v) },
  { key: 'refunded_amount', label: 'Refunded', hint: 'Refunds issued in the period (pending or succeeded)', format: amount, lowerIsBetter: true },
  { key: 'fees', label: 'Fees', hint: 'Processing fees of charges and dispute fees (less dispute fees returned)', format: amount, lowerIsBetter: true },
  { key: 'disputes', label: 'Disputes', hint: 'Disputes opened in the period, inquiries included', format: count, lowerIsBetter: true },
  { key: 'dispute_rate', label: 'Dispute rate', hint: 'Disputes opened / successful payments in the period', format: (v) => percent(v, 2), lowerIsBetter: true },
  { key: 'disputed_amount', label: 'Disputed', hint: 'Withdrawn by chargebacks, less what won disputes reinstated', format: amount, lowerIsBetter: true },
  { key: 'new_customers', label: 'New customers', hint: 'Customers created in the period', format: count },
];

function KeyFigures({ data }: { data: AnalyticsOverviewDto | undefined }) {
  return (
    <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
      {FIGURES.map((f) => {
        const delta = data?.deltas[f.key];
        const previous = data?.compare_totals?.[f.key];
        return (
          <div key={f.key} className="min-w-0 rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-xs">
            <dt className="text-[13px] font-medium text-slate-500 sm:truncate">
              <Tooltip content={f.hint}>
                <span tabIndex={0} className="cursor-help underline decoration-slate-300 decoration-dotted underline-offset-4 outline-none focus-visible:ring-2 focus-visible:ring-brand-500" aria-description={f.hint}>
                  {f.label}
                </span>
              </Tooltip>
            </dt>
            <dd className="mt-1 text-lg font-semibold tabular-nums break-words text-slate-900 sm:text-xl" data-testid={`figure-${f.key}`}>
              {data ? f.format(data.totals[f.key], data) : <Skeleton className="h-7 w-24" />}
            </dd>
            <dd className="mt-1 min-h-4 text-xs text-slate-500 sm:h-4 sm:truncate">
              {data?.compare_totals && (
                <>
                  <span className={cx('font-medium', delta !== null && delta !== undefined && delta !== 0 && ((delta > 0) !== Boolean(f.lowerIsBetter) ? 'text-emerald-700' : 'text-rose-700'))}>{deltaLabel(delta)}</span>{' '}
                  vs {f.format(previous ?? null, data)}
                </>
              )}
              {!data?.compare_totals && f.hint}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

function ChartsSkeleton() {
  return (
    <div className="grid gap-6 xl:grid-cols-2" aria-hidden>
      <Skeleton className="h-[340px] xl:col-span-2" />
      <Skeleton className="h-[300px]" />
      <Skeleton className="h-[300px]" />
      <div className="grid gap-6 md:grid-cols-2 xl:col-span-2 xl:grid-cols-3">
        <Skeleton className="h-[290px]" />
        <Skeleton className="h-[290px]" />
        <Skeleton className="h-[290px] md:col-span-2 xl:col-span-1" />
      </div>
    </div>
  );
}
