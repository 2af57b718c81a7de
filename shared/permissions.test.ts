import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, ROLES } from './permissions.js';

describe('permission table', () => {
  it('matches DESIGN.md §7', () => {
    expect(can('viewer', 'payments:read')).toBe(true);
    expect(can('viewer', 'payments:write')).toBe(false);
    expect(can('support', 'payments:write')).toBe(true);
    expect(can('support', 'analytics:read')).toBe(false);
    expect(can('finance', 'exports:manage')).toBe(true);
    expect(can('developer', 'developers:manage')).toBe(true);
    expect(can('developer', 'payments:write')).toBe(false);
    expect(can(null, 'payments:read')).toBe(false);
  });
  it('gives owners every permission', () => {
    for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) expect(can('owner', permission)).toBe(true);
    expect(ROLES).toHaveLength(6);
  });
});
