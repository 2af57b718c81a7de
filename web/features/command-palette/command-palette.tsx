import { lazy, Suspense, useEffect, useState } from 'react';
import { loadOnIdle } from '../../lib/load-on-idle';

// cmdk (and the Radix dialog it brings) stays out of every route's initial JavaScript: the palette loads
// when first opened, and on idle after start-up so Ctrl/Cmd+K is usually instant.
const loadPalette = () => import('./palette-dialog');
const PaletteDialog = lazy(loadPalette);
loadOnIdle(loadPalette);

const OPEN_EVENT = 'paymentflow:command-palette';

/**
 * Ctrl/Cmd+K: jump to any page, or to a payment, refund or customer by its id, part of a name or email, or
 * a card's last 4; with nothing typed, the objects this member opened last. A modal dialog around cmdk's
 * combobox and listbox: arrows move, Enter opens, Esc closes and focus returns to where it was.
 */
export function CommandPalette() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.metaKey || event.ctrlKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setOpen((o) => !o);
      }
    };
    const onOpen = () => setOpen(true);
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener(OPEN_EVENT, onOpen);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener(OPEN_EVENT, onOpen);
    };
  }, []);
  return open ? (
    <Suspense fallback={null}>
      <PaletteDialog onClose={() => setOpen(false)} />
    </Suspense>
  ) : null;
}

