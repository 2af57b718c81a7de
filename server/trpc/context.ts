import type { Request, Response } from 'express';
import { resolveSession, type SessionInfo } from '../core/accounts/accounts.service.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { clearSessionCookie, readDeviceToken, readSessionToken, setDeviceCookie, setSessionCookie } from '../http/session-cookie.js';

export const CSRF_HEADER = 'x-paymentflow-csrf';

/** The inner context: everything a procedure uses. Tests build it directly with createInnerContext. */
export interface InnerContext {
  deps: CoreDeps;
  session: SessionInfo | null;
  ip: string;
  userAgent: string | null;
  /** True when the request carries a JSON content type and the custom CSRF header. */
  csrfOk: boolean;
  /** The device cookie a successful sign-in left in this browser (own throttle budget for that account). */
  deviceToken?: string;
  setSession(token: string, expiresAt: Date): void;
  clearSession(): void;
  setDevice(token: string): void;
}

export function createInnerContext(input: Partial<InnerContext> & { deps: CoreDeps }): InnerContext {
  return {
    session: null,
    ip: '127.0.0.1',
    userAgent: null,
    csrfOk: true,
    setSession: () => {},
    clearSession: () => {},
    setDevice: () => {},
    ...input,
  };
}

export function contextFactory(deps: CoreDeps) {
  return async ({ req, res }: { req: Request; res: Response }): Promise<InnerContext> => {
    const secure = deps.appUrl.startsWith('https://');
    const contentType = String(req.headers['content-type'] ?? '');
    return {
      deps,
      session: await resolveSession(deps.db, readSessionToken(req, secure)),
      ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      userAgent: req.get('user-agent') ?? null,
      csrfOk: contentType.startsWith('application/json') && req.get(CSRF_HEADER) === '1',
      deviceToken: readDeviceToken(req, secure),
      setSession: (token, expiresAt) => setSessionCookie(res, token, expiresAt, secure),
      clearSession: () => clearSessionCookie(res, secure),
      setDevice: (token) => setDeviceCookie(res, token, secure),
    };
  };
}
