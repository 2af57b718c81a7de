import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures';

/** The command palette (Ctrl/Cmd+K) as support staff use it: by name, part of an email, a card's last 4. */

async function customerWithPayment(request: APIRequestContext, secret: string, p: { name: string; email: string; amount: number; card: string }) {
  const headers = { authorization: `Bearer ${secret}` };
  const customer = await (await request.post('/v1/customers', { headers, form: { name: p.name, email: p.email } })).json();
  const intent = await (await request.post('/v1/payment_intents', { headers, form: { amount: String(p.amount), currency: 'usd', customer: customer.id } })).json();
  const confirmed = await request.post(`/v1/payment_intents/${intent.id}/confirm`, { headers, form: { payment_method: p.card } });
  expect(confirmed.ok()).toBe(true);
  return { customerId: customer.id as string, paymentId: intent.id as string };
}

test('finds customers by name and part of an email, payments by last 4, and remembers what was opened', async ({ page, apiKeys }) => {
  const levi = await customerWithPayment(page.request, apiKeys.secret, { name: 'Levi Okafor', email: 'l.okafor@harbour.example', amount: 2500, card: 'pm_card_mastercard' });
  const ada = await customerWithPayment(page.request, apiKeys.secret, { name: 'Ada Byron', email: 'ada@analytical.example', amount: 4200, card: 'pm_card_visa' });

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const palette = page.getByRole('dialog', { name: 'Go to' });
  const input = palette.getByRole('combobox');

  // Nothing opened yet: no recent items, only pages.
  await page.keyboard.press('ControlOrMeta+k');
  await expect(input).toBeFocused();
  await expect(palette.getByText('Recent', { exact: true })).toHaveCount(0);

  await input.fill('levi');
  const leviOption = palette.getByRole('option', { name: /l\.okafor@harbour\.example/ });
  await expect(leviOption).toBeVisible();
  await expect(leviOption).toHaveAttribute('aria-selected', 'true');
  await expect(palette.getByRole('option', { name: /ada@analytical/ })).toHaveCount(0);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/customers/${levi.customerId}$`));

  // Part of an email without the @ finds the customer and their payment.
  await page.keyboard.press('ControlOrMeta+k');
  await input.fill('analytic');
  await expect(palette.getByRole('option', { name: /ada@analytical\.example.*Customer/ })).toBeVisible();
  await expect(palette.getByRole('option', { name: /\$42\.00/ })).toBeVisible();

  // The last 4 of a card finds its payment.
  await input.fill('4242');
  const visaPayment = palette.getByRole('option', { name: /\$42\.00 · Succeeded · visa •••• 4242/ });
  await expect(visaPayment).toBeVisible();
  await expect(palette.getByRole('option', { name: /\$25\.00/ })).toHaveCount(0);
  await visaPayment.click();
  await expect(page).toHaveURL(new RegExp(`/payments/${ada.paymentId}$`));

  // Reopened empty: the two objects opened, newest first, above the pages.
  await page.keyboard.press('ControlOrMeta+k');
  await expect(input).toHaveValue('');
  const recent = palette.getByRole('group', { name: 'Recent' }).getByRole('option');
  await expect(recent).toHaveCount(2);
  await expect(recent.nth(0)).toContainText('$42.00');
  await expect(recent.nth(1)).toContainText('l.okafor@harbour.example');
  await expect(recent.nth(0)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/customers/${levi.customerId}$`));

  // Kept across reloads, for this member only.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.keyboard.press('ControlOrMeta+k');
  await expect(palette.getByRole('group', { name: 'Recent' }).getByRole('option').first()).toContainText('l.okafor@harbour.example');
});

test('recent items are kept per mode: a test-mode object is not offered in live mode', async ({ page, apiKeys, trpc }) => {
  const levi = await customerWithPayment(page.request, apiKeys.secret, { name: 'Levi Okafor', email: 'l.okafor@harbour.example', amount: 2500, card: 'pm_card_visa' });
  const palette = page.getByRole('dialog', { name: 'Go to' });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.keyboard.press('ControlOrMeta+k');
  await palette.getByRole('combobox').fill(levi.customerId);
  await palette.getByRole('option', { name: /l\.okafor/ }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${levi.customerId}$`));

  await trpc.mutation('auth.setMode', { livemode: true });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.keyboard.press('ControlOrMeta+k');
  await expect(palette.getByRole('combobox')).toBeFocused();
  await expect(palette.getByRole('option', { name: 'Payments' })).toBeVisible();
  await expect(palette.getByRole('group', { name: 'Recent' })).toHaveCount(0);
  await page.keyboard.press('Escape');

  await trpc.mutation('auth.setMode', { livemode: false });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.keyboard.press('ControlOrMeta+k');
  await expect(palette.getByRole('group', { name: 'Recent' }).getByRole('option')).toHaveCount(1);
});
