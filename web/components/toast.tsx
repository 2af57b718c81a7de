import { useSyncExternalStore } from 'react';
import { cx } from '../lib/format';

interface ToastItem { id: number; tone: 'success' | 'error' | 'info'; message: string }

let toasts: ToastItem[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

function push(tone: ToastItem['tone'], message: string) {
  const id = nextId++;
  toasts = [...toasts.slice(-3), { id, tone, message }];
  emit();
  setTimeout(() => dismiss(id), tone === 'error' ? 8000 : 4500);
}

function dismiss(id: number) {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

/** Brief confirmations after an action ("Saved"); errors that belong to a field go next to the field instead. */
export const toast = {
  success: (message: string) => push('success', message),
  error: (message: string) => push('error', message),
  info: (message: string) => push('info', message),
};

export function Toaster() {
  const items = useSyncExternalStore(
    (l) => (listeners.add(l), () => listeners.delete(l)),
    () => toasts,
    () => toasts,
  );
  return (
    <div aria-live="polite" aria-label="Notifications" role="region" className="pointer-events-none fixed inset-x-0 bottom-0 z-[60] flex flex-col items-center gap-2 p-4 sm:items-end">
      {items.map((t) => (
        <div
          key={t.id}
          className={cx(
            'pointer-events-auto flex w-full max-w-sm animate-pop-in items-start gap-3 rounded-lg bg-slate-900 px-4 py-3 text-sm text-white shadow-lg',
          )}
        >
          <span className={cx('mt-1 size-2 shrink-0 rounded-full', t.tone === 'success' ? 'bg-emerald-400' : t.tone === 'error' ? 'bg-red-400' : 'bg-sky-400')} aria-hidden="true" />
          <p className="flex-1">{t.message}</p>
          <button type="button" onClick={() => dismiss(t.id)} className="-mr-1 rounded text-slate-400 hover:text-white" aria-label="Dismiss notification">
            <svg viewBox="0 0 20 20" className="size-4" fill="currentColor" aria-hidden="true"><path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" /></svg>
          </button>
        </div>
      ))}
    </div>
  );
}
