import { Link } from '@tanstack/react-router';
import { can, type Role } from '../../../shared/permissions';
import { PageHeader } from '../../components/card';
import { NoAccess } from '../../components/no-access';
import { cx } from '../../lib/format';
import { useSession } from '../shell/use-session';
import { AuditLog } from './audit-log';
import { BusinessSettings } from './business-settings';
import { TeamSettings } from './team-settings';

export type SettingsTab = 'business' | 'team' | 'audit';

const TABS: { id: SettingsTab; label: string; permission: 'settings:manage' | 'audit:read' }[] = [
  { id: 'business', label: 'Business', permission: 'settings:manage' },
  { id: 'team', label: 'Team', permission: 'settings:manage' },
  { id: 'audit', label: 'Audit log', permission: 'audit:read' },
];

export function visibleSettingsTabs(role: Role | null) {
  return TABS.filter((t) => can(role, t.permission));
}

export function SettingsPage({ tab }: { tab: SettingsTab }) {
  const session = useSession()!;
  const tabs = visibleSettingsTabs(session.role);
  if (tabs.length === 0) return <NoAccess role={session.role} area="Settings" />;
  const current = tabs.find((t) => t.id === tab) ?? tabs[0];
  return (
    <>
      <PageHeader title="Settings" description={`Manage ${session.merchant?.name ?? 'your account'}: business details, team and activity.`} />
      <nav aria-label="Settings sections" className="mb-6 border-b border-slate-200">
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
      {current.id === 'audit' && <AuditLog timeZone={session.merchant?.timezone ?? 'UTC'} />}
    </>
  );
}
