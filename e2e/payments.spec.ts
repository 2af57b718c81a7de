import type { APIRequestContext, Page } from '@playwright/test';
import { openDatabase } from '../server/db/connect.js';
import { loadEnv } from '../server/env.js';
import { seedDemoHistory } from '../server/seed/demo-history.js';
import { expect, test, trpcClient } from './fixtures';

/**
 * The Payments area as a merchant's team uses it. Each test's merchant starts empty, so the payments it
 * needs are made through the public API with the merchant's own secret key.
 */

interface CreatedPayment { id: string; status: string }

async function createPayment(
  request: APIRequestContext,
  secret: string,
  params: { amount: number; currency?: string; paymentMethod?: string; description?: string; captureMethod?: 'manual' },
): Promise<CreatedPayment> {
  const headers = { authorization: `Bearer ${secret}` };
  const created = await request.post('/v1/payment_intents', {
    headers,
    form: {
      amount: String(params.amount),
      currency: params.currency ?? 'usd',
      description: params.description ?? 'E2E order',
      ...(params.captureMethod ? { capture_method: params.captureMethod } : {}),
    },
  });
  const intent = await created.json();
  if (!created.ok()) throw new Error(`Creating a payment failed (${created.status()}): ${JSON.stringify(intent)}`);
  // Confirmed separately so a declined card (402) still leaves us the intent's id.
  const confirmed = await request.post(`/v1/payment_intents/${intent.id}/confirm`, { headers, form: { payment_method: params.paymentMethod ?? 'pm_card_visa' } });
  const body = await confirmed.json();
  if (!confirmed.ok() && confirmed.status() !== 402) throw new Error(`Confirming ${intent.id} failed (${confirmed.status()}): ${JSON.stringify(body)}`);
  return { id: intent.id, status: confirmed.ok() ? body.status : 'requires_payment_method' };
}

/**
 * Payments made `daysAgo` days ago and earlier, written by the demo-history builder (the core's own
 * outcome planning, DTOs and events) into the merchant's test mode: the public API cannot backdate.
 */
async function seedPaymentsBefore(merchantId: string, daysAgo: number): Promise<void> {
  const env = loadEnv({ DATA_DIR: process.env.E2E_DATA_DIR ?? '.data', DATABASE_URL: process.env.DATABASE_URL, APP_URL: test.info().project.use.baseURL });
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, migrate: false, poolSize: 2 });
  try {
    // Enough for at least one payment on most of the 180 days the history spans.
    await seedDemoHistory({ db: database.db, secret: env.APP_SECRET, appUrl: env.APP_URL }, merchantId, () => {}, {
      customers: 3, payments: 400, now: new Date(Date.now() - daysAgo * 86_400_000), seed: 7,
    });
  } finally {
    // The app started this PostgreSQL, so closing here leaves it running.
    await database.close();
  }
}

const rows = (page: Page) => page.locator('table tbody tr');
/** A value in the payment's summary strip (Amount, Refunded, Refundable, Created). */
const summaryValue = (page: Page, label: string) => page.locator('dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');
const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search payments' });

test('filter by status and date through the UI; the URL keeps the view across reload and history', async ({ page, apiKeys }) => {
  await createPayment(page.request, apiKeys.secret, { amount: 2500, description: 'Tent' });
  await createPayment(page.request, apiKeys.secret, { amount: 1299, description: 'Headlamp' });
  await createPayment(page.request, apiKeys.secret, { amount: 4999, description: 'Stove', paymentMethod: 'pm_card_chargeDeclined' });

  await page.goto('/payments');
  await expect(rows(page)).toHaveCount(3);

  await page.getByRole('button', { name: 'Status filter' }).click();
  await page.getByRole('checkbox', { name: 'Failed' }).check();
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page).toHaveURL(/status=failed/);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('$49.99');
  await expect(rows(page).first()).toContainText('Failed');

  await page.getByRole('button', { name: 'Date filter' }).click();
  await page.getByRole('radio', { name: 'Last 7 days' }).check();
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/date=7d/);
  await expect(rows(page)).toHaveCount(1);

  await page.reload();
  await expect(page).toHaveURL(/status=failed/);
  await expect(page).toHaveURL(/date=7d/);
  await expect(page.getByRole('button', { name: 'Status filter: Failed' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Date filter: Last 7 days' })).toBeVisible();
  await expect(rows(page)).toHaveCount(1);

  // A custom range before the payments existed: the designed "no results" state, with a way out.
  await page.getByRole('button', { name: /^Date filter/ }).click();
  await page.getByRole('radio', { name: 'Custom range' }).check();
  await page.getByLabel('From', { exact: true }).fill('2020-01-01');
  await page.getByLabel('To', { exact: true }).fill('2020-01-31');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/from=2020-01-01/);
  await expect(page.getByText('No payments match these filters')).toBeVisible();

  // Back returns to the previous view, as the URL holds it.
  await page.goBack();
  await expect(page).toHaveURL(/date=7d/);
  await expect(rows(page)).toHaveCount(1);

  await page.getByRole('button', { name: 'Clear filters' }).first().click();
  await expect(page).toHaveURL((url) => url.search === '');
  await expect(rows(page)).toHaveCount(3);

  // Sorting by amount is in the URL too.
  await page.getByRole('button', { name: 'Amount', exact: true }).click();
  await expect(page).toHaveURL(/sort=amount/);
  await expect(rows(page).first()).toContainText('$49.99');
});

