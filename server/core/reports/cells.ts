/**
 * ISO 8601 timestamps with the offset of an IANA zone, fast enough for a million rows: the zone's offset is
 * looked up once per 15-minute UTC bucket (every offset change in use falls on one) and cached.
 */

const QUARTER_HOUR_MS = 900_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, f);
  }
  return f;
}

/** Minutes to add to UTC for the zone's wall clock at that instant. */
function zoneOffsetMinutes(ms: number, zone: string): number {
  let byBucket = offsets.get(zone);
  if (!byBucket) offsets.set(zone, (byBucket = new Map()));
  const bucket = Math.floor(ms / QUARTER_HOUR_MS);
  const cached = byBucket.get(bucket);
  if (cached !== undefined) return cached;
  const at = bucket * QUARTER_HOUR_MS;
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const offset = Math.round((wall - at) / 60_000);
  if (byBucket.size > 200_000) byBucket.clear();
  byBucket.set(bucket, offset);
  return offset;
}

/** 2026-03-08T01:59:59-05:00: the wall clock in the zone with its offset (seconds; UTC reads +00:00). `date` may be epoch ms. */
export function zonedTimestamp(date: Date | number, zone: string): string {
  const ms = typeof date === 'number' ? date : date.getTime();
  const offset = zoneOffsetMinutes(ms, zone);
  const local = new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
