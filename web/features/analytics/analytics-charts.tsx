import { useNavigate } from '@tanstack/react-router';
import { useRef, useState, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, ComposedChart, Area, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AnalyticsBreakdown, AnalyticsOverviewDto } from '../../../shared/contracts/analytics';
import { Button } from '../../components/button';
import { Card, CardBody, CardHeader } from '../../components/card';
import { brandName, money } from '../../lib/money';
import { downloadBlob, percent, periodLabel, toCsv } from './analytics-format';
import { drillDownSearch } from './analytics-search';

/** Recharts lives in this module only, loaded lazily by Home so the rest of the dashboard does not pay for it. */
export default function AnalyticsCharts({ data }: { data: AnalyticsOverviewDto }) {
  const navigate = useNavigate();
  const { currency, timezone, granularity } = data;
  const rows = data.series.map((p, i) => {
    const c = data.compare_series?.[i];
    return {
      label: periodLabel(p.start, granularity, timezone),
      start: p.start,
      end: p.end,
      gross: p.gross_volume,
      compareGross: c ? c.gross_volume : undefined,
      succeeded: p.succeeded_attempts,
      failed: p.failed_attempts,
      rate: p.attempt_success_rate,
      paymentRate: p.payment_success_rate,
    };
  });
  const drill = (index: number | undefined, status?: 'succeeded' | 'failed') => {
    const row = index === undefined ? undefined : rows[index];
    if (row) void navigate({ to: '/payments', search: drillDownSearch(row.start, row.end, currency, status) as never });
  };
  const moneyTick = (v: number) => money(v, currency).replace(/\.00$/, '');

  return (
    <div className="grid min-w-0 gap-6 xl:grid-cols-2">
      <ChartCard
        title="Volume"
        description={data.compare_series ? 'Gross volume; the dashed line is the comparison period. Click a point for its payments.' : 'Gross volume. Click a point for its payments.'}
        csvName="volume"
        table={[['Period', 'Start (Unix)', 'End (Unix)', 'Gross volume', ...(data.compare_series ? ['Comparison'] : [])], ...rows.map((r) => [r.label, r.start, r.end, money(r.gross, currency), ...(data.compare_series ? [money(r.compareGross ?? 0, currency)] : [])])]}
        className="xl:col-span-2"
      >
        <ResponsiveContainer width="100%" height={260}>
          <ComposedChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} onClick={(state) => drill(toIndex(state?.activeTooltipIndex), 'succeeded')}>
            <defs>
              <linearGradient id="volumeFill" x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" stopColor="#6366f1" stopOpacity={0.25} />
                <stop offset="100%" stopColor="#6366f1" stopOpacity={0.02} />
              </linearGradient>
            </defs>
            <CartesianGrid vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="label" tick={{ fontSize: 12, fill: '#64748b' }} tickLine={false} axisLine={false} minTickGap={24} />
            <YAxis tickFormatter={moneyTick} tick={{ fontSize: 12, fill: '#64748b' }} tickLine={false} axisLine={false} width={72} />
            <Tooltip formatter={(v, name) => [money(Number(v), currency), name === 'compareGross' ? 'Comparison period' : 'Gross volume']} />
            <Area type="monotone" dataKey="gross" name="gross" stroke="#4f46e5" strokeWidth={2} fill="url(#volumeFill)" isAnimationActive={false} cursor="pointer" />
            {data.compare_series && <Line type="monotone" dataKey="compareGross" name="compareGross" stroke="#94a3b8" strokeDasharray="5 4" dot={false} isAnimationActive={false} />}
          </ComposedChart>
        </ResponsiveContainer>
      </ChartCard>

      <ChartCard
        title="Successful and failed payments"
        description="Attempts per period. Click a bar for its payments."
        csvName="attempts"
        table={[['Period', 'Successful', 'Failed'], ...rows.map((r) => [r.label, r.succeeded, r.failed])]}
      >
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="label" tick={{ fontSize: 12, fill: '#64748b' }} tickLine={false} axisLine={false} minTickGap={24} />
            <YAxis allowDecimals={false} tick={{ fontSize: 12, fill: '#64748b' }} tickLine={false} axisLine={false} width={40} />
            <Tooltip />
            <Bar dataKey="succeeded" name="Successful" stackId="a" fill="#10b981" cursor="pointer" isAnimationActive={false} onClick={(_, i) => drill(i, 'succeeded')} />
            <Bar dataKey="failed" name="Failed" stackId="a" fill="#f43f5e" cursor="pointer" isAnimationActive={false} onClick={(_, i) => drill(i, 'failed')} />
          </BarChart>
        </ResponsiveContainer>
      </ChartCard>

      <ChartCard
        title="Success rate"
        description="Authorised attempts / attempts, per period."
        csvName="success-rate"
        table={[['Period', 'Attempt success rate', 'Payment success rate'], ...rows.map((r) => [r.label, percent(r.rate), percent(r.paymentRate)])]}
      >
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="label" tick={{ fontSize: 12, fill: '#64748b' }} tickLine={false} axisLine={false} minTickGap={24} />
            <YAxis domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} tick={{ fontSize: 12, fill: '#64748b' }} tickLine={false} axisLine={false} width={44} />
            <Tooltip formatter={(v) => [percent(v as number | null), 'Attempt success rate']} />
            <Line type="monotone" dataKey="rate" stroke="#0ea5e9" strokeWidth={2} dot={rows.length <= 45 ? { r: 3 } : false} connectNulls isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </ChartCard>

      {/* The three breakdowns share one row on wide screens (two and a full-width one on medium ones). */}
      <div className="grid min-w-0 gap-6 md:grid-cols-2 xl:col-span-2 xl:grid-cols-3">
        <Breakdown title="Top decline reasons" description="Failed attempts by decline code." items={data.decline_reasons} label={(k) => k.replaceAll('_', ' ')} color="#f43f5e" />
        <Breakdown title="Card brands" description="Attempts by card brand." items={data.card_brands} label={brandName} color="#6366f1" />
        <Breakdown
          title="3-D Secure"
          description={`Challenged attempts by outcome (${percent(challengeRate(data))} of attempts were challenged).`}
          items={data.three_d_secure}
          label={(k) => ({ authenticated: 'Authenticated', failed: 'Failed', required: 'Not completed' })[k] ?? k}
          color="#f59e0b"
          className="md:col-span-2 xl:col-span-1"
        />
      </div>
    </div>
  );
}