test('pasting a payment id into the search opens that payment', async ({ page, apiKeys }) => {
  const payment = await createPayment(page.request, apiKeys.secret, { amount: 3150, description: 'Sleeping bag' });
  await page.goto('/payments');
  await searchBox(page).fill(payment.id);
  await searchBox(page).press('Enter');
  await expect(page).toHaveURL(new RegExp(`/payments/${payment.id}$`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText('$31.50');
});

test('a malformed search query is explained next to the search box', async ({ page, account: _ }) => {
  await page.goto('/payments');
  await searchBox(page).fill('status:"succeeded" AND amount>');
  await searchBox(page).press('Enter');
  await expect(page.getByRole('alert')).toContainText('position');
  await expect(searchBox(page)).toHaveAttribute('aria-invalid', 'true');
});

test('a support member refunds part of a payment; the timeline, remaining amount and refunds list update', async ({ page, apiKeys, member }) => {
  const payment = await createPayment(page.request, apiKeys.secret, { amount: 2500, description: 'Trail shoes' });
  const support = await member('support');
  const p = support.page;

  await p.goto(`/payments/${payment.id}`);
  await expect(p.getByRole('heading', { level: 1 })).toContainText('$25.00');
  await p.getByRole('button', { name: 'Refund' }).click();
  const dialog = p.getByRole('dialog');
  await expect(dialog).toContainText('Up to $25.00 can still be refunded');
  await dialog.getByRole('radio', { name: 'Partial refund' }).check();
  await dialog.getByLabel(/Amount to refund/).fill('10.00');
  await dialog.getByLabel('Reason').selectOption('requested_by_customer');
  await dialog.getByLabel(/Internal note/).fill('Shoes arrived damaged');
  await dialog.getByRole('button', { name: 'Review refund' }).click();
  await expect(dialog.getByRole('heading', { name: 'Refund $10.00?' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Refund $10.00' }).click();
  await expect(dialog).toBeHidden();

  await expect(summaryValue(p, 'Refundable')).toHaveText('$15.00');
  await expect(summaryValue(p, 'Refunded')).toHaveText('$10.00');
  const timeline = p.getByRole('list', { name: 'Timeline' });
  await expect(timeline).toContainText(`$10.00 refund`);
  await expect(timeline).toContainText(support.email);
  await expect(timeline).toContainText('Shoes arrived damaged');
  await expect(p.getByRole('table', { name: 'Refunds of this payment' })).toContainText('$10.00');
  await expect(p.getByText('Partially refunded').first()).toBeVisible();

  await p.getByRole('link', { name: 'Payments', exact: true }).first().click();
  await p.getByRole('link', { name: 'Refunds', exact: true }).click();
  await expect(p).toHaveURL(/\/refunds$/);
  await expect(p.locator('table tbody tr')).toHaveCount(1);
  await expect(p.locator('table tbody tr').first()).toContainText('$10.00');
  await expect(p.locator('table tbody tr').first()).toContainText(payment.id);
});

test('an owner captures part of an authorized payment; the rest is released', async ({ page, apiKeys }) => {
  const payment = await createPayment(page.request, apiKeys.secret, { amount: 8000, description: 'Tent rental', captureMethod: 'manual' });
  expect(payment.status).toBe('requires_capture');
  await page.goto(`/payments/${payment.id}`);
  await expect(page.getByText('Uncaptured').first()).toBeVisible();
  await page.getByRole('button', { name: 'Capture', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('radio', { name: 'Partial amount' }).check();
  await dialog.getByLabel(/Amount to capture/).fill('90.00');
  await dialog.getByRole('button', { name: 'Review capture' }).click();
  await expect(dialog).toContainText('At most $80.00 can be captured');
  await dialog.getByLabel(/Amount to capture/).fill('60.00');
  await dialog.getByRole('button', { name: 'Review capture' }).click();
  await expect(dialog.getByRole('heading', { name: 'Capture $60.00?' })).toBeVisible();
  await expect(dialog).toContainText('$20.00');
  await dialog.getByRole('button', { name: 'Capture $60.00' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Succeeded').first()).toBeVisible();
  await expect(summaryValue(page, 'Refundable')).toHaveText('$60.00');

  const intent = await (await page.request.get(`/v1/payment_intents/${payment.id}`, { headers: { authorization: `Bearer ${apiKeys.secret}` } })).json();
  expect(intent).toMatchObject({ status: 'succeeded', amount: 8000, amount_received: 6000, amount_capturable: 0 });
});

test('a viewer has no refund action, and the server refuses a direct refund call', async ({ page, apiKeys, member }) => {
  const payment = await createPayment(page.request, apiKeys.secret, { amount: 1800 });
  const viewer = await member('viewer');

  await viewer.page.goto(`/payments/${payment.id}`);
  await expect(viewer.page.getByRole('heading', { level: 1 })).toContainText('$18.00');
  await expect(viewer.page.getByRole('button', { name: 'Refund' })).toHaveCount(0);
  await expect(viewer.page.getByRole('button', { name: 'Cancel payment' })).toHaveCount(0);

  const response = await viewer.context.request.post('/trpc/payments.refund', {
    headers: { 'content-type': 'application/json', 'x-paymentflow-csrf': '1' },
    data: { id: payment.id, amount: 100 },
  });
  expect(response.status()).toBe(403);
  // Nothing was refunded.
  const detail = await trpcClient(page.request).query<{ refundable: number }>('payments.get', { id: payment.id });
  expect(detail.refundable).toBe(1800);
});

test('a saved view brings back its filters in one click', async ({ page, apiKeys }) => {
  await createPayment(page.request, apiKeys.secret, { amount: 2000 });
  await page.goto('/payments?status=succeeded&date=30d&sort=amount');
  await expect(rows(page)).toHaveCount(1);

  await page.getByRole('button', { name: 'Views' }).click();
  await page.getByRole('button', { name: 'Save view' }).click();
  await page.getByRole('dialog').getByLabel('Name').fill('Succeeded this month');
  await page.getByRole('dialog').getByRole('button', { name: 'Save view' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();

  await page.goto('/payments');
  await expect(page.getByRole('button', { name: 'Status filter' })).toBeVisible();
  await page.getByRole('button', { name: 'Views' }).click();
  await page.getByRole('button', { name: 'Succeeded this month', exact: true }).click();
  await expect(page).toHaveURL(/status=succeeded/);
  await expect(page).toHaveURL(/date=30d/);
  await expect(page).toHaveURL(/sort=amount/);
  await expect(page.getByRole('button', { name: 'View: Succeeded this month' })).toBeVisible();

  // And it is gone once deleted.
  await page.getByRole('button', { name: 'View: Succeeded this month' }).click();
  await page.getByRole('button', { name: 'Delete view Succeeded this month' }).click();
  await expect(page.getByRole('button', { name: 'Succeeded this month', exact: true })).toHaveCount(0);
});

test('the columns a member hides stay hidden after a reload', async ({ page, apiKeys }) => {
  await createPayment(page.request, apiKeys.secret, { amount: 2000, description: 'Rain shell' });
  await page.goto('/payments');
  await expect(page.getByRole('columnheader', { name: 'Description' })).toBeVisible();
  await page.getByRole('button', { name: 'Columns' }).click();
  const saved = page.waitForResponse((r) => r.url().includes('preferences.set') && r.ok());
  await page.getByRole('checkbox', { name: 'Description' }).uncheck();
  await saved;
  await expect(page.getByRole('columnheader', { name: 'Description' })).toHaveCount(0);
  await page.reload();
  await expect(rows(page)).toHaveCount(1);
  await expect(page.getByRole('columnheader', { name: 'Description' })).toHaveCount(0);
});

test('a new account sees the designed empty state', async ({ page, account: _ }) => {
  await page.goto('/payments');
  await expect(page.getByText('No payments yet')).toBeVisible();
  await page.getByRole('link', { name: 'Refunds', exact: true }).click();
  await expect(page.getByText('No refunds yet')).toBeVisible();
});

test('the command palette opens pages and objects from the keyboard', async ({ page, apiKeys }) => {
  const payment = await createPayment(page.request, apiKeys.secret, { amount: 7700, description: 'Kayak' });
  await page.goto('/');
  // The shortcut is listened for once the signed-in layout is on screen.
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.keyboard.press('ControlOrMeta+k');
  const palette = page.getByRole('dialog', { name: 'Go to' });
  const input = palette.getByRole('combobox');
  await expect(input).toBeFocused();

  await input.fill('refu');
  await expect(palette.getByRole('option', { name: 'Refunds' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/refunds$/);
  await expect(palette).toBeHidden();

  await page.keyboard.press('ControlOrMeta+k');
  await input.fill(payment.id);
  await expect(palette.getByRole('option', { name: /\$77\.00/ })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/payments/${payment.id}$`));

  await page.keyboard.press('ControlOrMeta+k');
  await expect(input).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(palette.getByRole('option').nth(1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Escape');
  await expect(palette).toBeHidden();
});

test('"Last 7 days" leaves out a payment from 8 days ago and keeps today\'s', async ({ page, apiKeys, account }) => {
  await seedPaymentsBefore(account.merchantId, 8);
  await createPayment(page.request, apiKeys.secret, { amount: 2500, description: 'Made today' });
  const older = await trpcClient(page.request).query<{ items: Array<{ created: number }> }>('payments.list', { limit: 10 });
  // The newest payment but one is the latest of the seeded history: more than 7 days old.
  expect(older.items.length).toBe(10);
  expect(older.items[1].created).toBeLessThan(Date.now() / 1000 - 8 * 86_400 + 60);

  await page.goto('/payments');
  await expect(rows(page)).toHaveCount(25);
  await page.getByRole('button', { name: 'Date filter' }).click();
  await page.getByRole('radio', { name: 'Last 7 days' }).check();
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/date=7d/);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('$25.00');

  await page.getByRole('button', { name: /^Date filter/ }).click();
  await page.getByRole('radio', { name: 'Last 30 days' }).check();
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(rows(page).nth(1)).toBeVisible();
});

test('an amount range applies to one currency, named in the chip', async ({ page, apiKeys }) => {
  await createPayment(page.request, apiKeys.secret, { amount: 12000, currency: 'usd', description: 'Dollars' });
  // 10,190 yen and 115.99 pounds are inside "100 – 150" only if minor units of other currencies are compared.
  await createPayment(page.request, apiKeys.secret, { amount: 10190, currency: 'jpy', description: 'Yen' });
  await createPayment(page.request, apiKeys.secret, { amount: 11599, currency: 'gbp', description: 'Pounds' });
  await page.goto('/payments');
  await expect(rows(page)).toHaveCount(3);

  await page.getByRole('button', { name: 'Amount filter' }).click();
  const panel = page.getByRole('group', { name: 'Amount filter' });
  await panel.getByLabel('Currency').selectOption('usd');
  await panel.getByLabel('Minimum').fill('100');
  await panel.getByLabel('Maximum').fill('150');
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/currency=usd/);
  await expect(page.getByRole('button', { name: 'Amount filter: USD 100.00 – 150.00' })).toBeVisible();
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('$120.00');

  // Without a currency there is no amount range.
  await page.getByRole('button', { name: /^Currency filter/ }).click();
  await page.getByRole('group', { name: 'Currency filter' }).getByLabel('Currency').selectOption('');
  await expect(rows(page)).toHaveCount(3);
  await expect(page.getByRole('button', { name: 'Amount filter', exact: true })).toBeVisible();
});

test('a refund the server refuses shows one message in formatted money; zero and negative amounts are explained', async ({ page, apiKeys }) => {
  const payment = await createPayment(page.request, apiKeys.secret, { amount: 8000, description: 'Canoe paddle' });
  await page.goto(`/payments/${payment.id}`);
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('radio', { name: 'Partial refund' }).check();
  const amount = dialog.getByLabel(/Amount to refund/);
  for (const text of ['0', '-5']) {
    await amount.fill(text);
    await dialog.getByRole('button', { name: 'Review refund' }).click();
    await expect(dialog).toContainText('Enter an amount greater than zero.');
    await expect(dialog).not.toContainText('decimals');
  }

  await amount.fill('80.00');
  await dialog.getByRole('button', { name: 'Review refund' }).click();
  await expect(dialog.getByRole('heading', { name: 'Refund $80.00?' })).toBeVisible();
  // Someone else refunds part of it in the meantime.
  await trpcClient(page.request).mutation('payments.refund', { id: payment.id, amount: 2801 });
  await dialog.getByRole('button', { name: 'Refund $80.00' }).click();

  await expect(dialog.getByText('At most $51.99 can be refunded.')).toHaveCount(1);
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  await expect(dialog).not.toContainText(/\d+ usd/i);
  await expect(amount).toHaveAttribute('aria-invalid', 'true');
});
