import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { cx } from '../lib/format';

/**
 * A button that discloses a small panel of controls (filters, column choice, saved views). Not an ARIA
 * menu, because the panel holds form controls; Esc or a click outside closes it and focus returns to the button.
 */
export function Popover({
  trigger,
  label,
  triggerLabel,
  triggerClassName,
  panelClassName,
  align = 'start',
  children,
}: {
  trigger: ReactNode;
  /** Accessible name of the panel (and of the button when `trigger` has no text). */
  label: string;
  /** The button's accessible name when its visible text is not enough. */
  triggerLabel?: string;
  triggerClassName: string;
  panelClassName?: string;
  align?: 'start' | 'end';
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const panelId = useId();

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    panelRef.current?.querySelector<HTMLElement>('[data-autofocus], input, select, button, a[href]')?.focus();
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!panelRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-label={triggerLabel}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen((o) => !o)}
        className={triggerClassName}
      >
        {trigger}
      </button>
      {open && (
        <div
          ref={panelRef}
          id={panelId}
          role="group"
          aria-label={label}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.preventDefault();
              event.stopPropagation();
              close();
            }
          }}
          className={cx(
            'absolute z-40 mt-2 w-72 max-w-[calc(100vw-2rem)] animate-pop-in rounded-lg bg-white p-3 text-left shadow-lg ring-1 ring-slate-900/10',
            // Right-aligned only where the toolbar sits on the right (wide screens); on phones it would leave the screen.
            align === 'end' ? 'left-0 lg:right-0 lg:left-auto' : 'left-0',
            panelClassName,
          )}
        >
          {children(close)}
        </div>
      )}
    </div>
  );
}

const chip = 'inline-flex h-8 items-center gap-1.5 rounded-full border px-3 text-[13px] font-medium whitespace-nowrap transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500';

/** A filter chip ("Status | Succeeded, Failed"); highlighted when the filter is applied. */
export function FilterPopover({ label, value, children }: { label: string; value?: string; children: (close: () => void) => ReactNode }) {
  return (
    <Popover
      label={`${label} filter`}
      triggerLabel={`${label} filter${value ? `: ${value}` : ''}`}
      triggerClassName={cx(chip, value ? 'border-brand-200 bg-brand-50 text-brand-700 hover:bg-brand-100' : 'border-dashed border-slate-300 bg-white text-slate-600 hover:bg-slate-50')}
      trigger={
        <>
          {!value && <span aria-hidden="true" className="text-base leading-none">+</span>}
          {label}
          {value && (
            <>
              <span aria-hidden="true" className="text-brand-300">|</span>
              <span className="max-w-48 truncate">{value}</span>
            </>
          )}
          <svg viewBox="0 0 24 24" className="size-3.5 opacity-70" fill="none" stroke="currentColor" strokeWidth={2} aria-hidden="true"><path d="m6 9 6 6 6-6" /></svg>
        </>
      }
    >
      {children}
    </Popover>
  );
}
