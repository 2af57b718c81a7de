import type { Page } from '@playwright/test';
import { expect, newCredentials, test, trpcClient } from './fixtures';

/**
 * Issue 14 "done when": every settings page (team, security with sessions and two-factor, audit log, API
 * keys) looks finished at 1440 px and 390 px, with real content in it. Each page is photographed (attached
 * to the report) and checked for sideways scroll. The audit log names the API key behind a REST action and
 * filters by API keys.
 */

async function ready(page: Page) {
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

/**
 * A screenshot of the whole page as a window that tall would show it (the sidebar is as tall as the window,
 * so a full-page capture of a short window would cut it off), and a check that nothing scrolls sideways.
 */
async function photograph(page: Page, name: string) {
  const viewport = page.viewportSize()!;
  const width = viewport.width;
  const file = test.info().outputPath(`${name}-${width}.png`);
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth, `${name} scrolls sideways at ${width}px`).toBeLessThanOrEqual(width);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width, height: Math.max(viewport.height, height) });
  await page.screenshot({ path: file });
  await page.setViewportSize(viewport);
  await test.info().attach(`${name}-${width}.png`, { path: file, contentType: 'image/png' });
}

for (const width of [1440, 390]) {
  test(`settings pages look finished at ${width}px`, async ({ page, account, apiKeys, member, browser, baseURL }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
    // Content: a team member, a pending invitation, a second session, actions by a key through the API.
    const support = await member('support');
    await trpcClient(page.request).mutation('invitations.create', { email: newCredentials('finance').email, role: 'finance' });
    const otherDevice = await browser.newContext({ baseURL, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1' });
    await trpcClient(otherDevice.request).mutation('auth.signIn', { email: account.email, password: account.password });
    const headers = { authorization: `Bearer ${apiKeys.secret}`, 'user-agent': 'Stripe/v1 NodeBindings/17.0.0' };
    const customer = await (await page.request.post('/v1/customers', { headers, form: { email: 'api-buyer@example.test', name: 'Api Buyer' } })).json();
    expect((await page.request.post(`/v1/customers/${customer.id}`, { headers, form: { name: 'Api Buyer Renamed' } })).ok()).toBe(true);

    await page.goto('/settings?tab=team');
    await ready(page);
    await expect(page.getByText(support.email).first()).toBeVisible();
    await photograph(page, 'settings-team');

    await page.goto('/settings?tab=security');
    await ready(page);
    await expect(page.getByText(/iPhone|iOS/).first()).toBeVisible();
    await photograph(page, 'settings-security');

    await page.goto('/settings?tab=account');
    await ready(page);
    await photograph(page, 'settings-account');

    await page.goto('/settings?tab=audit');
    await ready(page);
    // The REST action is shown as done by the API key (named "e2e" by the fixture), not by a member.
    const byKey = page.getByText('e2e', { exact: true }).filter({ visible: true }).first();
    await expect(byKey).toBeVisible();
    await expect(page.getByText('Secret key').filter({ visible: true }).first()).toBeVisible();
    await photograph(page, 'settings-audit');

    await page.getByLabel('Done by').selectOption('api_key');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/by=api_key/);
    // Only the key's two actions are left (the member's sign-in and key creation are filtered out).
    const rows = page.locator('tbody tr, ul[aria-label="Audit log entries"] > li').filter({ visible: true });
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText('Customer updated');
    await expect(rows.nth(1)).toContainText('Customer created');
    for (const row of await rows.all()) await expect(row).toContainText('Secret key');
    await photograph(page, 'settings-audit-api-keys');

    await page.goto('/developers');
    await ready(page);
    await photograph(page, 'developers-api-keys');
    await otherDevice.close();
  });
}
