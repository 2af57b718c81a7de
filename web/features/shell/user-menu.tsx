import { useNavigate } from '@tanstack/react-router';
import { DropdownMenu, MenuItem, MenuSeparator } from '../../components/dropdown-menu';
import { Icon } from '../../components/icons';
import { initials } from '../../lib/format';
import { useSignOut, type Session } from '../../lib/use-session';

export function UserMenu({ session }: { session: Session }) {
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <DropdownMenu
      label="Account menu"
      triggerClassName="flex size-9 items-center justify-center rounded-full hover:ring-4 hover:ring-slate-100 aria-expanded:ring-4 aria-expanded:ring-slate-100"
      trigger={
        <span className="flex size-8 items-center justify-center rounded-full bg-slate-800 text-xs font-semibold text-white" aria-hidden="true">
          {initials(session.user.name)}
        </span>
      }
    >
      <div className="px-2.5 py-2">
        <p className="truncate text-sm font-medium text-slate-900">{session.user.name}</p>
        <p className="truncate text-xs text-slate-500">{session.user.email}</p>
      </div>
      <MenuSeparator />
      <MenuItem icon={<Icon name="shield" className="size-4" />} onSelect={() => void navigate({ to: '/settings', search: { tab: 'account' } })}>
        Your account
      </MenuItem>
      <MenuItem icon={<Icon name="logout" className="size-4" />} onSelect={() => signOut.mutate()}>
        Sign out
      </MenuItem>
    </DropdownMenu>
  );
}
