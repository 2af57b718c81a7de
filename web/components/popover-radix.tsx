import * as RadixPopover from '@radix-ui/react-popover';
import { useState, type ReactNode } from 'react';
import { cx } from '../lib/format';

export interface PopoverProps {
  trigger: ReactNode;
  /** Accessible name of the panel (and of the button when `trigger` has no text). */
  label: string;
  /** The button's accessible name when its visible text is not enough. */
  triggerLabel?: string;
  triggerClassName: string;
  panelClassName?: string;
  align?: 'start' | 'end';
  children: (close: () => void) => ReactNode;
}

/**
 * A button that discloses a small panel of controls (filters, column choice, saved views), on Radix UI's
 * popover. Not an ARIA menu, because the panel holds form controls; Esc or a click outside closes it and
 * focus returns to the button. Radix keeps the panel inside the viewport (it flips and shifts), so an
 * Apply button never ends up off-screen on a phone.
 */
export default function RadixPopoverPanel({
  trigger,
  label,
  triggerLabel,
  triggerClassName,
  panelClassName,
  align = 'start',
  children,
}: PopoverProps) {
  // Mounted by the first click on the trigger, so it starts open.
  const [open, setOpen] = useState(true);
  return (
    <RadixPopover.Root open={open} onOpenChange={setOpen}>
      <RadixPopover.Trigger type="button" aria-label={triggerLabel} className={triggerClassName}>
        {trigger}
      </RadixPopover.Trigger>
      <RadixPopover.Portal>
        <RadixPopover.Content
          role="group"
          aria-label={label}
          data-popover=""
          align={align}
          sideOffset={8}
          collisionPadding={8}
          onOpenAutoFocus={(event) => {
            const first = (event.currentTarget as HTMLElement | null)?.querySelector<HTMLElement>('[data-autofocus], input, select, button, a[href]');
            if (first) {
              event.preventDefault();
              first.focus();
            }
          }}
          className={cx(
            'z-40 max-h-[var(--radix-popover-content-available-height)] w-72 max-w-[calc(100vw-1rem)] animate-pop-in overflow-y-auto rounded-lg bg-white p-3 text-left shadow-lg ring-1 ring-slate-900/10 focus:outline-none',
            panelClassName,
          )}
        >
          {children(() => setOpen(false))}
        </RadixPopover.Content>
      </RadixPopover.Portal>
    </RadixPopover.Root>
  );
}

