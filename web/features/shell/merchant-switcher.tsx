import { DropdownMenu, MenuItem, MenuLabel } from '../../components/dropdown-menu';
import { Icon } from '../../components/icons';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { initials } from '../../lib/format';
import { ROLE_LABELS } from '../../../shared/permissions';
import { useTenantSwitches, type Session } from '../../lib/use-session';

export function MerchantSwitcher({ session }: { session: Session }) {
  const { switchMerchant } = useTenantSwitches();
  const current = session.merchant;
  return (
    <DropdownMenu
      label="Switch account"
      align="start"
      menuClassName="w-64"
      triggerClassName="flex w-full items-center gap-2.5 rounded-lg px-2 py-2 text-left hover:bg-slate-100 aria-expanded:bg-slate-100"
      trigger={
        <>
          <span className="flex size-8 shrink-0 items-center justify-center rounded-md bg-gradient-to-br from-brand-500 to-violet-500 text-xs font-semibold text-white" aria-hidden="true">
            {initials(current?.name ?? '?')}
          </span>
          <span className="min-w-0 flex-1">
            <span className="block truncate text-sm font-semibold text-slate-900">{current?.name ?? 'No account'}</span>
            <span className="block truncate text-xs text-slate-500">{session.role ? ROLE_LABELS[session.role] : '—'}</span>
          </span>
          <Icon name="chevronsUpDown" className="size-4 text-slate-400" />
        </>
      }
    >
      <MenuLabel>Accounts</MenuLabel>
      {session.memberships.map((m) => (
        <MenuItem
          key={m.merchantId}
          checked={m.merchantId === current?.id}
          onSelect={() => {
            if (m.merchantId === current?.id) return;
            switchMerchant.mutate({ merchantId: m.merchantId }, {
              onSuccess: () => toast.success(`Switched to ${m.merchantName}.`),
              onError: (e) => toast.error(errorMessage(e)),
            });
          }}
        >
          <span className="block truncate font-medium">{m.merchantName}</span>
          <span className="block truncate text-xs text-slate-500">{ROLE_LABELS[m.role]}</span>
        </MenuItem>
      ))}
    </DropdownMenu>
  );
}
