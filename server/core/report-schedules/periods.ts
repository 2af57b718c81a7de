import { TZDate } from '@date-fns/tz';

/**
 * When a scheduled export runs and which period it covers, in the schedule's IANA zone. A run happens at a
 * boundary (the zone's local midnight: every day; on the chosen weekday; on the chosen day of the month)
 * and covers the whole period that ends there: yesterday, the 7 days before, the month before. Every
 * instant is computed from the zone's wall clock, so a period that contains a DST change is 23 or 25 hours
 * long and still starts and ends exactly at local midnight.
 */
export type Frequency = 'daily' | 'weekly' | 'monthly';

export interface Cadence {
  frequency: Frequency;
  /** ISO weekday for weekly runs: 1 Monday ... 7 Sunday. */
  weekday: number | null;
  /** Day of the month for monthly runs (1-28, so every month has it). */
  monthDay: number | null;
}

interface LocalDay {
  y: number;
  m: number;
  d: number;
}

function localDay(ms: number, zone: string): LocalDay {
  const at = new TZDate(ms, zone);
  return { y: at.getFullYear(), m: at.getMonth() + 1, d: at.getDate() };
}

/** The zone's midnight starting that calendar day (days and months past their end roll over). */
function midnight(y: number, m: number, d: number, zone: string): number {
  const day = new Date(Date.UTC(y, m - 1, d));
  return new TZDate(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 0, 0, 0, zone).getTime();
}

const isoWeekday = (day: LocalDay) => new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay() || 7;

/** The first run boundary strictly after `after`. */
export function nextBoundaryAfter(after: Date, cadence: Cadence, zone: string): Date {
  const t = after.getTime();
  const day = localDay(t, zone);
  if (cadence.frequency === 'daily') {
    const today = midnight(day.y, day.m, day.d, zone);
    return new Date(today > t ? today : midnight(day.y, day.m, day.d + 1, zone));
  }
  if (cadence.frequency === 'weekly') {
    const ahead = (cadence.weekday! - isoWeekday(day) + 7) % 7;
    const candidate = midnight(day.y, day.m, day.d + ahead, zone);
    return new Date(candidate > t ? candidate : midnight(day.y, day.m, day.d + ahead + 7, zone));
  }
  const candidate = midnight(day.y, day.m, cadence.monthDay!, zone);
  return new Date(candidate > t ? candidate : midnight(day.y, day.m + 1, cadence.monthDay!, zone));
}

/** The period a run at `boundary` covers: [start, boundary). */
export function periodEndingAt(boundary: Date, cadence: Cadence, zone: string): { start: Date; end: Date } {
  const day = localDay(boundary.getTime(), zone);
  const start =
    cadence.frequency === 'daily' ? midnight(day.y, day.m, day.d - 1, zone)
    : cadence.frequency === 'weekly' ? midnight(day.y, day.m, day.d - 7, zone)
    : midnight(day.y, day.m - 1, day.d, zone);
  return { start: new Date(start), end: boundary };
}
