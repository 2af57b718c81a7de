import type { NextFunction, Request, Response } from 'express';

/**
 * The dashboard's Content-Security-Policy: only this origin's scripts (the built SPA has no inline script;
 * server/http/security-headers.test.ts checks the build), no framing by any site.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // The favicon is a data: URL in index.html.
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function dashboardHeaders(res: Response) {
  res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
  res.setHeader('X-Frame-Options', 'DENY');
}

/**
 * Headers on every response, as name, value pairs; HSTS only when the public URL is https (a plain-http dev
 * setup must stay reachable). /v1 writes these with its own headers in one writeHead (server/api/pipeline.ts).
 */
export function baseHeaderPairs(appUrl: string): string[] {
  const pairs = ['X-Content-Type-Options', 'nosniff', 'Referrer-Policy', 'strict-origin-when-cross-origin'];
  if (appUrl.startsWith('https://')) pairs.push('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  return pairs;
}

export function baseHeaders(appUrl: () => string) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const pairs = baseHeaderPairs(appUrl());
    for (let i = 0; i < pairs.length; i += 2) res.setHeader(pairs[i], pairs[i + 1]);
    next();
  };
}

/** API and BFF answers carry account data: no cache (browser, proxy or CDN) may keep them. */
export function noStore(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
