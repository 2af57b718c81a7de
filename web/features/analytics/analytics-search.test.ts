import { describe, expect, it } from 'vitest';
import { allowedGranularities, drillDownSearch, homeSearchSchema, resolveHomeRange } from './analytics-search';

const now = new Date('2026-03-10T15:07:00Z');

describe('home analytics range', () => {
  it('reads presets as local calendar days in the zone', () => {
    expect(resolveHomeRange({ range: '7d' }, 'America/New_York', now)).toMatchObject({ from: '2026-03-04', to: '2026-03-11', granularity: 'day' });
    expect(resolveHomeRange({ range: 'today' }, 'Asia/Kathmandu', new Date('2026-03-10T18:20:00Z'))).toMatchObject({ from: '2026-03-11', to: '2026-03-12', granularity: 'hour' });
    expect(resolveHomeRange({ range: 'ytd' }, 'UTC', now)).toMatchObject({ from: '2026-01-01', to: '2026-03-11', granularity: 'month' });
    expect(resolveHomeRange({ range: 'qtd' }, 'UTC', now)).toMatchObject({ from: '2026-01-01' });
    expect(resolveHomeRange({}, 'UTC', now)).toMatchObject({ preset: '4w', from: '2026-02-11', to: '2026-03-11' });
  });

  it('gives the last hour on quarter-hour bounds in local time', () => {
    expect(resolveHomeRange({ range: '1h' }, 'Asia/Kolkata', now)).toMatchObject({ from: '2026-03-10T19:45', to: '2026-03-10T20:45', granularity: 'minute', granularities: ['minute'] });
  });

  it('keeps a custom range inclusive of its last day and limits granularity', () => {
    const r = resolveHomeRange({ range: 'custom', from: '2026-03-20', to: '2026-03-01', granularity: 'month' }, 'UTC', now);
    expect(r).toMatchObject({ from: '2026-03-01', to: '2026-03-21' });
    expect(r.granularities).toEqual(['hour', 'day', 'week']);
    expect(r.granularity).toBe('day');
    expect(allowedGranularities(0, 4 * 365 * 86_400_000)).toEqual(['week', 'month']);
  });

  it('falls back on bad URL values and builds exact drill-down searches', () => {
    expect(homeSearchSchema.parse({ range: 'nope', granularity: 'year', currency: 'US' })).toEqual({});
    expect(drillDownSearch(100, 200, 'usd', 'failed')).toEqual({ q: 'created>=100 AND created<200', currency: 'usd', status: 'failed' });
  });
});
