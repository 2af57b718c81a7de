import { lazy, Suspense, useState, type ReactNode } from 'react';
import { loadOnIdle } from '../lib/load-on-idle';
import { cx } from '../lib/format';
import type { PopoverProps } from './popover-radix';

// Radix's popover stays out of the initial JavaScript: until the first click the trigger is a plain button.
const loadPopover = () => import('./popover-radix');
const RadixPopoverPanel = lazy(loadPopover);
loadOnIdle(loadPopover);

/**
 * A button that discloses a small panel of controls (filters, column choice, saved views), on Radix UI's
 * popover: Esc or a click outside closes it, focus returns to the button, and the panel flips and shifts
 * to stay inside the viewport (an Apply button never ends up off-screen on a phone).
 */
export function Popover(props: PopoverProps) {
  const [armed, setArmed] = useState(false);
  const plain = (
    <button
      type="button"
      aria-label={props.triggerLabel}
      aria-expanded={false}
      className={props.triggerClassName}
      onPointerEnter={() => void loadPopover()}
      onFocus={() => void loadPopover()}
      onClick={() => setArmed(true)}
    >
      {props.trigger}
    </button>
  );
  if (!armed) return plain;
  return <Suspense fallback={plain}><RadixPopoverPanel {...props} /></Suspense>;
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
