import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { expect, test } from './fixtures';

test('add an endpoint, send a test event that fails, see what was sent and what came back, resend it once the receiver recovers', async ({ page, account: _ }) => {
  // A real receiver on this machine (test mode may target localhost), down at first.
  let status = 500;
  const received: { body: string; signature: string }[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ body, signature: String(req.headers['stripe-signature'] ?? '') });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'thanks' : 'receiver is down');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`;
  try {
    await page.goto('/developers');
    await page.getByRole('navigation', { name: 'Developers' }).getByRole('link', { name: 'Webhooks' }).click();
    await expect(page).toHaveURL(/\/developers\/webhooks/);
    await expect(page.getByText('No endpoints yet')).toBeVisible();

    await page.getByRole('button', { name: 'Add endpoint' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Endpoint URL').fill(url);
    await dialog.getByLabel('Description').fill('Order service');
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = await page.getByTestId('webhook-secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect(page.getByText('Pending · 500')).toBeVisible({ timeout: 20_000 });
    await page.getByRole('button', { name: /payment_intent\.succeeded/ }).click();
    const attempt = page.getByTestId('delivery-attempt').first();
    await expect(attempt.getByText('receiver is down')).toBeVisible();
    await expect(attempt.getByText(/Stripe-Signature: t=\d+,v1=/)).toBeVisible();

    // The receiver recovers; Resend delivers it, and the signature verifies with the official SDK.
    status = 200;
    await page.getByRole('button', { name: 'Resend' }).click();
    await expect(page.getByText('Succeeded · 200')).toBeVisible({ timeout: 20_000 });
    const last = received.at(-1)!;
    expect(new Stripe('sk_test_unused').webhooks.constructEvent(last.body, last.signature, secret).type).toBe('payment_intent.succeeded');

    // The filter narrows the log by status.
    await page.getByLabel('Filter by status').selectOption('failed');
    await expect(page.getByText('No deliveries match')).toBeVisible();
    await page.getByLabel('Filter by status').selectOption('succeeded');
    await expect(page.getByText('Succeeded · 200')).toBeVisible();
    await page.getByLabel('Filter by status').selectOption('');
    // The opened delivery stays open: both attempts, the failed one and the one that got through.
    await expect(page.getByTestId('delivery-attempt')).toHaveCount(2);
    await page.screenshot({ path: 'test-results/webhooks-endpoint.png', fullPage: true });

    await page.getByRole('button', { name: 'Disable' }).click();
    await expect(page.getByText('This endpoint is disabled')).toBeVisible();
  } finally {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  }
});
