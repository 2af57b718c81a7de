import { lazy, Suspense, useState } from 'react';
import { loadOnIdle } from '../lib/load-on-idle';
import type { DialogProps } from './dialog-radix';

export type { DialogProps };

// Radix's dialog (focus trap, scroll lock, inert page) is a sixth of the list page's JavaScript budget and
// no page needs it before someone opens a dialog: it loads on the first open, and on idle after start-up.
const loadModal = () => import('./dialog-radix');
const RadixModal = lazy(loadModal);
loadOnIdle(loadModal);

/**
 * A modal dialog: the rest of the page is inert, Esc and the backdrop close it (unless `busy`), Tab stays
 * inside, focus returns to what opened it, it opens on its first field and always fits the viewport.
 */
export function Dialog(props: DialogProps) {
  const [used, setUsed] = useState(props.open);
  if (props.open && !used) setUsed(true);
  if (!used) return null;
  return (
    <Suspense fallback={null}>
      <RadixModal {...props} />
    </Suspense>
  );
}
