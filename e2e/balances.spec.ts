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
