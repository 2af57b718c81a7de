import { can, type Permission, type Role } from '../../shared/permissions';

interface NavItem {
  to: '/' | '/payments' | '/balances' | '/customers' | '/reports' | '/developers' | '/settings';
  label: string;
  icon: 'home' | 'payments' | 'balances' | 'customers' | 'reports' | 'developers' | 'settings';
  /** Shown when the role has any of these; none means every member. */
  anyOf?: Permission[];
  /** Other paths that belong to this area (the refunds pages live under Payments). */
  alsoActiveFor?: string[];
}

const NAV_ITEMS: NavItem[] = [
  { to: '/', label: 'Home', icon: 'home' },
  { to: '/payments', label: 'Payments', icon: 'payments', anyOf: ['payments:read'], alsoActiveFor: ['/refunds', '/disputes'] },
  { to: '/balances', label: 'Balances', icon: 'balances', anyOf: ['balance:read'] },
  { to: '/customers', label: 'Customers', icon: 'customers', anyOf: ['payments:read'] },
  { to: '/reports', label: 'Reports', icon: 'reports', anyOf: ['exports:manage', 'analytics:read'] },
  { to: '/developers', label: 'Developers', icon: 'developers', anyOf: ['developers:manage'] },
  { to: '/settings', label: 'Settings', icon: 'settings', anyOf: ['settings:manage', 'audit:read'] },
];

function canAny(role: Role | null | undefined, permissions: Permission[] | undefined): boolean {
  if (!permissions || permissions.length === 0) return Boolean(role);
  return permissions.some((p) => can(role, p));
}

/** The sidebar entries a role may use; a role that cannot use an area does not see it. */
export function visibleNavItems(role: Role | null | undefined): NavItem[] {
  return NAV_ITEMS.filter((item) => canAny(role, item.anyOf));
}
