import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE, PAGE_SIZES } from '../limits.js';
import { dateBoundParam, pageSizeParam } from './dashboard.js';

describe('dateBoundParam', () => {
  it('accepts real dates and date-times', () => {
    for (const v of ['2026-02-28', '2024-02-29', '2026-03-01T10:30', '2026-03-01T10:30:00Z', '2026-03-01T10:30:00+05:30']) {
      expect(dateBoundParam.safeParse(v).success, v).toBe(true);
    }
  });
  it('refuses days and times the calendar does not have', () => {
    for (const v of ['2026-02-31', '2026-04-31', '2025-02-29', '2026-13-01', '2026-03-01T24:00', '2026-03-01T10:60', 'yesterday']) {
      expect(dateBoundParam.safeParse(v).success, v).toBe(false);
    }
  });
});

describe('pageSizeParam', () => {
  it('takes exactly the page sizes the lists offer, starting with the default', () => {
    for (const n of PAGE_SIZES) expect(pageSizeParam.parse(n)).toBe(n);
    expect(pageSizeParam.parse(undefined)).toBe(DEFAULT_PAGE_SIZE);
    expect(PAGE_SIZES).toContain(DEFAULT_PAGE_SIZE);
  });
  it('names the allowed sizes when refusing one', () => {
    const result = pageSizeParam.safeParse(20);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toBe('Page size must be 10, 25, 50 or 100.');
  });
});
