import { expect, test } from './fixtures';

/**
 * The hosted receipt a customer opens from receipt_url: reached from the payment's "View receipt" link, no
 * sign-in, readable on a phone (390 px) and a laptop (1280 px) without sideways scroll. Screenshots are kept
 * in the test's output folder.
 */
test('View receipt opens the hosted receipt; it fits a phone and a laptop, signed out', async ({ page, apiKeys, request, browser }) => {
  const response = await request.post('/v1/payment_intents', {
    headers: { authorization: `Bearer ${apiKeys.secret}` },
    form: {
      amount: '123456',
      currency: 'jpy',
      confirm: 'true',
      payment_method: 'pm_card_visa',
      description: 'Annual subscription to the very long named Premium Loose Leaf Tea Club, shipped monthly in recyclable tins',
    },
  });
  const paid = await response.json();
  expect(response.ok(), JSON.stringify(paid)).toBe(true);
  await request.post('/v1/refunds', { headers: { authorization: `Bearer ${apiKeys.secret}` }, form: { payment_intent: paid.id, amount: '23456' } });

  await page.goto(`/payments/${paid.id}`);
  const link = page.getByRole('link', { name: /View receipt/ });
  await expect(link).toHaveAttribute('target', '_blank');
  const href = await link.getAttribute('href');
  expect(href).toMatch(/\/checkout\/receipts\/acct_[A-Za-z0-9]+\/test\/[A-Za-z0-9_-]{43}$/);

  // Someone without a session: the link alone opens it.
  const context = await browser.newContext();
  try {
    const customer = await context.newPage();
    for (const width of [390, 1280]) {
      await customer.setViewportSize({ width, height: 844 });
      const answer = await customer.goto(href!);
      expect(answer?.status()).toBe(200);
      expect(answer?.headers()['x-robots-tag']).toBe('noindex, nofollow');
      expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
      await expect(customer.getByRole('heading', { name: /Receipt from/ })).toBeVisible();
      await expect(customer.getByTestId('amount')).toHaveText('¥123,456');
      await expect(customer.getByTestId('status')).toHaveText('Partially refunded');
      await expect(customer.getByTestId('payment-method')).toHaveText('Visa •••• 4242');
      await expect(customer.getByTestId('amount-refunded')).toHaveText('¥23,456');
      await expect(customer.getByTestId('net-paid')).toHaveText('¥100,000');
      await expect(customer.getByTestId('description')).toContainText('Premium Loose Leaf Tea Club');
      // Styled by the checkout's stylesheet (the page is not bare HTML).
      expect(await customer.evaluate(() => getComputedStyle(document.querySelector('article')!).borderRadius)).not.toBe('0px');
      const file = test.info().outputPath(`receipt-${width}.png`);
      await customer.screenshot({ fullPage: true, path: file });
      await test.info().attach(`receipt-${width}.png`, { path: file, contentType: 'image/png' });
      const sideways = await customer.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
      expect(sideways, `sideways scroll at ${width}px`).toBe(false);
    }
    // One character off: the same not-found page as any unknown link.
    const wrong = await customer.goto(href!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
    expect(wrong?.status()).toBe(404);
    await expect(customer.getByRole('heading', { name: 'This receipt link is not valid' })).toBeVisible();
  } finally {
    await context.close();
  }
});
