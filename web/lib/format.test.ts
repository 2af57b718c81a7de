import { describe, expect, it } from 'vitest';
import { formatListDateTime } from './format';

describe('formatListDateTime', () => {
  const now = new Date('2026-11-21T15:00:00Z');
  it('drops the year for dates in the current year, in the merchant time zone', () => {
    expect(formatListDateTime(Date.parse('2026-11-21T10:40:00Z') / 1000, 'America/New_York', now)).toBe('Nov 21, 5:40 AM');
  });
  it('keeps the year for older dates', () => {
    expect(formatListDateTime(Date.parse('2025-03-02T12:00:00Z') / 1000, 'UTC', now)).toBe('Mar 2, 2025, 12:00 PM');
  });
});
