import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * Balances as a finance user reconciles them: a payment's fee and net, the balance, a payout and the
 * transactions it settles. The merchant's payments are made through its own secret key.
 */

async function pay(request: APIRequestContext, secret: string, amount: number): Promise<string> {
  const response = await request.post('/v1/payment_intents', {
    headers: { authorization: `Bearer ${secret}` },
    form: { amount: String(amount), currency: 'usd', confirm: 'true', payment_method: 'pm_card_visa' },
  });
  const body = await response.json();
  if (!response.ok()) throw new Error(`payment failed: ${JSON.stringify(body)}`);
  return body.id as string;
}

const NO_DELAY = { fee_percent_bps: 290, fee_fixed: 30, payout_interval: 'manual', payout_weekly_anchor: 'monday', payout_monthly_anchor: 1, payout_delay_days: 0 };

test('a payment shows its fee and net; a manual payout settles it and lists it for reconciliation', async ({ page, trpc, apiKeys, request }) => {
  await trpc.mutation('balances.updateSettings', NO_DELAY);
  const first = await pay(request, apiKeys.secret, 10_000);
  await pay(request, apiKeys.secret, 2_000);

  await page.goto(`/payments/${first}`);
  await expect(page.getByTestId('payment-fee')).toHaveText('$3.20');
  await expect(page.getByTestId('payment-net')).toHaveText('$96.80');

  await page.goto('/balances');
  await expect(page.getByRole('heading', { name: 'Balances', level: 1 })).toBeVisible();
  // 10 000 - 320 + 2 000 - 88
  await expect(page.getByTestId('available-usd')).toHaveText('$115.92');
  await expect(page.getByText('Manual: pay out when you choose.')).toBeVisible();
  await page.getByRole('button', { name: 'Pay out now' }).click();
  // The dialog offers the whole available balance by default.
  const dialog = page.getByRole('dialog', { name: 'Pay out USD' });
  await expect(dialog.getByRole('radio', { name: 'Whole available balance ($115.92)' })).toBeChecked();
  await dialog.getByRole('button', { name: 'Review payout' }).click();
  await page.getByRole('button', { name: 'Pay out $115.92' }).click();
  await expect(page.getByText('Payout of $115.92 created.')).toBeVisible();
  await expect(page.getByTestId('available-usd')).toHaveText('$0.00');

  await page.getByRole('link', { name: '$115.92' }).click();
  await expect(page.getByText('Transactions settled')).toBeVisible();
  const settled = page.getByRole('table', { name: 'Transactions settled by this payout' });
  await expect(settled.getByRole('row')).toHaveCount(3);
  await expect(page.getByText('net $115.92 = the payout')).toBeVisible();
  await settled.getByRole('row').filter({ hasText: '$100.00' }).getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/payments/${first}$`));
});

test('finance reads balances and the schedule but cannot pay out; support has no Balances', async ({ trpc, apiKeys, request, member }) => {
  await trpc.mutation('balances.updateSettings', NO_DELAY);
  await pay(request, apiKeys.secret, 5_000);
  const finance = await member('finance');
  await finance.page.goto('/balances');
  await expect(finance.page.getByTestId('available-usd')).toHaveText('$48.25');
  await expect(finance.page.getByRole('button', { name: 'Pay out now' })).toHaveCount(0);
  await finance.page.goto('/settings?tab=payouts');
  await expect(finance.page.getByLabel('Card fee (%)')).toBeDisabled();

  const support = await member('support');
  await support.page.goto('/');
  await expect(support.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Balances' })).toHaveCount(0);
  await support.page.goto('/balances');
  await expect(support.page.getByText('You do not have access to balances and payouts')).toBeVisible();
});

test('an owner changes the fee schedule in Settings and new charges use it', async ({ page, trpc, apiKeys, request }) => {
  await page.goto('/settings?tab=payouts');
  await expect(page.getByLabel('Card fee (%)')).toHaveValue('2.9');
  await page.getByLabel('Card fee (%)').fill('1.5');
  await page.getByLabel('Fixed fee per charge (minor units)').fill('10');
  await expect(page.getByText('A $100.00 payment pays $1.60 in fees.')).toBeVisible();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Payout and fee settings saved.')).toBeVisible();
  const id = await pay(request, apiKeys.secret, 10_000);
  const ledger = await trpc.query<{ transactions: { type: string; fee: number }[] }>('balances.forPayment', { paymentIntentId: id });
  expect(ledger.transactions.find((t) => t.type === 'charge')?.fee).toBe(160);
});

/** No sideways scroll on the page itself (a wide table may scroll inside its own card). */
async function pageScrollsSideways(page: import('@playwright/test').Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

test('a partial manual payout: the dialog checks the amount in the currency\'s format, the server takes only that much', async ({ page, trpc, apiKeys, request }) => {
  await trpc.mutation('balances.updateSettings', NO_DELAY);
  await pay(request, apiKeys.secret, 10_000);
  await page.goto('/balances');
  await expect(page.getByTestId('available-usd')).toHaveText('$96.80');
  await page.getByRole('button', { name: 'Pay out now' }).click();
  const dialog = page.getByRole('dialog', { name: 'Pay out USD' });
  await dialog.getByRole('radio', { name: 'Another amount' }).check();
  const amount = dialog.getByLabel('Amount to pay out (USD)');
  const review = dialog.getByRole('button', { name: 'Review payout' });
  for (const [typed, message] of [
    ['96.81', 'At most $96.80 can be paid out.'],
    ['0', 'Enter an amount greater than zero.'],
    ['-4', 'Enter an amount greater than zero.'],
    ['12.345', 'Enter an amount like 10.00 (at most 2 decimals).'],
  ] as const) {
    await amount.fill(typed);
    await review.click();
    await expect(dialog.getByText(message)).toBeVisible();
  }
  await amount.fill('40');
  await review.click();
  await expect(page.getByText('$56.80 stays available.', { exact: false })).toBeVisible();
  await page.getByRole('button', { name: 'Pay out $40.00' }).click();
  await expect(page.getByText('Payout of $40.00 created.')).toBeVisible();
  await expect(page.getByTestId('available-usd')).toHaveText('$56.80');
  await expect(page.getByRole('cell', { name: 'Manual, partial' })).toBeVisible();
  await page.getByRole('link', { name: '$40.00' }).click();
  await expect(page.getByText('This manual payout took part of the available balance')).toBeVisible();
});

test('every balance transaction in one list: filters and pages in the URL, rows link to their source, no sideways scroll at 390 px', async ({ page, trpc, apiKeys, request }) => {
  await trpc.mutation('balances.updateSettings', NO_DELAY);
  const first = await pay(request, apiKeys.secret, 10_000);
  await pay(request, apiKeys.secret, 2_000);
  const refund = await request.post('/v1/refunds', { headers: { authorization: `Bearer ${apiKeys.secret}` }, form: { payment_intent: first, amount: '1500' } });
  expect(refund.ok()).toBe(true);
  const payout = await trpc.mutation<{ id: string }>('balances.createPayout', { currency: 'usd' });

  await page.goto('/balances');
  await page.getByRole('link', { name: 'All balance transactions' }).click();
  await expect(page.getByRole('heading', { name: 'Balance transactions', level: 1 })).toBeVisible();
  const table = page.getByRole('table', { name: 'Balance transactions' });
  // payout, refund, two charges
  await expect(table.getByRole('row')).toHaveCount(5);
  const charge = table.getByRole('row').filter({ hasText: '$100.00' });
  await expect(charge).toContainText('$3.20');
  await expect(charge).toContainText('$96.80');
  await expect(charge).toContainText('Available');
  await expect(charge.getByRole('link', { name: payout.id })).toBeVisible();

  // The type filter goes into the URL, and the URL alone restores the view.
  await page.getByRole('button', { name: 'Type filter' }).click();
  await page.getByLabel('Type', { exact: true }).selectOption('refund');
  await expect(page).toHaveURL(/type=refund/);
  await expect(table.getByRole('row')).toHaveCount(2);
  await page.goto('/balances/transactions?type=charge&limit=10');
  await expect(table.getByRole('row')).toHaveCount(3);
  await page.goto(`/balances/transactions?payout=${payout.id}`);
  await expect(table.getByRole('row')).toHaveCount(5);
  await page.goto('/balances/transactions?currency=jpy');
  await expect(page.getByText('No balance transactions match these filters')).toBeVisible();

  // Keyset pages of 10: 12 transactions in all after ten more charges... two pages, Next and back.
  for (let i = 0; i < 8; i++) await pay(request, apiKeys.secret, 1000 + i);
  await page.goto('/balances/transactions?limit=10');
  await expect(table.getByRole('row')).toHaveCount(11);
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL(/after=txn_/);
  await expect(table.getByRole('row')).toHaveCount(3);
  await page.getByRole('button', { name: 'Previous' }).click();
  await expect(page).toHaveURL(/before=txn_/);
  await expect(table.getByRole('row')).toHaveCount(11);

  // A row's source leads to it: the charge to its payment.
  await page.goto('/balances/transactions?type=charge');
  await table.getByRole('row').filter({ hasText: '$100.00' }).getByRole('link').first().click();
  await expect(page).toHaveURL(new RegExp(`/payments/${first}$`));

  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 844 });
    await page.goto('/balances/transactions');
    await expect(table.getByRole('row').first()).toBeVisible();
    await page.screenshot({ fullPage: true, path: test.info().outputPath(`balance-transactions-${width}.png`) });
    expect(await pageScrollsSideways(page), `sideways scroll at ${width}px`).toBe(false);
  }
});
