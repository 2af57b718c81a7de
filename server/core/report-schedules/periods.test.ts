import { describe, expect, it } from 'vitest';
import { nextBoundaryAfter, periodEndingAt, type Cadence } from './periods.js';

const NY = 'America/New_York';
const daily: Cadence = { frequency: 'daily', weekday: null, monthDay: null };
const iso = (d: Date) => d.toISOString();

describe('scheduled export periods', () => {
  it('a daily run at the local midnight after the spring-forward day covers its 23 hours exactly', () => {
    // 2026-03-08 in New York: 00:00 EST (05:00Z) to 00:00 EDT the next day (04:00Z).
    const next = nextBoundaryAfter(new Date('2026-03-08T12:00:00Z'), daily, NY);
    expect(iso(next)).toBe('2026-03-09T04:00:00.000Z');
    const period = periodEndingAt(next, daily, NY);
    expect(iso(period.start)).toBe('2026-03-08T05:00:00.000Z');
    expect(period.end.getTime() - period.start.getTime()).toBe(23 * 3_600_000);
  });

  it('the fall-back day is 25 hours; a boundary is strictly after the given instant', () => {
    const next = nextBoundaryAfter(new Date('2026-11-02T05:00:00Z'), daily, NY);
    expect(iso(next)).toBe('2026-11-03T05:00:00.000Z');
    // Exactly at a boundary: the next one, not the same.
    expect(iso(nextBoundaryAfter(new Date('2026-11-02T05:00:00Z'), daily, NY))).toBe('2026-11-03T05:00:00.000Z');
    const period = periodEndingAt(new Date('2026-11-02T05:00:00Z'), daily, NY);
    expect(iso(period.start)).toBe('2026-11-01T04:00:00.000Z');
    expect(period.end.getTime() - period.start.getTime()).toBe(25 * 3_600_000);
  });

  it('weekly runs on the chosen weekday and covers the 7 local days before it', () => {
    const monday: Cadence = { frequency: 'weekly', weekday: 1, monthDay: null };
    // Wednesday 2026-03-04: the next Monday is 2026-03-09 (EDT by then).
    const next = nextBoundaryAfter(new Date('2026-03-04T15:00:00Z'), monday, NY);
    expect(iso(next)).toBe('2026-03-09T04:00:00.000Z');
    const period = periodEndingAt(next, monday, NY);
    expect(iso(period.start)).toBe('2026-03-02T05:00:00.000Z');
    expect(period.end.getTime() - period.start.getTime()).toBe((7 * 24 - 1) * 3_600_000);
    // On the weekday itself after midnight: a week later.
    expect(iso(nextBoundaryAfter(new Date('2026-03-09T10:00:00Z'), monday, NY))).toBe('2026-03-16T04:00:00.000Z');
    const sunday: Cadence = { frequency: 'weekly', weekday: 7, monthDay: null };
    expect(iso(nextBoundaryAfter(new Date('2026-03-04T15:00:00Z'), sunday, 'UTC'))).toBe('2026-03-08T00:00:00.000Z');
  });

  it('monthly runs on the chosen day and covers the month before, across the year end', () => {
    const first: Cadence = { frequency: 'monthly', weekday: null, monthDay: 1 };
    const next = nextBoundaryAfter(new Date('2026-12-15T00:00:00Z'), first, 'Europe/Berlin');
    expect(iso(next)).toBe('2026-12-31T23:00:00.000Z');
    expect(iso(periodEndingAt(next, first, 'Europe/Berlin').start)).toBe('2026-11-30T23:00:00.000Z');
    const fifteenth: Cadence = { frequency: 'monthly', weekday: null, monthDay: 15 };
    const april = nextBoundaryAfter(new Date('2026-03-20T00:00:00Z'), fifteenth, NY);
    expect(iso(april)).toBe('2026-04-15T04:00:00.000Z');
    // March 15 in New York is after the change: EDT.
    expect(iso(periodEndingAt(april, fifteenth, NY).start)).toBe('2026-03-15T04:00:00.000Z');
    // A zone with a half-hour offset.
    expect(iso(nextBoundaryAfter(new Date('2026-03-20T00:00:00Z'), first, 'Asia/Kolkata'))).toBe('2026-03-31T18:30:00.000Z');
  });
});
