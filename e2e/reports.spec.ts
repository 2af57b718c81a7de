import { readFile } from 'node:fs/promises';
import type { APIRequestContext } from '@playwright/test';
import Papa from 'papaparse';
import { expect, test } from './fixtures';

/**
 * Reports as finance uses them: export from a filtered payments list, watch the run finish, download the
 * file and read it with a real CSV parser.
 */

async function pay(request: APIRequestContext, secret: string, amount: number, currency: string, orderId: string, paymentMethod = 'pm_card_visa'): Promise<string> {
  const headers = { authorization: `Bearer ${secret}` };
  const created = await request.post('/v1/payment_intents', { headers, form: { amount: String(amount), currency, 'metadata[order_id]': orderId, description: `Order ${orderId}` } });
  const intent = await created.json();
  expect(created.ok(), JSON.stringify(intent)).toBe(true);
  const confirmed = await request.post(`/v1/payment_intents/${intent.id}/confirm`, { headers, form: { payment_method: paymentMethod } });
  expect([200, 402]).toContain(confirmed.status());
  return intent.id;
}

test('exports a filtered payments list with its filters and downloads a CSV that parses', async ({ page, context, apiKeys }) => {
  const usd1 = await pay(context.request, apiKeys.secret, 1999, 'usd', 'A-1');
  const usd2 = await pay(context.request, apiKeys.secret, 4250, 'usd', 'A-2');
  await pay(context.request, apiKeys.secret, 5000, 'jpy', 'J-1');
  await pay(context.request, apiKeys.secret, 1200, 'usd', 'D-1', 'pm_card_chargeDeclined');

  await page.goto('/payments?status=succeeded&currency=usd');
  await expect(page.locator('table tbody tr')).toHaveCount(2);
  await page.getByRole('link', { name: 'Export' }).click();
  await expect(page).toHaveURL(/\/reports\?/);

  const form = page.getByRole('form', { name: 'New export' });
  const carried = form.getByRole('list', { name: 'Carried filters' });
  await expect(carried).toContainText('Status: succeeded');
  await expect(carried).toContainText('Currency: usd');
  await form.getByLabel('Metadata key').fill('order_id');
  await form.getByRole('button', { name: 'Add column' }).click();
  await expect(form.getByRole('checkbox', { name: 'metadata[order_id]' })).toBeChecked();
  await form.getByRole('button', { name: 'Start export' }).click();

  const run = page.locator('tr[data-run]').first();
  await expect(run.getByText('Ready')).toBeVisible({ timeout: 30_000 });
  await expect(run).toContainText('2 rows');
  const [download] = await Promise.all([page.waitForEvent('download'), run.getByRole('button', { name: 'Download' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^payments\.itemized\.1-frr_\w+\.csv$/);
  const csv = Papa.parse<Record<string, string>>(await readFile((await download.path())!, 'utf8'), { header: true, skipEmptyLines: true });
  expect(csv.errors).toEqual([]);
  expect(csv.data.map((r) => [r.id, r.amount, r.currency, r.status, r['metadata[order_id]']])).toEqual([
    [usd1, '19.99', 'usd', 'succeeded', 'A-1'],
    [usd2, '42.50', 'usd', 'succeeded', 'A-2'],
  ]);

  // The column choice is remembered for the next export.
  await page.reload();
  await expect(page.getByRole('form', { name: 'New export' }).getByRole('checkbox', { name: 'metadata[order_id]' })).toBeChecked();
});

test('members without the export permission do not get Reports', async ({ member }) => {
  const support = await member('support');
  await support.page.goto('/reports');
  await expect(support.page.getByRole('heading', { name: /Reports/ })).toBeVisible();
  await expect(support.page.getByRole('form', { name: 'New export' })).toHaveCount(0);
  await support.page.goto('/payments');
  await expect(support.page.getByRole('link', { name: 'Export' })).toHaveCount(0);
});

test('finance schedules a weekly export to a member, sees it listed with its next run, pauses and deletes it', async ({ page, account, member }) => {
  const finance = await member('finance');
  await finance.page.goto('/reports');
  const schedules = finance.page.getByRole('table', { name: 'Scheduled exports' });
  await expect(finance.page.getByText('No scheduled exports')).toBeVisible();
  await finance.page.getByRole('button', { name: 'New schedule' }).click();

  const dialog = finance.page.getByRole('dialog', { name: 'New scheduled export' });
  await dialog.getByLabel('Name').fill('Weekly disputes for accounting');
  await dialog.getByLabel('Report').selectOption({ label: 'Disputes' });
  await dialog.getByLabel('Runs').selectOption('weekly');
  await dialog.getByLabel('On', { exact: true }).selectOption({ label: 'Friday' });
  // Creating without a recipient says what is missing.
  await dialog.getByRole('button', { name: 'Create schedule' }).click();
  await expect(dialog.getByText('Choose at least one member to send the file to.')).toBeVisible();
  await dialog.getByRole('checkbox', { name: new RegExp(account.email.replace(/[.+]/g, '\\$&')) }).check();
  await dialog.getByRole('button', { name: 'Create schedule' }).click();
  await expect(dialog).toBeHidden();

  const row = schedules.locator('tr[data-schedule]');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Weekly disputes for accounting');
  await expect(row).toContainText('Disputes · Every Friday, the 7 days before');
  await expect(row).toContainText(`To: ${account.email}`);
  await expect(row).toContainText('Not run yet');
  // The next run: a date and time, on a Friday.
  await expect(row.locator('td').nth(1)).toHaveText(/\w{3} \d{1,2}, \d{4}, 12:00\sAM/);

  // The owner sees the same schedule.
  await page.goto('/reports');
  await expect(page.getByRole('table', { name: 'Scheduled exports' }).locator('tr[data-schedule]')).toContainText('Weekly disputes for accounting');

  await row.getByRole('button', { name: 'Pause' }).click();
  await expect(row.getByText('Paused', { exact: true })).toBeVisible();
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(row.getByText('Paused', { exact: true })).toHaveCount(0);
  await expect(row.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await row.getByRole('button', { name: 'Delete' }).click();
  await finance.page.getByRole('dialog', { name: 'Delete this scheduled export?' }).getByRole('button', { name: 'Delete schedule' }).click();
  await expect(finance.page.getByText('No scheduled exports')).toBeVisible();
});

test('exports the disputes list with its status tab and downloads one row per dispute', async ({ page, context, apiKeys }) => {
  const disputed = await pay(context.request, apiKeys.secret, 3100, 'usd', 'DS-1', 'pm_card_createDispute');
  await pay(context.request, apiKeys.secret, 1200, 'usd', 'OK-1');
  await page.goto('/disputes?status=needs_response');
  await expect(page.getByTestId('dispute-row')).toHaveCount(1);
  await page.getByRole('link', { name: 'Export' }).click();
  const form = page.getByRole('form', { name: 'New export' });
  await expect(form.getByLabel('Report')).toHaveValue('disputes.itemized.1');
  await expect(form.getByRole('list', { name: 'Carried filters' })).toContainText('Status: needs_response');
  await form.getByLabel('Metadata key').fill('order_id');
  await form.getByRole('button', { name: 'Add column' }).click();
  await form.getByRole('button', { name: 'Start export' }).click();

  const run = page.locator('tr[data-run]').first();
  await expect(run.getByText('Ready')).toBeVisible({ timeout: 30_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), run.getByRole('button', { name: 'Download' }).click()]);
  const csv = Papa.parse<Record<string, string>>(await readFile((await download.path())!, 'utf8'), { header: true, skipEmptyLines: true });
  expect(csv.errors).toEqual([]);
  expect(csv.data.map((r) => [r.payment_intent_id, r.amount, r.currency, r.status, r['metadata[order_id]']])).toEqual([[disputed, '31.00', 'usd', 'needs_response', 'DS-1']]);
});

test('schedules an export from a filtered list: the schedule keeps the list filters', async ({ page, account }) => {
  await page.goto('/payments?status=succeeded&currency=eur');
  await page.getByRole('link', { name: 'Export' }).click();
  const form = page.getByRole('form', { name: 'New export' });
  await expect(form.getByRole('list', { name: 'Carried filters' })).toContainText('Currency: eur');
  await form.getByRole('button', { name: 'Schedule this export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'New scheduled export' });
  await expect(dialog.getByLabel('Schedule filters')).toContainText('currency: eur');
  await dialog.getByLabel('Name').fill('Monthly euro payments');
  await dialog.getByLabel('Runs').selectOption('monthly');
  await dialog.getByLabel('On day').selectOption('1');
  await dialog.getByRole('checkbox', { name: new RegExp(account.email.replace(/[.+]/g, '\\$&')) }).check();
  await dialog.getByRole('button', { name: 'Create schedule' }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('table', { name: 'Scheduled exports' }).locator('tr[data-schedule]');
  await expect(row).toContainText('Monthly euro payments');
  await expect(row).toContainText('Payments · Monthly on day 1, the month before');
  await expect(row).toContainText('Filters: status: succeeded · currency: eur');
  await expect(row.locator('td').nth(1)).toHaveText(/\w{3} 1, \d{4}, 12:00\sAM/);
});
