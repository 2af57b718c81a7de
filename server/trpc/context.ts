import { TRPCError } from '@trpc/server';
import { CSRF_HEADER } from '../../shared/limits.js';
import type { Request, Response } from 'express';
import { resolveSession, type SessionInfo } from '../core/accounts/accounts.service.js';
import { takeRateLimitToken } from '../core/api-keys/api-keys.service.js';
import type { BucketLimit } from '../core/api-keys/rate-limit.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { clearSessionCookie, readDeviceToken, readReadAfter, readSessionToken, setDeviceCookie, setReadAfterCookie, setSessionCookie } from '../http/session-cookie.js';


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
  /** The primary's WAL position after this browser's last mutation (read-your-writes with a replica). */
  readAfter?: string | null;
  /** Remembers that position in the browser after a mutation. */
  noteWrite?(lsn: string): void;
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

/**
 * The Express context: the session from its cookie, then one token from the caller's bucket (the session's,
 * or the IP's when signed out) in PostgreSQL, so the limit holds across instances. One HTTP request (a
 * batch of at most MAX_TRPC_BATCH calls) takes one token.
 */
export function contextFactory(deps: CoreDeps, options: { rateLimit: BucketLimit }) {
  return async ({ req, res }: { req: Request; res: Response }): Promise<InnerContext> => {
    const secure = deps.appUrl.startsWith('https://');
    const contentType = String(req.headers['content-type'] ?? '');
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const session = await resolveSession(deps.db, readSessionToken(req, secure));
    const decision = await takeRateLimitToken(deps.db, session ? `dashboard:session:${session.tokenHash}` : `dashboard:ip:${ip}`, options.rateLimit);
    if (!decision.allowed) {
      res.setHeader('Retry-After', String(decision.retryAfter));
      throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'Too many requests. Please slow down and try again in a moment.' });
    }
    return {
      deps,
      session,
      ip,
      userAgent: req.get('user-agent') ?? null,
      csrfOk: contentType.startsWith('application/json') && req.get(CSRF_HEADER) === '1',
      deviceToken: readDeviceToken(req, secure),
      setSession: (token, expiresAt) => setSessionCookie(res, token, expiresAt, secure),
      clearSession: () => clearSessionCookie(res, secure),
      setDevice: (token) => setDeviceCookie(res, token, secure),
      readAfter: readReadAfter(req) ?? null,
      noteWrite: (lsn) => setReadAfterCookie(res, lsn, secure),
    };
  };
}
