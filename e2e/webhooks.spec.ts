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

test('an endpoint that answered 410 is re-enabled, its failed deliveries recovered with progress, and the Events page shows each event with its deliveries', async ({ page, apiKeys }) => {
  let status = 410;
  const received: string[] = [];
  // The receiver answers once both events exist, so both have a delivery before the 410 disables the endpoint.
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => void gate.then(() => {
      if (status === 200) received.push(body);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'thanks' : 'gone');
    }));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  const api = (method: 'get' | 'post', path: string, form?: Record<string, string>) =>
    page.request[method](path, { headers: { Authorization: `Bearer ${apiKeys.secret}` }, form });
  try {
    const endpoint = await (await api('post', '/v1/webhook_endpoints', { url, 'enabled_events[]': 'customer.created', description: 'CRM sync' })).json();
    const customers = [];
    for (const name of ['Ada', 'Grace']) customers.push(await (await api('post', '/v1/customers', { name })).json());
    open();
    // 410 disabled the endpoint; both deliveries ended failed.
    await expect.poll(async () => (await (await api('get', `/v1/webhook_endpoints/${endpoint.id}`)).json()).status, { timeout: 20_000 }).toBe('disabled');
    await expect.poll(async () => (await (await api('get', '/v1/events?delivery_success=false&type=customer.created')).json()).data.length, { timeout: 20_000 }).toBe(2);

    await page.goto(`/developers/webhooks?endpoint=${endpoint.id}`);
    await expect(page.getByText('This endpoint is disabled')).toBeVisible();
    status = 200;
    await page.getByRole('button', { name: 'Enable' }).click();
    await expect(page.getByText('This endpoint is disabled')).toBeHidden();
    await page.getByLabel('Filter by event type').selectOption('customer.created');
    await expect(page).toHaveURL(/type=customer\.created/);
    await page.getByRole('button', { name: 'Recover failed customer.created' }).click();
    await expect(page.getByTestId('recovery-progress')).toContainText('2 sent again, 2 delivered', { timeout: 30_000 });
    expect(received.map((b) => JSON.parse(b).data.object.id).sort()).toEqual(customers.map((c) => c.id).sort());
    await expect(page.getByText('Succeeded · 200')).toHaveCount(2);
    await page.screenshot({ path: 'test-results/webhooks-recovered.png', fullPage: true });

    // Developers > Events: filtered by type, one opened with its payload and where it went.
    await page.getByRole('navigation', { name: 'Developers' }).getByRole('link', { name: 'Events' }).click();
    // The webhooks page has a filter of the same name: wait for the Events page before using its own.
    await expect(page).toHaveURL(/\/developers\/events/);
    await expect(page.getByRole('list', { name: 'Events' })).toBeVisible();
    await page.getByLabel('Filter by event type').selectOption('customer.created');
    await expect(page).toHaveURL(/type=customer\.created/);
    const list = page.getByRole('list', { name: 'Events' });
    await expect(list.getByRole('button')).toHaveCount(2);
    await list.getByRole('button').first().click();
    await expect(page.getByTestId('event-payload')).toContainText(customers[1].id);
    await expect(page.getByRole('table', { name: 'Deliveries' }).getByText(url)).toBeVisible();
    await expect(page.getByRole('table', { name: 'Deliveries' }).getByText('Succeeded · 200')).toBeVisible();
    await page.getByLabel('Filter by delivery').selectOption('failed');
    await expect(page.getByText('No events match these filters.')).toBeVisible();
  } finally {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  }
});

test('a restricted key made in the dashboard reads what it may and is refused a write, naming the permission', async ({ page, account: _ }) => {
  await page.goto('/developers');
  await page.getByRole('button', { name: 'Create restricted key' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Key name').fill('Support dashboard');
  await dialog.getByLabel('Customers').selectOption('read');
  await dialog.getByRole('button', { name: 'Create key' }).click();
  const key = await page.getByTestId('new-api-key').inputValue();
  expect(key).toMatch(/^rk_test_/);
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
  await expect(page.getByText('Customers: read')).toBeVisible();

  const headers = { Authorization: `Bearer ${key}` };
  expect((await page.request.get('/v1/customers', { headers })).status()).toBe(200);
  const denied = await page.request.post('/v1/customers', { headers, form: { name: 'Nope' } });
  expect(denied.status()).toBe(403);
  expect((await denied.json()).error).toMatchObject({ type: 'permission_error', required_permission: 'rak_customer_write' });
});
