import { Link } from '@tanstack/react-router';
import { ROLE_LABELS, type Role } from '../../shared/permissions';
import { buttonClass } from './button';
import { EmptyState } from './empty-state';
import { Icon } from './icons';

export function NoAccess({ role, area }: { role: Role | null; area: string }) {
  return (
    <EmptyState
      icon={<Icon name="shield" />}
      title={`You do not have access to ${area}`}
      description={`Your role${role ? ` (${ROLE_LABELS[role]})` : ''} does not include ${area}. An owner or administrator can change your role in Settings → Team.`}
      action={<Link to="/" className={buttonClass('secondary')}>Back to Home</Link>}
    />
  );
}
