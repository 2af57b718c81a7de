/**
 * Starts loading a code-split module once the page is idle, so a primitive kept out of the initial
 * JavaScript (Radix dialog, menu, popover) is usually in the cache before anyone opens it.
 */
export function loadOnIdle(load: () => Promise<unknown>): void {
  if (typeof window === 'undefined') return;
  const idle = (window as Window & { requestIdleCallback?: (cb: () => void) => void }).requestIdleCallback ?? ((cb: () => void) => setTimeout(cb, 1500));
  idle(() => void load());
}
