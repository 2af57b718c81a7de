import { lazy, Suspense, useState, type ReactNode } from 'react';
import { loadOnIdle } from '../lib/load-on-idle';
import type { DropdownMenuProps, MenuItemProps } from './dropdown-menu-radix';

// Radix's menu stays out of the initial JavaScript: until the first click the trigger is a plain button.
const loadMenu = () => import('./dropdown-menu-radix');
const RadixDropdownMenu = lazy(loadMenu);
const RadixMenuItem = lazy(() => loadMenu().then((m) => ({ default: m.MenuItem })));
const RadixMenuLabel = lazy(() => loadMenu().then((m) => ({ default: m.MenuLabel })));
const RadixMenuSeparator = lazy(() => loadMenu().then((m) => ({ default: m.MenuSeparator })));
loadOnIdle(loadMenu);

/**
 * A menu button (WAI-ARIA pattern, on Radix UI): arrows and typeahead move between items, Esc closes and
 * returns focus, clicks outside close; the menu is portalled and kept inside the viewport.
 */
export function DropdownMenu(props: DropdownMenuProps) {
  const [armed, setArmed] = useState(false);
  const plain = (
    <button
      type="button"
      aria-label={props.label}
      aria-haspopup="menu"
      aria-expanded={false}
      className={props.triggerClassName}
      onPointerEnter={() => void loadMenu()}
      onFocus={() => void loadMenu()}
      onClick={() => setArmed(true)}
      onKeyDown={(event) => {
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          setArmed(true);
        }
      }}
    >
      {props.trigger}
    </button>
  );
  if (!armed) return plain;
  return <Suspense fallback={plain}><RadixDropdownMenu {...props} /></Suspense>;
}

export function MenuItem(props: MenuItemProps) {
  return <RadixMenuItem {...props} />;
}

export function MenuLabel({ children }: { children: ReactNode }) {
  return <RadixMenuLabel>{children}</RadixMenuLabel>;
}

export function MenuSeparator() {
  return <RadixMenuSeparator />;
}
