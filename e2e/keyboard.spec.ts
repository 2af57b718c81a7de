import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** Keyboard use of the dashboard: skip link, "/" to search, Escape to clear, dialogs ready to type. */

async function createRefundedPayment(page: Page, secret: string, p: { email: string; amount: number; refund: number }) {
  const headers = { authorization: `Bearer ${secret}` };
  const customer = await (await page.request.post('/v1/customers', { headers, form: { email: p.email } })).json();
  const intent = await (await page.request.post('/v1/payment_intents', { headers, form: { amount: String(p.amount), currency: 'usd', customer: customer.id } })).json();
  await page.request.post(`/v1/payment_intents/${intent.id}/confirm`, { headers, form: { payment_method: 'pm_card_visa' } });
  const refund = await (await page.request.post('/v1/refunds', { headers, form: { payment_intent: intent.id, amount: String(p.refund) } })).json();
  expect(refund.id).toMatch(/^re_/);
  return { paymentId: intent.id as string, refundId: refund.id as string };
}

test('a skip link is the first stop and moves focus to the page content', async ({ page, account: _ }) => {
  await page.goto('/customers');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.locator('#main')).toBeFocused();
  // The next Tab lands inside the page, not in the sidebar.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => Boolean(document.activeElement?.closest('#main')))).toBe(true);
});

test('"/" focuses the search, Enter keeps focus there, Escape clears it (payments, refunds, customers)', async ({ page, apiKeys }) => {
  const a = await createRefundedPayment(page, apiKeys.secret, { email: 'first.buyer@example.com', amount: 5000, refund: 1250 });
  const b = await createRefundedPayment(page, apiKeys.secret, { email: 'second.buyer@example.com', amount: 8000, refund: 3000 });
  const rows = page.locator('table tbody tr');

  for (const { path, box, query, matches } of [
    { path: '/payments', box: 'Search payments', query: 'first.buyer', matches: 1 },
    { path: '/refunds', box: 'Search refunds', query: 'second.buyer@', matches: 1 },
    { path: '/customers', box: 'Search customers', query: 'first.buyer', matches: 1 },
  ]) {
    await page.goto(path);
    await expect(rows).toHaveCount(2);
    const search = page.getByRole('searchbox', { name: box });
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('/');
    await expect(search, path).toBeFocused();
    await expect(search).toHaveValue('');
    await page.keyboard.type(query);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/q=/);
    await expect(rows).toHaveCount(matches);
    await expect(search, `${path}: focus stays after Enter`).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(search).toHaveValue('');
    await expect(page).not.toHaveURL(/q=/);
    await expect(rows).toHaveCount(2);
    await expect(search).toBeFocused();
  }

  // Refunds are found by their id, their payment, an amount and the search language too.
  const refundSearch = page.getByRole('searchbox', { name: 'Search refunds' });
  await page.goto('/refunds');
  for (const [query, amount] of [[b.refundId, '$30.00'], [a.paymentId, '$12.50'], ['12.50', '$12.50'], ['amount>2000', '$30.00']] as const) {
    await refundSearch.fill(query);
    await refundSearch.press('Enter');
    await expect(rows, query).toHaveCount(1);
    await expect(rows.first()).toContainText(amount);
  }
  await refundSearch.fill('ab');
  await refundSearch.press('Enter');
  await expect(page.getByText('Type at least 3 characters to search.')).toBeVisible();

  // "/" typed into a field is just a character.
  await refundSearch.fill('');
  await refundSearch.press('/');
  await expect(refundSearch).toHaveValue('/');
});

test('dialogs open on their first field', async ({ page, apiKeys }) => {
  const { paymentId } = await createRefundedPayment(page, apiKeys.secret, { email: 'dialog@example.com', amount: 5000, refund: 100 });
  await page.goto('/customers');
  await page.getByRole('button', { name: 'New customer' }).first().click();
  await expect(page.getByRole('dialog').getByLabel('Name')).toBeFocused();
  await page.keyboard.press('Escape');

  await page.goto('/developers');
  await page.getByRole('button', { name: 'Create secret key' }).click();
  await expect(page.getByRole('dialog').getByLabel('Key name')).toBeFocused();
  await page.keyboard.press('Escape');

  await page.goto(`/payments/${paymentId}`);
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  const refundDialog = page.getByRole('dialog');
  await expect(refundDialog).toBeVisible();
  const firstField = refundDialog.locator('input:not([type=hidden]), select, textarea').first();
  await expect(firstField).toBeFocused();
});
