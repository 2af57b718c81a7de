import * as RadixDialog from '@radix-ui/react-dialog';
import { type ReactNode } from 'react';
import { cx } from '../lib/format';

export interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  /** "sheet" slides in from the left edge (the phone navigation). */
  variant?: 'modal' | 'sheet';
  /** Set while a request runs so Esc and the backdrop cannot close half-way. */
  busy?: boolean;
}

const FIRST_FIELD = '[autofocus], [data-autofocus], input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled])';

/**
 * A modal dialog on Radix UI: the rest of the page is inert, Esc and the backdrop close it, Tab stays
 * inside, focus returns to what opened it. It opens on its first field (not on the close button), and it
 * is sized against the viewport, so it never opens partly off-screen on a phone.
 */
export default function RadixModal({ open, onClose, title, description, children, footer, size = 'md', variant = 'modal', busy = false }: DialogProps) {
  const sheet = variant === 'sheet';
  return (
    <RadixDialog.Root open={open} onOpenChange={(next) => { if (!next && !busy) onClose(); }}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-50 animate-fade-in bg-slate-900/40" />
        <RadixDialog.Content
          data-dialog=""
          {...(description ? {} : { 'aria-describedby': undefined })}
          onOpenAutoFocus={(event) => {
            const field = (event.currentTarget as HTMLElement | null)?.querySelector<HTMLElement>(FIRST_FIELD);
            if (field) {
              event.preventDefault();
              field.focus();
            }
          }}
          className={cx(
            'fixed z-50 flex flex-col bg-white text-slate-900 shadow-2xl focus:outline-none',
            sheet
              ? 'inset-y-0 left-0 h-dvh w-72 max-w-[85vw] animate-slide-in'
              : 'top-1/2 left-1/2 max-h-[85dvh] w-[calc(100vw-2rem)] -translate-x-1/2 -translate-y-1/2 animate-fade-in rounded-xl ring-1 ring-slate-900/5',
            !sheet && { sm: 'max-w-sm', md: 'max-w-lg', lg: 'max-w-2xl' }[size],
          )}
        >
          <div className="flex items-start justify-between gap-4 px-5 pt-5 pb-3">
            <div className="min-w-0">
              <RadixDialog.Title className="text-base font-semibold break-words text-slate-900">{title}</RadixDialog.Title>
              {description && <RadixDialog.Description className="mt-1 text-sm text-slate-500">{description}</RadixDialog.Description>}
            </div>
            <RadixDialog.Close
              disabled={busy}
              aria-label="Close"
              className="-mt-1 -mr-2 rounded-md p-1.5 text-slate-400 hover:bg-slate-100 hover:text-slate-600 focus-visible:outline-2 focus-visible:outline-brand-500 disabled:opacity-50"
            >
              <svg viewBox="0 0 20 20" className="size-5" fill="currentColor" aria-hidden="true">
                <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
              </svg>
            </RadixDialog.Close>
          </div>
          <div className={cx('min-h-0 flex-1 overflow-y-auto px-5', footer ? 'pb-4' : 'pb-5')}>{children}</div>
          {footer && <div className={cx('flex flex-col-reverse gap-2 border-t border-slate-100 bg-slate-50/70 px-5 py-3 sm:flex-row sm:justify-end', !sheet && 'rounded-b-xl')}>{footer}</div>}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
