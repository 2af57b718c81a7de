import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test, trpcClient } from './fixtures';

/**
 * Every page of the dashboard, checked with axe-core (WCAG 2.1 A and AA rules): no serious or critical
 * violations. Pages are checked with data in them, so tables, badges and timelines are covered too.
 */

async function expectAccessible(page: Page, name: string) {
  // Wait for the page to settle: no skeletons left.
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = blocking.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n  ')}`).join('\n');
  expect(report, `${name} has accessibility violations`).toBe('');
}

test('the sign-in page', async ({ page }) => {
  await page.goto('/signin');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expectAccessible(page, 'Sign in');
});

test('every signed-in page', async ({ page, apiKeys }) => {
  test.setTimeout(90_000);
  const headers = { authorization: `Bearer ${apiKeys.secret}` };
  const customer = await (await page.request.post('/v1/customers', { headers, form: { name: 'Ada Lovelace', email: 'ada@example.com', 'metadata[tier]': 'gold' } })).json();
  const intent = await (await page.request.post('/v1/payment_intents', { headers, form: { amount: '4200', currency: 'usd', customer: customer.id, description: 'Telescope' } })).json();
  await page.request.post(`/v1/payment_intents/${intent.id}/confirm`, { headers, form: { payment_method: 'pm_card_visa' } });
  const declined = await (await page.request.post('/v1/payment_intents', { headers, form: { amount: '990', currency: 'eur' } })).json();
  await page.request.post(`/v1/payment_intents/${declined.id}/confirm`, { headers, form: { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' } });
  await trpcClient(page.request).mutation('payments.refund', { id: intent.id, amount: 1000, reason: 'requested_by_customer', note: 'Scratched lens' });

  const pages: Array<[string, string, () => Promise<void>]> = [
    ['Home', '/', async () => {}],
    ['Payments', '/payments', async () => { await expect(page.locator('table tbody tr')).toHaveCount(2); }],
    ['Payment detail', `/payments/${intent.id}`, async () => { await expect(page.getByRole('list', { name: 'Timeline' })).toBeVisible(); }],
    ['Refunds', '/refunds', async () => { await expect(page.locator('table tbody tr')).toHaveCount(1); }],
    ['Customers', '/customers', async () => { await expect(page.locator('table tbody tr')).toHaveCount(1); }],
    ['Customer detail', `/customers/${customer.id}`, async () => { await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ada Lovelace'); }],
    ['Developers', '/developers', async () => {}],
    ['Settings', '/settings', async () => {}],
  ];
  for (const [name, path, ready] of pages) {
    await test.step(name, async () => {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await ready();
      await expectAccessible(page, name);
    });
  }

  await test.step('Payments with a filter panel open', async () => {
    await page.goto('/payments');
    await page.getByRole('button', { name: 'Status filter' }).click();
    await expectAccessible(page, 'Payments filter panel');
  });

  await test.step('Command palette', async () => {
    await page.goto('/payments');
    await expect(page.locator('table tbody tr')).toHaveCount(2);
    await page.keyboard.press('ControlOrMeta+k');
    await page.getByRole('dialog', { name: 'Go to' }).getByRole('combobox').fill(customer.id);
    await expect(page.getByRole('option', { name: /ada@example\.com/ })).toBeVisible();
    await page.waitForTimeout(300); // let the opening animation finish, so colours are measured at full opacity
    await expectAccessible(page, 'Command palette');
    await page.keyboard.press('Escape');
  });

  await test.step('Refund dialog', async () => {
    await page.goto(`/payments/${intent.id}`);
    await page.getByRole('button', { name: 'Refund' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await expectAccessible(page, 'Refund dialog');
  });
});
