import { describe, expect, it } from 'vitest';
import { dateBoundParam } from './dashboard.js';

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
