/**
 * Date filters are kept in the URL as a preset ("7d") or as calendar days ("2026-03-01"), never as
 * instants: a bookmarked "last 7 days" means the last 7 days when it is opened, and a calendar day means
 * that day in the merchant's time zone, whoever opens the link.
 */
export const DATE_PRESETS = ['all', 'today', '7d', '30d', '3m', 'custom'] as const;
export type DatePreset = (typeof DATE_PRESETS)[number];

export const DATE_PRESET_LABELS: Record<DatePreset, string> = {
  all: 'All time',
  today: 'Today',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '3m': 'Last 3 months',
  custom: 'Custom range',
};

export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** The wall-clock parts of an instant in a zone. */
function partsIn(zone: string, at: Date) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** The calendar day (YYYY-MM-DD) an instant falls on in a zone. */
export function dayIn(zone: string, at: Date = new Date()): string {
  const p = partsIn(zone, at);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Adds days to a calendar day, on the calendar (no time zone involved). */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + months, d)).toISOString().slice(0, 10);
}

/**
 * The payments.list/refunds.list bounds a date filter stands for, as calendar days the server reads in
 * the merchant's time zone: `from` inclusive, `to` exclusive (the day after the last day the person
 * picked). Undefined ends are open.
 */
export function resolveDateRange(
  range: { date: DatePreset; from?: string; to?: string },
  zone: string,
  now: Date = new Date(),
): { from?: string; to?: string } {
  const today = dayIn(zone, now);
  switch (range.date) {
    case 'all':
      return {};
    case 'today':
      return { from: today };
    case '7d':
      return { from: addDays(today, -6) };
    case '30d':
      return { from: addDays(today, -29) };
    case '3m':
      return { from: addMonths(today, -3) };
    case 'custom':
      return {
        from: range.from && DAY_PATTERN.test(range.from) ? range.from : undefined,
        to: range.to && DAY_PATTERN.test(range.to) ? addDays(range.to, 1) : undefined,
      };
  }
}
