import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { cx } from '../lib/format';

const MenuContext = createContext<{ close: () => void } | null>(null);

interface DropdownMenuProps {
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

/** A menu button (WAI-ARIA pattern): arrows move between items, Esc closes and returns focus, clicks outside close. */
export function DropdownMenu({ label, trigger, triggerClassName, children, align = 'end', side = 'bottom', menuClassName }: DropdownMenuProps) {
  const [open, setOpen] = useState(false);
  const [position, setPosition] = useState<React.CSSProperties>({});
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const menuId = useId();

  const items = () => [...(menuRef.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]:not([aria-disabled="true"])') ?? [])];
  const close = useCallback((refocus = true) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  }, []);

  // Fixed positioning keeps the menu visible inside scrolling containers (tables) that would clip it.
  function place() {
    const rect = buttonRef.current?.getBoundingClientRect();
    if (!rect) return;
    const below = side === 'bottom' && rect.bottom + 240 < document.documentElement.clientHeight;
    setPosition({
      position: 'fixed',
      ...(align === 'end' ? { right: Math.max(8, document.documentElement.clientWidth - rect.right) } : { left: Math.max(8, rect.left) }),
      ...(below ? { top: rect.bottom + 6 } : { bottom: document.documentElement.clientHeight - rect.top + 6 }),
    });
  }

  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    // Follow the trigger when the page scrolls or resizes rather than closing under the pointer.
    const onViewportChange = (event: Event) => {
      if (event.target instanceof Node && menuRef.current?.contains(event.target)) return;
      place();
    };
    window.addEventListener('resize', onViewportChange);
    window.addEventListener('scroll', onViewportChange, true);
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) close(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      window.removeEventListener('resize', onViewportChange);
      window.removeEventListener('scroll', onViewportChange, true);
    };
  }, [open, close]);

  function onMenuKeyDown(event: React.KeyboardEvent) {
    const list = items();
    const index = list.indexOf(document.activeElement as HTMLElement);
    const move = (i: number) => list[(i + list.length) % list.length]?.focus();
    switch (event.key) {
      case 'ArrowDown': event.preventDefault(); move(index + 1); break;
      case 'ArrowUp': event.preventDefault(); move(index - 1); break;
      case 'Home': event.preventDefault(); move(0); break;
      case 'End': event.preventDefault(); move(list.length - 1); break;
      case 'Escape': event.preventDefault(); close(); break;
      case 'Tab': close(false); break;
    }
  }

  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => {
          if (!open) place();
          setOpen((o) => !o);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault();
            place();
            setOpen(true);
          }
        }}
        className={triggerClassName}
      >
        {trigger}
      </button>
      {open && (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label={label}
          onKeyDown={onMenuKeyDown}
          style={position}
          className={cx('z-50 max-h-[70dvh] min-w-56 animate-pop-in overflow-y-auto rounded-lg bg-white p-1 shadow-lg ring-1 ring-slate-900/10 focus:outline-none', menuClassName)}
        >
          <MenuContext.Provider value={{ close }}>{children}</MenuContext.Provider>
        </div>
      )}
    </div>
  );
}

interface MenuItemProps {
  children: ReactNode;
  onSelect: () => void;
  danger?: boolean;
  /** For radio-like choices (the account switcher). */
  checked?: boolean;
  icon?: ReactNode;
  disabled?: boolean;
}

export function MenuItem({ children, onSelect, danger, checked, icon, disabled }: MenuItemProps) {
  const menu = useContext(MenuContext);
  const radio = checked !== undefined;
  return (
    <button
      type="button"
      role={radio ? 'menuitemradio' : 'menuitem'}
      aria-checked={radio ? checked : undefined}
      aria-disabled={disabled || undefined}
      tabIndex={-1}
      onClick={() => {
        if (disabled) return;
        menu?.close();
        onSelect();
      }}
      className={cx(
        'flex w-full items-center gap-2.5 rounded-md px-2.5 py-2 text-left text-sm outline-none',
        danger ? 'text-red-600 focus:bg-red-50 hover:bg-red-50' : 'text-slate-700 hover:bg-slate-100 focus:bg-slate-100',
        disabled && 'cursor-not-allowed opacity-50',
      )}
    >
      {icon && <span className="shrink-0 text-slate-400" aria-hidden="true">{icon}</span>}
      <span className="min-w-0 flex-1">{children}</span>
      {checked && (
        <svg viewBox="0 0 20 20" className="size-4 shrink-0 text-brand-600" fill="currentColor" aria-hidden="true">
          <path fillRule="evenodd" d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.58l7.3-7.3a1 1 0 0 1 1.4 0Z" clipRule="evenodd" />
        </svg>
      )}
    </button>
  );
}

export function MenuLabel({ children }: { children: ReactNode }) {
  return <div className="px-2.5 pt-2 pb-1 text-xs font-medium text-slate-500" role="presentation">{children}</div>;
}

export function MenuSeparator() {
  return <div role="separator" className="my-1 h-px bg-slate-100" />;
}
