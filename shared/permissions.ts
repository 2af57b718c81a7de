/**
 * The one permission table (DESIGN.md §7). Procedures declare the permission they need; the UI reads the
 * same table to hide what a role cannot do. Change a role's rights here and nowhere else.
 */
export const ROLES = ['owner', 'admin', 'developer', 'support', 'finance', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  'payments:read': ['owner', 'admin', 'developer', 'support', 'finance', 'viewer'],
  'payments:write': ['owner', 'admin', 'support'],
  'customers:write': ['owner', 'admin', 'support'],
  'disputes:respond': ['owner', 'admin', 'support'],
  'analytics:read': ['owner', 'admin', 'developer', 'finance', 'viewer'],
  'exports:manage': ['owner', 'admin', 'finance'],
  'developers:manage': ['owner', 'admin', 'developer'],
  /** Creating, rolling and revoking live-mode API keys (developers manage test-mode keys only). */
  'live-keys:manage': ['owner', 'admin'],
  'settings:manage': ['owner', 'admin'],
  'audit:read': ['owner', 'admin'],
  /** The balance, balance transactions, payouts and the fee and payout schedule, read only. */
  'balance:read': ['owner', 'admin', 'finance'],
  /** Manual payouts and editing the fee and payout schedule. */
  'payouts:manage': ['owner', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role | null | undefined, permission: Permission): boolean {
  if (!role) return false;
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Administrator',
  developer: 'Developer',
  support: 'Support specialist',
  finance: 'Analyst (finance)',
  viewer: 'View only',
};
