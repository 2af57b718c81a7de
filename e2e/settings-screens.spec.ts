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

async function photograph(page: Page, name: string) {
  const width = page.viewportSize()!.width;
  const file = test.info().outputPath(`${name}-${width}.png`);
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  await page.screenshot({ path: file, fullPage: true });
  await test.info().attach(`${name}-${width}.png`, { path: file, contentType: 'image/png' });
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth, `${name} scrolls sideways at ${width}px`).toBeLessThanOrEqual(width);
}

for (const width of [1440, 390]) {
  test(`settings pages look finished at ${width}px`, async ({ page, account, apiKeys, member, browser, baseURL }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
    // Content: a team member, a pending invitation, a second session, actions by a key through the API.
    await member('support');
    await trpcClient(page.request).mutation('invitations.create', { email: newCredentials('finance').email, role: 'finance' });
    const otherDevice = await browser.newContext({ baseURL, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1' });
    await trpcClient(otherDevice.request).mutation('auth.signIn', { email: account.email, password: account.password });
    const headers = { authorization: `Bearer ${apiKeys.secret}`, 'user-agent': 'Stripe/v1 NodeBindings/17.0.0' };
    const customer = await (await page.request.post('/v1/customers', { headers, form: { email: 'api-buyer@example.test', name: 'Api Buyer' } })).json();
    expect((await page.request.post(`/v1/customers/${customer.id}`, { headers, form: { name: 'Api Buyer Renamed' } })).ok()).toBe(true);

    await page.goto('/settings?tab=team');
    await ready(page);
    await expect(page.getByText('Support specialist').first()).toBeVisible();
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
    const byKey = page.getByText('e2e', { exact: true }).first();
    await expect(byKey).toBeVisible();
    await expect(page.getByText('Secret key').first()).toBeVisible();
    await photograph(page, 'settings-audit');

    await page.getByLabel('Done by').selectOption('api_key');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/by=api_key/);
    await expect(page.getByText('Customer updated').first()).toBeVisible();
    await expect(page.getByText('Signed in')).toHaveCount(0);
    await photograph(page, 'settings-audit-api-keys');

    await page.goto('/developers');
    await ready(page);
    await photograph(page, 'developers-api-keys');
    await otherDevice.close();
  });
}
