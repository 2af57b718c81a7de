import { Link, useNavigate } from '@tanstack/react-router';
import { can, type Role } from '../../../shared/permissions';
import { PageHeader } from '../../components/card';
import { Select } from '../../components/input';
import { cx } from '../../lib/format';
import { useSession } from '../../lib/use-session';
import { AccountSettings } from './account-settings';
import { AuditLog } from './audit-log';
import type { AuditSearch } from './audit-log-query';
import { BusinessSettings } from './business-settings';
import { PayoutSettings } from './payout-settings';
import { SecuritySessions } from './security-sessions';
import { SecuritySettings } from './security-settings';
import { TeamSettings } from './team-settings';

type SettingsTab = 'business' | 'team' | 'payouts' | 'audit' | 'account' | 'security';

/** Tabs without a permission (the user's own account) are shown to every member. */
const TABS: { id: SettingsTab; label: string; permission: 'settings:manage' | 'audit:read' | 'balance:read' | null }[] = [
  { id: 'business', label: 'Business', permission: 'settings:manage' },
  { id: 'team', label: 'Team', permission: 'settings:manage' },
  { id: 'payouts', label: 'Payouts and fees', permission: 'balance:read' },
  { id: 'audit', label: 'Audit log', permission: 'audit:read' },
  { id: 'account', label: 'Your account', permission: null },
  { id: 'security', label: 'Security', permission: null },
];

function visibleSettingsTabs(role: Role | null) {
  return TABS.filter((t) => t.permission === null || can(role, t.permission));
}

export function SettingsPage({ tab, audit }: { tab: SettingsTab; audit?: AuditSearch }) {
  const session = useSession()!;
  const navigate = useNavigate();
  const tabs = visibleSettingsTabs(session.role);
  const current = tabs.find((t) => t.id === tab) ?? tabs[0]!;
  const managesAccount = tabs.some((t) => t.permission !== null);
  return (
    <>
      <PageHeader
        title="Settings"
        description={managesAccount ? `Manage ${session.merchant?.name ?? 'your account'}: business details, team and activity.` : 'Your own sign-in and security.'}
      />
      {/* Phones: the sections as one picker (six tabs do not fit 390 px without scrolling sideways). */}
      <div className="mb-6 sm:hidden">
        <Select aria-label="Settings section" value={current.id} onChange={(e) => navigate({ to: '/settings', search: { tab: e.target.value as SettingsTab } })}>
          {tabs.map((t) => <option key={t.id} value={t.id}>{t.label}</option>)}
        </Select>
      </div>
      <nav aria-label="Settings sections" className="mb-6 hidden border-b border-slate-200 sm:block">
        <ul className="-mb-px flex gap-6 overflow-x-auto">
          {tabs.map((t) => (
            <li key={t.id}>
              <Link
                to="/settings"
                search={{ tab: t.id }}
                aria-current={t.id === current.id ? 'page' : undefined}
                className={cx(
                  'inline-block border-b-2 px-0.5 pb-3 text-sm font-medium whitespace-nowrap',
                  t.id === current.id ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700',
                )}
              >
                {t.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {current.id === 'business' && <BusinessSettings />}
      {current.id === 'team' && <TeamSettings actorRole={session.role} />}
      {current.id === 'payouts' && <PayoutSettings />}
      {current.id === 'audit' && <AuditLog timeZone={session.merchant?.timezone ?? 'UTC'} search={audit} />}
      {current.id === 'account' && <AccountSettings />}
      {current.id === 'security' && (
        <div className="space-y-6">
          <SecuritySettings role={session.role} currentUserId={session.user.id} />
          <SecuritySessions />
        </div>
      )}
    </>
  );
}
