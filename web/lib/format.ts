import { TZDate } from '@date-fns/tz';

/** Unix seconds to a date and time in the merchant's time zone. */
export function formatDateTime(unixSeconds: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: safeZone(timeZone) }).format(unixSeconds * 1000);
}

/** For dense lists: "Nov 21, 5:40 AM" in the current year, with the year only for older dates. */
export function formatListDateTime(unixSeconds: number, timeZone?: string, now: Date = new Date()): string {
  const zone = safeZone(timeZone);
  const year = (d: number | Date) => (zone ? new TZDate(+d, zone) : new Date(d)).getFullYear();
  const sameYear = year(unixSeconds * 1000) === year(now);
  return new Intl.DateTimeFormat('en-US', {
    month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }), hour: 'numeric', minute: '2-digit', timeZone: zone,
  }).format(unixSeconds * 1000);
}

export function formatDate(unixSeconds: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: safeZone(timeZone) }).format(unixSeconds * 1000);
}

function safeZone(zone?: string) {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/** "in 3 hours", "5 minutes ago" relative to now. */
export function formatRelative(unixSeconds: number, now = Date.now()): string {
  const diff = unixSeconds * 1000 - now;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat('en-US', { numeric: 'auto' });
  const units: [Intl.RelativeTimeFormatUnit, number][] = [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000]];
  for (const [unit, ms] of units) {
    if (abs >= ms) return rtf.format(Math.round(diff / ms), unit);
  }
  return diff >= 0 ? 'in a moment' : 'just now';
}

/** The UTC offset of a zone at an instant, as "GMT+05:45" ("GMT" for UTC itself). */
export function zoneOffsetLabel(zone: string, at = new Date()): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'GMT';
}

interface TimeZoneOption { value: string; label: string }

/** Every IANA zone the browser knows, UTC first, each labelled with its current offset. */
export function timeZoneOptions(at = new Date(), zones: string[] = supportedZones()): TimeZoneOption[] {
  const unique = [...new Set(['UTC', ...zones])];
  return unique
    .sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)))
    .map((zone) => ({ value: zone, label: `${zone.replaceAll('_', ' ')} (${zoneOffsetLabel(zone, at)})` }));
}

function supportedZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC'];
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  return ((parts[0][0] ?? '') + (parts.length > 1 ? parts.at(-1)![0] : '')).toUpperCase();
}

export function cx(...classes: (string | false | null | undefined)[]): string {
  return classes.filter(Boolean).join(' ');
}