function toIndex(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isInteger(n) ? n : undefined;
}

function challengeRate(data: AnalyticsOverviewDto): number | null {
  const challenged = data.three_d_secure.reduce((s, b) => s + b.attempts, 0);
  return data.totals.attempts > 0 ? challenged / data.totals.attempts : null;
}

function Breakdown({ title, description, items, label, color, className }: { title: string; description: string; items: AnalyticsBreakdown[]; label: (key: string) => string; color: string; className?: string }) {
  const rows = items.slice(0, 8).map((b) => ({ name: label(b.key), attempts: b.attempts }));
  return (
    <ChartCard title={title} description={description} className={className} stacked csvName={title.toLowerCase().replaceAll(/[^a-z0-9]+/g, '-')} table={[['Name', 'Attempts'], ...rows.map((r) => [r.name, r.attempts])]}>
      {rows.length === 0 ? (
        <p className="flex h-[180px] items-center justify-center text-sm text-slate-500">Nothing in this period.</p>
      ) : (
        <ResponsiveContainer width="100%" height={180}>
          <BarChart data={rows} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 0 }}>
            <XAxis type="number" allowDecimals={false} hide />
            <YAxis type="category" dataKey="name" width={130} tick={{ fontSize: 12, fill: '#334155' }} tickLine={false} axisLine={false} />
            <Tooltip />
            <Bar dataKey="attempts" name="Attempts" fill={color} radius={[0, 4, 4, 0]} barSize={18} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      )}
    </ChartCard>
  );
}

/** A chart with "view as table" (also what screen readers get), CSV download and PNG download. */
function ChartCard({ title, description, table, csvName, className, stacked, children }: { title: string; description: string; table: (string | number)[][]; csvName: string; className?: string; stacked?: boolean; children: ReactNode }) {
  const [asTable, setAsTable] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const png = async () => {
    const svg = box.current?.querySelector('svg.recharts-surface');
    if (!svg) return;
    const { width, height } = svg.getBoundingClientRect();
    const clone = svg.cloneNode(true) as SVGSVGElement;
    clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(clone))}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = width * 2;
    canvas.height = height * 2;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.scale(2, 2);
    ctx.drawImage(image, 0, 0, width, height);
    canvas.toBlob((blob) => blob && downloadBlob(`${csvName}.png`, blob));
  };
  return (
    <Card className={`min-w-0 ${className ?? ''}`}>
      <CardHeader
        title={title}
        description={description}
        stacked={stacked}
        actions={
          <>
            <Button size="sm" variant="ghost" aria-pressed={asTable} onClick={() => setAsTable((v) => !v)}>{asTable ? 'View as chart' : 'View as table'}</Button>
            <Button size="sm" variant="ghost" onClick={() => downloadBlob(`${csvName}.csv`, new Blob([toCsv(table)], { type: 'text/csv;charset=utf-8' }))}>CSV</Button>
            {!asTable && <Button size="sm" variant="ghost" onClick={() => void png()}>PNG</Button>}
          </>
        }
      />
      <CardBody>
        <div ref={box} className={asTable ? 'hidden' : undefined} role="img" aria-label={`${title} chart. Use "View as table" for its figures.`}>{children}</div>
        {asTable && <div className="max-h-[320px] overflow-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-slate-500">
              <tr>{table[0].map((h) => <th key={String(h)} className="py-1.5 pr-4 font-medium">{h}</th>)}</tr>
            </thead>
            <tbody className="divide-y divide-slate-100 tabular-nums">
              {table.slice(1).map((r, i) => <tr key={i}>{r.map((c, j) => <td key={j} className="py-1.5 pr-4 text-slate-800">{c}</td>)}</tr>)}
            </tbody>
          </table>
        </div>}
      </CardBody>
    </Card>
  );
}
