import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_TRPC_BATCH } from '../../shared/contracts/dashboard.js';
import { createApp, type AppOptions } from '../app.js';
import { createSession } from '../core/accounts/accounts.service.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../test/db.js';
import { CSRF_HEADER } from '../../shared/limits.js';
import { DASHBOARD_CSP } from './security-headers.js';

let t: TestDatabase;
const servers: Server[] = [];
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => {
  for (const s of servers) { s.closeAllConnections(); s.close(); }
  await t.drop();
});

/** The real app on a free port; `appUrl` is what deps.appUrl says the public origin is. */
async function serve(options: AppOptions & { appUrl?: string } = {}): Promise<string> {
  const deps: CoreDeps = { ...t.deps };
  const app = createApp(deps, { logErrors: true, ...options });
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  servers.push(server);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  deps.appUrl = options.appUrl ?? origin;
  return origin;
}

const mutation = (origin: string, procedure: string, body: string, cookie?: string) =>
  fetch(`${origin}/trpc/${procedure}`, { method: 'POST', headers: { 'content-type': 'application/json', [CSRF_HEADER]: '1', ...(cookie ? { cookie } : {}) }, body });

async function sessionCookie() {
  const m = await createTestMerchant(t.db);
  const { token } = await createSession(t.db, m.user.id, m.merchant.id);
  return `pf_session=${token}`;
}

describe('/trpc input limits', () => {
  it('answers 400 to JSON nested 5,000 deep on any route, without logging a stack trace', async () => {
    const origin = await serve();
    const cookie = await sessionCookie();
    const errors = vi.spyOn(console, 'error');
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    for (const [procedure, body] of [
      ['auth.signIn', `{"email":"a@example.test","password":${deep}}`],
      ['preferences.set', `{"key":"payments.columns","value":${deep}}`],
      ['views.create', `{"page":"payments","name":"x","params":{"q":${deep}}}`],
      ['auth.signIn?batch=1', `{"0":${deep}}`],
    ]) {
      const response = await mutation(origin, procedure, body, cookie);
      expect(response.status, procedure).toBe(400);
      expect((await response.json()).error).toMatchObject({ data: { code: 'BAD_REQUEST', httpStatus: 400 } });
    }
    // A query's input in the URL is held to the same depth.
    const response = await fetch(`${origin}/trpc/payments.list?input=${encodeURIComponent('['.repeat(200) + ']'.repeat(200))}`, { headers: { cookie } });
    expect(response.status).toBe(400);
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  it('still accepts ordinary nested input (strings with brackets do not count)', async () => {
    const origin = await serve();
    const cookie = await sessionCookie();
    const response = await mutation(origin, 'preferences.set', JSON.stringify({ key: 'payments.columns', value: { a: [[{ b: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[' }]] } }), cookie);
    expect(response.status).toBe(200);
    expect((await response.json()).result.data.value.a[0][0].b).toMatch(/^\[+$/);
  });

  it('lets the evidence upload carry a 5 MB file (base64, about 6.7 MB of JSON); other procedures stay at 1 MB', async () => {
    const origin = await serve();
    const cookie = await sessionCookie();
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5 * 1024 * 1024 - 9, 0x20)]);
    const upload = await mutation(origin, 'disputes.uploadFile', JSON.stringify({ filename: 'big.pdf', type: 'application/pdf', contentBase64: pdf.toString('base64') }), cookie);
    expect(upload.status).toBe(200);
    expect((await upload.json()).result.data).toMatchObject({ object: 'file', purpose: 'dispute_evidence', size: 5 * 1024 * 1024, type: 'pdf' });
    const other = await mutation(origin, 'preferences.set', JSON.stringify({ key: 'payments.columns', value: { a: 'x'.repeat(2 * 1024 * 1024) } }), cookie);
    expect(other.status).toBe(413);
  });

  it(`caps a batch at ${MAX_TRPC_BATCH} calls`, async () => {
    const origin = await serve();
    const cookie = await sessionCookie();
    const batch = (n: number) => fetch(`${origin}/trpc/${Array(n).fill('auth.me').join(',')}?batch=1&input=${encodeURIComponent('{}')}`, { headers: { cookie } });
    expect((await batch(MAX_TRPC_BATCH)).status).toBe(200);
    const refused = await batch(MAX_TRPC_BATCH + 1);
    expect(refused.status).toBe(400);
  });
});

describe('dashboard rate limit', () => {
  it('limits each session, in a bucket shared by every instance, and answers 429 with Retry-After', async () => {
    const limit = { rate: 0.01, burst: 3 };
    const a = await serve({ dashboardRateLimit: limit });
    const b = await serve({ dashboardRateLimit: limit });
    const cookie = await sessionCookie();
    const me = (origin: string, c = cookie) => fetch(`${origin}/trpc/auth.me`, { headers: { cookie: c } });
    expect((await me(a)).status).toBe(200);
    expect((await me(b)).status).toBe(200);
    expect((await me(a)).status).toBe(200);
    const refused = await me(b);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another member's session has its own bucket.
    expect((await me(a, await sessionCookie())).status).toBe(200);
  });
});

describe('security headers', () => {
  it('sends Cache-Control: no-store on /trpc and /v1, errors included', async () => {
    const origin = await serve();
    for (const url of ['/trpc/auth.me', '/v1/customers', '/v1/nothing-here']) {
      const response = await fetch(origin + url);
      expect(response.headers.get('cache-control'), url).toMatch(/(^|[ ,])no-store($|[ ,])/);
    }
    expect((await fetch(`${origin}/v1/customers`)).status).toBe(401);
  });

  it('sends HSTS only when APP_URL is https', async () => {
    const https = await serve({ appUrl: 'https://pay.example.com' });
    expect((await fetch(`${https}/health`)).headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    const http = await serve();
    expect((await fetch(`${http}/health`)).headers.get('strict-transport-security')).toBeNull();
  });

  it('serves the dashboard HTML with a CSP that allows no inline script and no framing', async () => {
    const webDist = mkdtempSync(path.join(os.tmpdir(), 'pf-web-'));
    writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><div id="root"></div>');
    try {
      const origin = await serve({ webDist });
      for (const url of ['/', '/payments?status=succeeded', '/index.html']) {
        const response = await fetch(origin + url, { headers: { accept: 'text/html' } });
        expect(response.status, url).toBe(200);
        const csp = response.headers.get('content-security-policy') ?? '';
        expect(csp, url).toBe(DASHBOARD_CSP);
        const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
        expect(scriptSrc).toBe("script-src 'self'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(response.headers.get('x-frame-options')).toBe('DENY');
      }
    } finally {
      rmSync(webDist, { recursive: true, force: true });
    }
  });

  it('the SPA page has no inline script or event handler for Vite to carry into the build', () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
    const html = readFileSync(path.join(root, 'web', 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\ssrc=/);
      expect(body.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
  });
});
