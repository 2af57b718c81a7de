import type { AnalyticsGranularity } from '../../../shared/contracts/analytics';

/** A period's label in the zone: "Mar 8", "Mar 8, 14:00" (hours and minutes), "Week of Mar 2", "Mar 2026". */
export function periodLabel(unixSeconds: number, granularity: AnalyticsGranularity, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions =
    granularity === 'hour' || granularity === 'minute'
      ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : granularity === 'month'
        ? { month: 'short', year: 'numeric' }
        : { month: 'short', day: 'numeric' };
  const text = new Intl.DateTimeFormat('en-US', { ...options, timeZone }).format(unixSeconds * 1000);
  return granularity === 'week' ? `Week of ${text}` : text;
}

export function percent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(digits)}%`;
}

/** "+12.5%" / "−3.0%" for a relative change; "—" when there is nothing to compare with. */
export function deltaLabel(delta: number | null | undefined): string {
  if (delta === null || delta === undefined) return '—';
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '';
  return `${sign}${Math.abs(delta * 100).toFixed(1)}%`;
}

/** RFC 4180 CSV of rows (first row the header), cells starting with = + - @ neutralised against formula injection. */
export function toCsv(rows: (string | number)[][]): string {
  const cell = (v: string | number) => {
    let s = String(v);
    if (typeof v === 'string' && /^[=+\-@\t\r\n]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function downloadBlob(name: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
