import type { Request, Response } from 'express';

// Over https the __Host- prefix pins the cookie to this exact origin (Secure, Path=/, no Domain).
function cookieName(secure: boolean) {
  return secure ? '__Host-pf_session' : 'pf_session';
}

export function readSessionToken(req: Request, secure: boolean): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const name = cookieName(secure);
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
