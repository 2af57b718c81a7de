import { describe, expect, it } from 'vitest';
import { addDays, dayIn, instantFromZonedInput, resolveDateRange, startOfDayIn, zonedInputValue } from './date-range';

describe('date filters', () => {
  const now = new Date('2026-03-10T02:30:00Z');

  it('reads "today" in the merchant time zone, not the browser one', () => {
    // 02:30 UTC is still the 9th in New York and already the 10th in Kathmandu (+05:45).
    expect(resolveDateRange({ date: 'today' }, 'America/New_York', now)).toEqual({ from: '2026-03-09' });
    expect(resolveDateRange({ date: 'today' }, 'Asia/Kathmandu', now)).toEqual({ from: '2026-03-10' });
  });

  it('counts today as one of the last 7 and 30 days', () => {
    expect(resolveDateRange({ date: '7d' }, 'UTC', now)).toEqual({ from: '2026-03-04' });
    expect(resolveDateRange({ date: '30d' }, 'UTC', now)).toEqual({ from: '2026-02-09' });
    expect(resolveDateRange({ date: '3m' }, 'UTC', now)).toEqual({ from: '2025-12-10' });
  });

  it('sends the day after the last chosen day, because the server treats `to` as exclusive', () => {
    expect(resolveDateRange({ date: 'custom', from: '2026-01-01', to: '2026-01-31' }, 'UTC', now)).toEqual({ from: '2026-01-01', to: '2026-02-01' });
    expect(resolveDateRange({ date: 'custom', to: '2024-02-28' }, 'UTC', now)).toEqual({ from: undefined, to: '2024-02-29' });
  });

  it('leaves "all time" open at both ends', () => {
    expect(resolveDateRange({ date: 'all' }, 'UTC', now)).toEqual({});
  });

  it('does calendar arithmetic across months and years', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(dayIn('Pacific/Kiritimati', new Date('2026-01-01T10:00:00Z'))).toBe('2026-01-02');
  });

  it('finds where a day starts in any zone, including half-hour offsets and daylight-saving days', () => {
    expect(startOfDayIn('UTC', '2026-03-10')).toBe(Date.UTC(2026, 2, 10) / 1000);
    expect(startOfDayIn('Asia/Kolkata', '2026-03-10')).toBe(Date.UTC(2026, 2, 9, 18, 30) / 1000);
    expect(startOfDayIn('Asia/Kathmandu', '2026-03-10')).toBe(Date.UTC(2026, 2, 9, 18, 15) / 1000);
    // New York springs forward on 2026-03-08: that day is 23 hours long.
    expect(startOfDayIn('America/New_York', '2026-03-09') - startOfDayIn('America/New_York', '2026-03-08')).toBe(23 * 3600);
    expect(startOfDayIn('America/New_York', '2026-11-02') - startOfDayIn('America/New_York', '2026-11-01')).toBe(25 * 3600);
  });

  it('keeps "last 3 months" on the calendar at month ends', () => {
    expect(resolveDateRange({ date: '3m' }, 'UTC', new Date('2026-05-31T12:00:00Z'))).toEqual({ from: '2026-02-28' });
  });
});

describe('date-time inputs in the merchant time zone', () => {
  it('reads the wall clock typed into a datetime-local input in the given zone, not the browser one', () => {
    // 14:00 in Kathmandu (+05:45) is 08:15 UTC; 14:00 in New York in March 2026 (EDT, -04:00) is 18:00 UTC.
    expect(instantFromZonedInput('2026-03-10T14:00', 'Asia/Kathmandu')).toBe(Date.parse('2026-03-10T08:15:00Z') / 1000);
    expect(instantFromZonedInput('2026-03-10T14:00', 'America/New_York')).toBe(Date.parse('2026-03-10T18:00:00Z') / 1000);
    expect(instantFromZonedInput('2026-03-10T14:00:30', 'UTC')).toBe(Date.parse('2026-03-10T14:00:30Z') / 1000);
    expect(instantFromZonedInput('', 'UTC')).toBeUndefined();
    expect(instantFromZonedInput('yesterday', 'UTC')).toBeUndefined();
  });

  it('shows an instant as the wall clock of the zone, and reads it back to the same minute', () => {
    const at = Date.parse('2026-03-10T08:15:00Z') / 1000;
    expect(zonedInputValue(at, 'Asia/Kathmandu')).toBe('2026-03-10T14:00');
    expect(zonedInputValue(at, 'America/Los_Angeles')).toBe('2026-03-10T01:15');
    for (const zone of ['UTC', 'Asia/Kolkata', 'Pacific/Chatham', 'America/St_Johns']) {
      expect(instantFromZonedInput(zonedInputValue(at, zone), zone)).toBe(at);
    }
  });
});
