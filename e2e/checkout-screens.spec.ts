import { test } from './fixtures';
import { createMerchantWithKeys, fillCard, merchantApi } from './checkout-helpers';

test('screens', async ({ page, request, baseURL }) => {
  const m = await createMerchantWithKeys(request);
  const api = merchantApi(request, m.secretKey);
  const intent = await api.createIntent({ amount: 9999, currency: 'usd', description: 'Two bags of single-origin coffee', receipt_email: 'buyer@example.com', success_url: `${baseURL}/health`, cancel_url: `${baseURL}/health?c=1` });
  for (const [w, h, name] of [[390, 844, 'phone'], [1280, 800, 'desktop']] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(intent.checkout_url);
    await page.screenshot({ path: `/tmp/co-${name}.png`, fullPage: true });
  }
  await page.getByRole('button', { name: 'Pay $99.99' }).click();
  await page.screenshot({ path: `/tmp/co-errors.png`, fullPage: true });
  await fillCard(page, { number: '4000000000009995' });
  await page.getByRole('button', { name: 'Pay $99.99' }).click();
  await page.getByTestId('checkout-alert').getByText('insufficient').waitFor();
  await page.screenshot({ path: `/tmp/co-decline.png`, fullPage: true });
  await fillCard(page, { number: '4000002500003155' });
  await page.getByRole('button', { name: 'Pay $99.99' }).click();
  await page.getByRole('button', { name: 'Fail authentication' }).waitFor();
  await page.screenshot({ path: `/tmp/co-3ds.png`, fullPage: true });
  await page.goto(`/checkout/${intent.id}?client_secret=nope`);
  await page.screenshot({ path: `/tmp/co-403.png`, fullPage: true });
});
