import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, ROLES, type Permission } from './permissions.js';

// DESIGN.md §7's table, copied as it stands there (x = allowed), so every cell is checked against the code.
const DESIGN_TABLE = `
| permission | owner | admin | developer | support | finance | viewer |
|---|---|---|---|---|---|---|
| view payments, customers, refunds | x | x | x | x | x | x |
| refund, cancel, capture | x | x | | x | | |
| respond to disputes | x | x | | x | | |
| edit customers | x | x | | x | | |
| view balance, payouts | x | x | | | x | |
| payouts, fee schedule | x | x | | | | |
| analytics | x | x | x | | x | x |
| exports | x | x | | | x | |
| API keys, webhooks (test mode) | x | x | x | | | |
| live-mode API keys | x | x | | | | |
| team, business settings | x | x | | | | |
| audit log | x | x | | | | |
`;

/** Which code permission carries each row; rows of features not built yet (balance, payouts) carry none. */
const ROW_PERMISSION: Record<string, Permission | null> = {
  'view payments, customers, refunds': 'payments:read',
  'refund, cancel, capture': 'payments:write',
  'respond to disputes': 'disputes:respond',
  'edit customers': 'customers:write',
  'view balance, payouts': 'balance:read',
  'payouts, fee schedule': 'payouts:manage',
  analytics: 'analytics:read',
  exports: 'exports:manage',
  'API keys, webhooks (test mode)': 'developers:manage',
  'live-mode API keys': 'live-keys:manage',
  'team, business settings': 'settings:manage',
  'audit log': 'audit:read',
};

function parseTable(markdown: string) {
  const lines = markdown.trim().split('\n').map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const [header, , ...rows] = lines;
  const roles = header!.slice(1);
  return { roles, rows: rows.map(([name, ...cells]) => ({ name: name!, allowed: roles.filter((_, i) => cells[i] === 'x') })) };
}

describe('permission table', () => {
  const table = parseTable(DESIGN_TABLE);

  it('has the roles of DESIGN.md §7, in order', () => {
    expect(table.roles).toEqual([...ROLES]);
  });

  it('matches every cell of DESIGN.md §7', () => {
    expect(Object.keys(ROW_PERMISSION).sort()).toEqual(table.rows.map((r) => r.name).sort());
    let checked = 0;
    for (const row of table.rows) {
      const permission = ROW_PERMISSION[row.name];
      if (!permission) continue;
      for (const role of ROLES) {
        expect({ row: row.name, role, allowed: can(role, permission) }).toEqual({ row: row.name, role, allowed: row.allowed.includes(role) });
        checked++;
      }
    }
    expect(checked).toBe(12 * ROLES.length);
  });

  it('has no permission the design table does not describe', () => {
    const described = new Set(Object.values(ROW_PERMISSION).filter(Boolean));
    expect(Object.keys(PERMISSIONS).filter((p) => !described.has(p as Permission))).toEqual([]);
  });

  it('refuses everything to someone without a role', () => {
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) expect(can(null, permission)).toBe(false);
  });
});
