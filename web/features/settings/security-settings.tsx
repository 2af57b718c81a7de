import { can, type Role } from '../../../shared/permissions';
import { TeamTwoFactor, TwoFactorMethods } from './security-two-factor';

/** Settings → Security: the member's own second factors, and for owners and admins the team's. */
export function SecuritySettings({ role, currentUserId }: { role: Role | null; currentUserId: string }) {
  return (
    <div className="space-y-6">
      <TwoFactorMethods />
      {can(role, 'settings:manage') && <TeamTwoFactor isOwner={role === 'owner'} currentUserId={currentUserId} />}
    </div>
  );
}
