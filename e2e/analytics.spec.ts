import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * Home analytics: a merchant with payments (made through the API a moment ago) sees them in the key figures
 * and charts at once, at 1440 px and 390 px, without sideways scroll; the controls live in the URL.
 */
async function noSidewaysScroll(page: Page) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth }));
  expect(scroll, `page is ${scroll}px wide in a ${width}px viewport`).toBeLessThanOrEqual(width);
}

for (const width of [1440, 390]) {
  test(`Home shows the figures of seeded payments at ${width}px`, async ({ page, apiKeys }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
    const headers = { authorization: `Bearer ${apiKeys.secret}` };
    for (const [amount, pm] of [[12_000, 'pm_card_visa'], [3_050, 'pm_card_mastercard'], [999, 'pm_card_chargeDeclined']] as const) {
      await page.request.post('/v1/payment_intents', { headers, form: { amount: String(amount), currency: 'usd', confirm: 'true', payment_method: pm } });
    }
    await page.goto('/?range=7d');
    const gross = page.getByTestId('figure-gross_volume');
    await expect(gross).toHaveText('$150.50');
    await expect(page.getByTestId('figure-successful_payments')).toHaveText('2');
    await expect(page.getByTestId('figure-attempt_success_rate')).toHaveText('66.7%');
    // Net volume deducts the processing fees (2.9 % + 30¢ each: $3.78 and $1.18); no refunds or disputes yet.
    await expect(page.getByTestId('figure-fees')).toHaveText('$4.96');
    await expect(page.getByTestId('figure-net_volume')).toHaveText('$145.54');
    await expect(page.getByTestId('figure-disputes')).toHaveText('0');
    await page.getByText('Net volume', { exact: true }).hover();
    await expect(page.getByRole('tooltip')).toContainText('minus refunds, disputed amounts and fees');
    await expect(page.getByRole('heading', { name: 'Volume' })).toBeVisible();
    await expect(page.locator('.recharts-surface').first()).toBeVisible();
    await noSidewaysScroll(page);
    await test.info().attach(`home-${width}.png`, { path: await page.screenshot({ fullPage: true, path: test.info().outputPath(`home-${width}.png`) }).then(() => test.info().outputPath(`home-${width}.png`)), contentType: 'image/png' });

    // Controls go to the URL; a chart's figures are also a table.
    await page.getByLabel('Compare to').selectOption('none');
    await expect(page).toHaveURL(/compare=none/);
    await page.getByRole('button', { name: 'View as table' }).first().click();
    await expect(page.getByRole('cell', { name: '$150.50' })).toBeVisible();
    await noSidewaysScroll(page);

    // The last hour is charted by the minute (from the base tables): the payments are there too.
    await page.goto('/?range=1h');
    await expect(page.getByLabel('Granularity')).toHaveValue('minute');
    await expect(gross).toHaveText('$150.50');
    await expect(page.locator('.recharts-surface').first()).toBeVisible();
    await noSidewaysScroll(page);
  });
}
