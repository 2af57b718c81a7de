import type { Page } from '@playwright/test';
import { expect, test, trpcClient } from './fixtures';

/** Records every Content-Security-Policy violation the page reports (the listener is installed by the browser, not by the page). */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`));
  });
  const console: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) console.push(m.text()); });
  return async () => [...console, ...(await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []))];
}

test('the dashboard runs under its CSP (no inline script) and refuses to be framed', async ({ page, account: _ }) => {
  const violations = await watchCsp(page);
  const response = await page.goto('/');
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible();
  for (const route of ['/payments', '/customers', '/developers', '/settings']) {
    await page.goto(route);
    await expect(page.getByRole('main')).toBeVisible();
    expect(await violations(), route).toEqual([]);
  }
  // Chromium enforces frame-ancestors: a page that frames the dashboard gets an empty frame.
  await page.setContent(`<iframe src="${new URL('/', page.url()).toString()}" title="framed"></iframe>`);
  const frame = page.frame({ url: /\/$/ });
  await expect.poll(async () => frame ? await frame.locator('#root').count().catch(() => 0) : 0).toBe(0);
});

test('a developer sees live-mode keys but cannot create, roll or revoke them; an owner can', async ({ page, account: _, member }) => {
  const developer = await member('developer');
  await trpcClient(developer.context.request).mutation('auth.setMode', { livemode: true });
  await developer.page.goto('/developers');
  await expect(developer.page.getByText('You are viewing')).toContainText('live mode');
  await expect(developer.page.getByTestId('live-keys-read-only')).toBeVisible();
  await expect(developer.page.getByRole('button', { name: 'Create secret key' })).toHaveCount(0);
  await expect(developer.page.getByRole('button', { name: /^Actions for / })).toHaveCount(0);

  // In test mode the same developer manages keys.
  await trpcClient(developer.context.request).mutation('auth.setMode', { livemode: false });
  await developer.page.reload();
  await expect(developer.page.getByRole('button', { name: 'Create secret key' })).toBeVisible();

  await trpcClient(page.context().request).mutation('auth.setMode', { livemode: true });
  await page.goto('/developers');
  await expect(page.getByText('You are viewing')).toContainText('live mode');
  await expect(page.getByRole('button', { name: 'Create secret key' })).toBeVisible();
  await expect(page.getByTestId('live-keys-read-only')).toHaveCount(0);
});
