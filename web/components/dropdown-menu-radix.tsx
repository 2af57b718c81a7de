import * as RadixMenu from '@radix-ui/react-dropdown-menu';
import { type ReactNode } from 'react';
import { cx } from '../lib/format';

export interface DropdownMenuProps {
  /** The trigger's accessible name, e.g. "Account menu". */
  label: string;
  /** What the trigger shows. */
  trigger: ReactNode;
  triggerClassName?: string;
  children: ReactNode;
  align?: 'start' | 'end';
  side?: 'bottom' | 'top';
  menuClassName?: string;
}

/**
 * A menu button (WAI-ARIA pattern) on Radix UI: arrows and typeahead move between items, Esc closes and
 * returns focus, clicks outside close; the menu is portalled and kept inside the viewport, so scrolling
 * containers (tables) never clip it.
 */
export default function RadixDropdownMenu({ label, trigger, triggerClassName, children, align = 'end', side = 'bottom', menuClassName }: DropdownMenuProps) {
  // Mounted by the first click on the trigger, so it starts open.
  return (
    <RadixMenu.Root modal={false} defaultOpen>
      <RadixMenu.Trigger type="button" aria-label={label} className={triggerClassName}>
        {trigger}
      </RadixMenu.Trigger>
      <RadixMenu.Portal>
        <RadixMenu.Content
          aria-label={label}
          align={align}
          side={side}
          sideOffset={6}
          collisionPadding={8}
          className={cx('z-50 max-h-[min(70dvh,var(--radix-dropdown-menu-content-available-height))] min-w-56 animate-pop-in overflow-y-auto rounded-lg bg-white p-1 shadow-lg ring-1 ring-slate-900/10 focus:outline-none', menuClassName)}
        >
          {children}
        </RadixMenu.Content>
      </RadixMenu.Portal>
    </RadixMenu.Root>
  );
}

export interface MenuItemProps {
  children: ReactNode;
  onSelect: () => void;
  danger?: boolean;
  /** For radio-like choices (the account switcher). */
  checked?: boolean;
  icon?: ReactNode;
  disabled?: boolean;
}

const itemClass = (danger?: boolean, disabled?: boolean) =>
  cx(
    'flex w-full cursor-default items-center gap-2.5 rounded-md px-2.5 py-2 text-left text-sm outline-none select-none',
    danger ? 'text-red-600 data-[highlighted]:bg-red-50' : 'text-slate-700 data-[highlighted]:bg-slate-100',
    disabled && 'cursor-not-allowed opacity-50',
  );

export function MenuItem({ children, onSelect, danger, checked, icon, disabled }: MenuItemProps) {
  const body = (
    <>
      {icon && <span className="shrink-0 text-slate-400" aria-hidden="true">{icon}</span>}
      <span className="min-w-0 flex-1">{children}</span>
      {checked && (
        <svg viewBox="0 0 20 20" className="size-4 shrink-0 text-brand-600" fill="currentColor" aria-hidden="true">
          <path fillRule="evenodd" d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.58l7.3-7.3a1 1 0 0 1 1.4 0Z" clipRule="evenodd" />
        </svg>
      )}
    </>
  );
  if (checked !== undefined) {
    return (
      <RadixMenu.CheckboxItem role="menuitemradio" checked={checked} disabled={disabled} onSelect={onSelect} className={itemClass(danger, disabled)}>
        {body}
      </RadixMenu.CheckboxItem>
    );
  }
  return (
    <RadixMenu.Item disabled={disabled} onSelect={onSelect} className={itemClass(danger, disabled)}>
      {body}
    </RadixMenu.Item>
  );
}

export function MenuLabel({ children }: { children: ReactNode }) {
  return <RadixMenu.Label className="px-2.5 pt-2 pb-1 text-xs font-medium text-slate-500">{children}</RadixMenu.Label>;
}

export function MenuSeparator() {
  return <RadixMenu.Separator className="my-1 h-px bg-slate-100" />;
}
