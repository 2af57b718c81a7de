import type { Request, Response } from 'express';

// Over https the __Host- prefix pins the cookie to this exact origin (Secure, Path=/, no Domain).
function cookieName(secure: boolean) {
  return secure ? '__Host-pf_session' : 'pf_session';
}

function deviceCookieName(secure: boolean) {
  return secure ? '__Host-pf_device' : 'pf_device';
}

export function readSessionToken(req: Request, secure: boolean): string | undefined {
  return readCookie(req, cookieName(secure));
}

/** The device cookie set by a successful sign-in (see server/core/accounts/devices.ts). */
export function readDeviceToken(req: Request, secure: boolean): string | undefined {
  return readCookie(req, deviceCookieName(secure));
}

const DEVICE_COOKIE_MS = 365 * 24 * 3_600_000;
export function setDeviceCookie(res: Response, token: string, secure: boolean) {
  res.cookie(deviceCookieName(secure), token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: DEVICE_COOKIE_MS });
}

function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return undefined; // a mangled cookie is no session, not a server error
    }
  }
  return undefined;
}

export function setSessionCookie(res: Response, token: string, expiresAt: Date, secure: boolean) {
  res.cookie(cookieName(secure), token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
}

export function clearSessionCookie(res: Response, secure: boolean) {
  res.clearCookie(cookieName(secure), { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}

/**
 * Read-your-writes with a replica: the primary's WAL position after the member's last mutation. Not a
 * secret (a forged one only sends that browser's reads to the primary); it expires once any replica would
 * long have replayed it.
 */
const READ_AFTER_COOKIE = 'pf_read_after';
const READ_AFTER_MS = 10 * 60_000;

export function readReadAfter(req: Request): string | undefined {
  return readCookie(req, READ_AFTER_COOKIE);
}

export function setReadAfterCookie(res: Response, lsn: string, secure: boolean) {
  res.cookie(READ_AFTER_COOKIE, lsn, { httpOnly: true, sameSite: 'lax', secure, path: '/trpc', maxAge: READ_AFTER_MS });
}
