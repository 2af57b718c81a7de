import { describe, expect, it } from 'vitest';
import { visibleNavItems } from './nav';
import { timeZoneOptions, zoneOffsetLabel, formatRelative } from './format';

describe('visibleNavItems', () => {
  const labels = (role: Parameters<typeof visibleNavItems>[0]) => visibleNavItems(role).map((i) => i.label);

  it('follows the permission table', () => {
    expect(labels('owner')).toEqual(['Home', 'Payments', 'Balances', 'Customers', 'Reports', 'Developers', 'Settings']);
    expect(labels('finance')).toContain('Balances');
    expect(labels('developer')).toEqual(['Home', 'Payments', 'Customers', 'Reports', 'Developers']);
    expect(labels('support')).toEqual(['Home', 'Payments', 'Customers']);
    expect(labels('viewer')).not.toContain('Developers');
    expect(labels(null)).toEqual([]);
  });
});

describe('time zones', () => {
  it('labels zones with their offset, including 45-minute ones', () => {
    const at = new Date('2026-01-15T12:00:00Z');
    expect(zoneOffsetLabel('Asia/Kathmandu', at)).toBe('GMT+05:45');
    const options = timeZoneOptions(at, ['Europe/Paris', 'America/New_York']);
    expect(options.map((o) => o.value)).toEqual(['UTC', 'America/New_York', 'Europe/Paris']);
    expect(options[1].label).toBe('America/New York (GMT-05:00)');
  });

  it('formats relative times', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(formatRelative(now / 1000 + 3 * 3600, now)).toBe('in 3 hours');
    expect(formatRelative(now / 1000 - 120, now)).toBe('2 minutes ago');
  });
});
