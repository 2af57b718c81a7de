import { useEffect, useRef, useState } from 'react';
import { Button } from '../../components/button';

/**
 * Closing a form with unsaved changes (Escape, the Close button, the backdrop, Cancel) first asks; the
 * question replaces the dialog's footer, with "Keep editing" focused so a second Enter or Escape loses nothing.
 */
export function useDiscardGuard(dirty: boolean, onClose: () => void) {
  const [asking, setAsking] = useState(false);
  const keepRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) keepRef.current?.focus();
  }, [asking]);

  function requestClose() {
    if (asking) setAsking(false);
    else if (dirty) setAsking(true);
    else onClose();
  }
  function discard() {
    setAsking(false);
    onClose();
  }

  const prompt = asking ? (
    <div role="alert" className="flex w-full flex-col gap-2 sm:flex-row sm:items-center sm:justify-between">
      <p className="text-sm font-medium text-slate-800">Discard your changes?</p>
      <div className="flex flex-col-reverse gap-2 sm:flex-row">
        <Button ref={keepRef} onClick={() => setAsking(false)}>Keep editing</Button>
        <Button variant="danger" onClick={discard}>Discard changes</Button>
      </div>
    </div>
  ) : null;

  return { requestClose, asking, prompt, reset: () => setAsking(false) };
}
