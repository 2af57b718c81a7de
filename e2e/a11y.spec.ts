import AxeBuilder from '@axe-core/playwright';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test, trpcClient } from './fixtures';

/**
 * Every page of the dashboard, checked with axe-core (WCAG 2.1 A and AA rules): no serious or critical
 * violations. Pages are checked with data in them, so tables, badges, timelines and dialogs are covered.
 */

async function expectAccessible(page: Page, name: string) {
  // Skeletons gone and opening animations (dialogs, panels, fades) finished, so what is measured is what people see.
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = blocking.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n  ')}`).join('\n');
  expect(report, `${name} has accessibility violations`).toBe('');
}

interface Seeded { customerId: string; paymentId: string }

/** A customer, a partly refunded payment and a declined one, made through the public API and the dashboard. */
async function seed(request: APIRequestContext, secret: string): Promise<Seeded> {
  const headers = { authorization: `Bearer ${secret}` };
  const customer = await (await request.post('/v1/customers', { headers, form: { name: 'Ada Lovelace', email: 'ada@example.com', 'metadata[tier]': 'gold' } })).json();
  const intent = await (await request.post('/v1/payment_intents', { headers, form: { amount: '4200', currency: 'usd', customer: customer.id, description: 'Telescope' } })).json();
  await request.post(`/v1/payment_intents/${intent.id}/confirm`, { headers, form: { payment_method: 'pm_card_visa' } });
  const declined = await (await request.post('/v1/payment_intents', { headers, form: { amount: '990', currency: 'eur' } })).json();
  await request.post(`/v1/payment_intents/${declined.id}/confirm`, { headers, form: { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' } });
  await trpcClient(request).mutation('payments.refund', { id: intent.id, amount: 1000, reason: 'requested_by_customer', note: 'Scratched lens' });
  return { customerId: customer.id, paymentId: intent.id };
}

test('the sign-in page', async ({ page }) => {
  await page.goto('/signin');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expectAccessible(page, 'Sign in');
});

const PAGES: Array<{ name: string; path: (s: Seeded) => string; ready: (page: Page) => Promise<void> }> = [
  { name: 'Home', path: () => '/', ready: async (page) => { await expect(page.locator('main a[href="/payments"]').first()).toBeVisible(); } },
  { name: 'Payments', path: () => '/payments', ready: async (page) => { await expect(page.locator('table tbody tr')).toHaveCount(2); } },
  { name: 'Payment detail', path: (s) => `/payments/${s.paymentId}`, ready: async (page) => { await expect(page.getByRole('list', { name: 'Timeline' })).toBeVisible(); } },
  { name: 'Refunds', path: () => '/refunds', ready: async (page) => { await expect(page.locator('table tbody tr')).toHaveCount(1); } },
  { name: 'Customers', path: () => '/customers', ready: async (page) => { await expect(page.locator('table tbody tr')).toHaveCount(1); } },
  { name: 'Customer detail', path: (s) => `/customers/${s.customerId}`, ready: async (page) => { await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ada Lovelace'); } },
  { name: 'Developers', path: () => '/developers', ready: async (page) => { await expect(page.locator('[data-testid^="api-key-token-"]').first()).toBeVisible(); } },
  { name: 'Settings', path: () => '/settings', ready: async (page) => { await expect(page.getByLabel('Business name')).not.toHaveValue(''); } },
  { name: 'Team settings', path: () => '/settings?tab=team', ready: async (page) => { await expect(page.getByRole('button', { name: 'Invite member' })).toBeVisible(); } },
  { name: 'Security settings', path: () => '/settings?tab=security', ready: async (page) => { await expect(page.getByRole('list', { name: 'Active sessions' })).toBeVisible(); } },
  { name: 'Balances', path: () => '/balances', ready: async (page) => { await expect(page.getByTestId('pending-usd')).toBeVisible(); } },
  { name: 'Balance transactions', path: () => '/balances/transactions', ready: async (page) => { await expect(page.locator('table tbody tr')).toHaveCount(2); } },
  { name: 'Payouts and fees settings', path: () => '/settings?tab=payouts', ready: async (page) => { await expect(page.getByLabel('Card fee (%)')).toHaveValue('2.9'); } },
];

test('the forgot-password and accept-invitation pages', async ({ account: _, trpc, browser, baseURL, extraHTTPHeaders }) => {
  const { url } = await trpc.mutation<{ url: string }>('invitations.create', { email: `a11y-${Date.now()}@example.test`, role: 'viewer' });
  const signedOut = await browser.newContext({ baseURL, extraHTTPHeaders });
  try {
    const other = await signedOut.newPage();
    await other.goto('/forgot-password');
    await expect(other.getByRole('button', { name: 'Send reset link' })).toBeVisible();
    await expectAccessible(other, 'Forgot password');
    await other.goto(new URL(url).pathname + new URL(url).search);
    await expect(other.getByRole('button', { name: 'Create account and join' })).toBeVisible();
    await expectAccessible(other, 'Accept invitation');
  } finally {
    await signedOut.close();
  }
});

for (const { name, path, ready } of PAGES) {
  test(`the ${name} page`, async ({ page, apiKeys }) => {
    const seeded = await seed(page.request, apiKeys.secret);
    await page.goto(path(seeded));
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await ready(page);
    await expectAccessible(page, name);
  });
}

test('the payments filter panel, command palette and refund dialog', async ({ page, apiKeys }) => {
  const seeded = await seed(page.request, apiKeys.secret);
  await page.goto('/payments');
  await expect(page.locator('table tbody tr')).toHaveCount(2);
  await page.getByRole('button', { name: 'Status filter' }).click();
  await expect(page.getByRole('group', { name: 'Status filter' })).toBeVisible();
  await expectAccessible(page, 'Payments filter panel');
  await page.keyboard.press('Escape');

  await page.keyboard.press('ControlOrMeta+k');
  await page.getByRole('dialog', { name: 'Go to' }).getByRole('combobox').fill(seeded.customerId);
  await expect(page.getByRole('option', { name: /ada@example\.com/ })).toBeVisible();
  await expectAccessible(page, 'Command palette');
  await page.keyboard.press('Escape');

  await page.goto(`/payments/${seeded.paymentId}`);
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Refund payment' })).toBeVisible();
  await expect(page.getByRole('dialog').getByRole('radio', { name: /Full refund/ })).toBeFocused();
  await expectAccessible(page, 'Refund dialog');
});
