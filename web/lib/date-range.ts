import { TZDate } from '@date-fns/tz';
import { addDays as addCalendarDays, addMonths as addCalendarMonths } from 'date-fns';

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

/** YYYY-MM-DD of a date's wall clock (a TZDate reads in its own zone). */
function isoDay(date: Date): string {
  return `${String(date.getFullYear()).padStart(4, '0')}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** The calendar day (YYYY-MM-DD) an instant falls on in a zone. */
export function dayIn(zone: string, at: Date = new Date()): string {
  return isoDay(new TZDate(+at, zone));
}

/** A calendar day as a zone-free date at midnight UTC, for calendar arithmetic. */
function calendarDay(day: string): TZDate {
  const [y, m, d] = day.split('-').map(Number);
  return new TZDate(y, m - 1, d, 'UTC');
}

/** Adds days to a calendar day, on the calendar (no time zone involved). */
export function addDays(day: string, days: number): string {
  return isoDay(addCalendarDays(calendarDay(day), days));
}

/** Adds months; the 31st becomes the month's last day when the target month is shorter (Mar 31 - 1 month = Feb 28). */
function addMonths(day: string, months: number): string {
  return isoDay(addCalendarMonths(calendarDay(day), months));
}

/**
 * The instant a calendar day starts in a zone (as Unix seconds): the exact boundary of a day bucket, also
 * in zones with 30- and 45-minute offsets and on days a daylight-saving change makes 23 or 25 hours long.
 */
export function startOfDayIn(zone: string, day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  return Math.floor(new TZDate(y, m - 1, d, zone).getTime() / 1000);
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

const INPUT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * An `<input type="datetime-local">` value ("2026-03-10T14:00") read as a wall-clock time in a zone (the
 * merchant's, as the rows beside it are shown), to Unix seconds; undefined when empty or malformed. The
 * browser's own zone plays no part, so two people in different places mean the same instant.
 */
export function instantFromZonedInput(value: string, zone: string): number | undefined {
  const m = INPUT_PATTERN.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((part) => Number(part ?? 0));
  const at = new TZDate(y, mo - 1, d, h, mi, s, zone).getTime();
  return Number.isNaN(at) ? undefined : Math.floor(at / 1000);
}

/** Unix seconds to an `<input type="datetime-local">` value showing the wall clock of a zone. */
export function zonedInputValue(unixSeconds: number, zone: string): string {
  const t = new TZDate(unixSeconds * 1000, zone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${isoDay(t)}T${pad(t.getHours())}:${pad(t.getMinutes())}`;
}
