import type { SecondFactorMethod } from '../../shared/contracts/two-factor';

/**
 * Between the password and the second factor, the sign-in challenge lives in this tab's sessionStorage (not
 * a cookie: it opens nothing by itself, and a reload of the second-factor page keeps it).
 */
const KEY = 'pf.signInChallenge';

export interface PendingSignIn { challenge: string; methods: SecondFactorMethod[]; email: string }

export function savePendingSignIn(pending: PendingSignIn) {
  sessionStorage.setItem(KEY, JSON.stringify(pending));
}

export function readPendingSignIn(): PendingSignIn | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as PendingSignIn | null;
    return value && typeof value.challenge === 'string' && Array.isArray(value.methods) ? value : null;
  } catch {
    return null;
  }
}

export function clearPendingSignIn() {
  sessionStorage.removeItem(KEY);
}

/** WebAuthn refuses IP addresses as the site's name: on a loopback IP, passkeys work on localhost instead. */
export function passkeyHostHint(): string | null {
  const { hostname, port, protocol, pathname, search } = window.location;
  if (hostname !== '127.0.0.1' && hostname !== '[::1]') return null;
  return `${protocol}//localhost${port ? `:${port}` : ''}${pathname}${search}`;
}

/** A WebAuthn failure in words (the browser's own are technical or empty). */
export function passkeyErrorMessage(error: unknown): string {
  const name = (error as { name?: string })?.name;
  if (name === 'NotAllowedError') return 'The passkey request was cancelled or timed out. Try again.';
  if (name === 'InvalidStateError') return 'This passkey is already registered.';
  if (name === 'SecurityError') return 'Passkeys are not available on this address. Open the dashboard on its usual address and try again.';
  return (error as Error)?.message || 'The passkey did not work. Try again or use another method.';
}
