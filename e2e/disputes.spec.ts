import AxeBuilder from '@axe-core/playwright';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createMerchantWithKeys, expectOnMerchantSite, merchantApi, test as checkoutTest } from './checkout-helpers';

/**
 * Disputes from the merchant's side: a dispute test card pays, its cardholder disputes it, and the dashboard
 * lists it first with the time left; the evidence form takes text and an uploaded file; submitting winning
 * evidence wins it; a finance analyst reads but cannot respond. And a returning customer's saved card on the
 * hosted checkout.
 */

async function disputedPayment(request: APIRequestContext, secret: string, amount: number, card = 'pm_card_createDisputeProductNotReceived') {
  const headers = { Authorization: `Bearer ${secret}` };
  const paid = await request.post('/v1/payment_intents', { headers, form: { amount, currency: 'usd', confirm: 'true', payment_method: card, description: `Order ${amount}` } });
  expect(paid.status(), await paid.text()).toBe(200);
  const intent = (await paid.json()) as { id: string; status: string };
  expect(intent.status).toBe('succeeded');
  const list = await request.get(`/v1/disputes?payment_intent=${intent.id}`, { headers });
  const { data } = (await list.json()) as { data: { id: string; status: string }[] };
  expect(data).toHaveLength(1);
  return { intentId: intent.id, disputeId: data[0]!.id };
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

async function openDispute(page: Page, amountText: string) {
  await page.goto('/disputes');
  const row = page.getByTestId('dispute-row').filter({ hasText: amountText });
  await expect(row).toBeVisible();
  await row.getByRole('link').click();
  await expect(page.getByRole('heading', { name: new RegExp(amountText.replace('$', '\\$')) })).toBeVisible();
}

test('a disputed payment is listed first with the time left; evidence with a file wins it', async ({ page, apiKeys }) => {
  await disputedPayment(page.request, apiKeys.secret, 4200);
  const { disputeId } = await disputedPayment(page.request, apiKeys.secret, 5300, 'pm_card_createDispute');

  await page.goto('/payments');
  await page.getByRole('link', { name: 'Disputes' }).click();
  await expect(page).toHaveURL(/\/disputes$/);
  await expect(page.getByText('2 disputes need a response.', { exact: false })).toBeVisible();
  const rows = page.getByTestId('dispute-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.first().getByTestId('time-left')).toHaveText(/^(7 days|6 days \d+ hours?) left$/);
  await expect(rows.filter({ hasText: '$53.00' })).toContainText('Fraudulent');

  await openDispute(page, '$53.00');
  await expect(page).toHaveURL(new RegExp(`/disputes/${disputeId}$`));
  await expect(page.getByTestId('time-left')).toContainText('left to respond');
  await page.getByLabel('Customer name').fill('Jane Buyer');
  await page.getByLabel('Tracking number').fill('1Z999AA10123456784');
  await page.getByLabel('Receipt').setInputFiles({ name: 'receipt.pdf', mimeType: 'application/pdf', buffer: PDF });
  await expect(page.getByText('Attached: receipt.pdf')).toBeVisible();
  await page.getByRole('button', { name: 'Save for later' }).click();
  await expect(page.getByText('Evidence saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Customer name')).toHaveValue('Jane Buyer');
  await expect(page.getByText('Attached: receipt.pdf')).toBeVisible();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download receipt.pdf' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('receipt.pdf');

  await page.getByLabel('Anything else the bank should know').fill('winning_evidence');
  await page.getByRole('button', { name: 'Submit evidence' }).click();
  await expect(page.getByText('Evidence submitted. The dispute is won.')).toBeVisible();
  await expect(page.getByRole('heading', { name: /\$53\.00/ })).toContainText('Won');
  await expect(page.getByText('Reinstated')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Submit evidence' })).toHaveCount(0);

  const api = await page.request.get(`/v1/disputes/${disputeId}`, { headers: { Authorization: `Bearer ${apiKeys.secret}` } });
  const dispute = (await api.json()) as { status: string; evidence: { customer_name: string; receipt: string } };
  expect(dispute).toMatchObject({ status: 'won', evidence: { customer_name: 'Jane Buyer', receipt: expect.stringMatching(/^file_/) } });
});

test('evidence files: wrong type or size refused inline, a dropped PDF uploads and can be removed, then submitted', async ({ page, apiKeys }) => {
  const { disputeId } = await disputedPayment(page.request, apiKeys.secret, 5900);
  await openDispute(page, '$59.00');

  // Refused in the browser before sending: another type, too large.
  await page.getByLabel('Customer communication').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  const communication = page.locator('[data-evidence-field="Customer communication"]');
  await expect(communication).toContainText('Upload a PDF, JPEG or PNG file.');
  await page.getByLabel('Customer communication').setInputFiles({ name: 'huge.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]) });
  await expect(communication).toContainText('This file is too large: evidence files can be at most 5 MB.');
  // Refused by the server, which reads the bytes: a text file named like a PDF.
  await page.getByLabel('Customer communication').setInputFiles({ name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not really a pdf') });
  await expect(communication).toContainText('The file is not a valid application/pdf file');
  // A large file within the limit goes through (base64 over the dashboard's API).
  await page.getByLabel('Customer communication').setInputFiles({ name: 'chat-log.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([PDF, Buffer.alloc(4.5 * 1024 * 1024, 0x20)]) });
  await expect(communication).toContainText('Attached: chat-log.pdf');

  // Dropped on the box: uploads, then shows its name with Download and Remove.
  const proof = page.locator('[data-evidence-field="Proof of delivery"]');
  const dataTransfer = await page.evaluateHandle((base64) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'delivery.pdf', { type: 'application/pdf' }));
    return transfer;
  }, PDF.toString('base64'));
  await proof.getByTestId('evidence-drop').dispatchEvent('drop', { dataTransfer });
  await expect(proof).toContainText('Attached: delivery.pdf');
  await proof.getByRole('button', { name: 'Remove delivery.pdf' }).click();
  await expect(proof).toContainText('Drop a file here');
  await page.getByLabel('Receipt').setInputFiles({ name: 'receipt.pdf', mimeType: 'application/pdf', buffer: PDF });
  await expect(page.locator('[data-evidence-field="Receipt"]')).toContainText('Attached: receipt.pdf');

  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.getByLabel('Anything else the bank should know').fill('winning_evidence');
  await page.getByRole('button', { name: 'Submit evidence' }).click();
  await expect(page.getByText('Evidence submitted. The dispute is won.')).toBeVisible();

  const headers = { Authorization: `Bearer ${apiKeys.secret}` };
  const dispute = (await (await page.request.get(`/v1/disputes/${disputeId}`, { headers })).json()) as { evidence: Record<string, string | null> };
  expect(dispute.evidence).toMatchObject({ receipt: expect.stringMatching(/^file_/), shipping_documentation: null, customer_communication: expect.stringMatching(/^file_/) });
  // The same file through the API, byte for byte.
  const file = await page.request.get(`/v1/files/${dispute.evidence.receipt}/contents`, { headers });
  expect(file.headers()['content-disposition']).toBe('attachment; filename="receipt.pdf"');
  expect(Buffer.from(await file.body()).equals(PDF)).toBe(true);
});

async function expectAccessible(page: Page, name: string) {
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(blocking.map((v) => `${v.id}: ${v.help} ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), `${name} has accessibility violations`).toEqual([]);
}

test('the Disputes list and detail pages are accessible, and fit a phone', async ({ page, apiKeys }) => {
  await disputedPayment(page.request, apiKeys.secret, 3300, 'pm_card_createDisputeInquiry');
  await page.goto('/disputes');
  await expect(page.getByTestId('dispute-row')).toHaveCount(1);
  await expect(page.getByTestId('dispute-row')).toContainText('Inquiry: needs response');
  await expectAccessible(page, 'Disputes');
  await openDispute(page, '$33.00');
  await expect(page.getByRole('button', { name: 'Close inquiry' })).toBeVisible();
  await expectAccessible(page, 'Dispute detail');
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test('accepting a dispute asks first, then it is lost', async ({ page, apiKeys }) => {
  await disputedPayment(page.request, apiKeys.secret, 6100);
  await openDispute(page, '$61.00');
  await page.getByRole('button', { name: 'Accept dispute' }).click();
  const dialog = page.getByRole('dialog', { name: 'Accept this dispute?' });
  await expect(dialog).toContainText('$61.00 and the $15.00 fee stay withdrawn');
  await dialog.getByRole('button', { name: 'Accept dispute' }).click();
  await expect(page.getByText('Dispute accepted.')).toBeVisible();
  await expect(page.getByRole('heading', { name: /\$61\.00/ })).toContainText('Lost');
});

test('a finance analyst reads disputes but cannot respond', async ({ page, apiKeys, member }) => {
  await disputedPayment(page.request, apiKeys.secret, 7700);
  const finance = await member('finance');
  await openDispute(finance.page, '$77.00');
  await expect(finance.page.getByText('Your role can read this dispute but not respond to it.')).toBeVisible();
  await expect(finance.page.getByLabel('Customer name')).toBeDisabled();
  await expect(finance.page.getByRole('button', { name: 'Accept dispute' })).toHaveCount(0);
  await expect(finance.page.getByRole('button', { name: 'Submit evidence' })).toHaveCount(0);
});

checkoutTest('the hosted checkout offers a returning customer their saved card', async ({ page, request, merchantSite }) => {
  const merchant = await createMerchantWithKeys(request);
  const api = merchantApi(request, merchant.secretKey);
  const headers = { Authorization: `Bearer ${merchant.secretKey}` };
  const customer = (await (await request.post('/v1/customers', { headers, form: { email: 'regular@example.test' } })).json()) as { id: string };
  const saved = (await (await request.post('/v1/payment_methods/pm_card_mastercard/attach', { headers, form: { customer: customer.id } })).json()) as { id: string };
  const intent = await api.createIntent({ amount: 2500, currency: 'usd', customer: customer.id, receipt_email: 'regular@example.test', success_url: merchantSite.url('/success') });
  await page.goto(intent.checkout_url);

  const choice = page.getByRole('radio', { name: /Mastercard ending in 4444/ });
  await expect(choice).toBeChecked();
  await expect(page.getByLabel('Card number')).toBeHidden();
  // Choosing a new card shows the card form; going back to the saved one hides it again.
  await page.getByRole('radio', { name: 'Use a new card' }).check();
  await expect(page.getByLabel('Card number')).toBeVisible();
  await choice.check();
  await page.getByRole('button', { name: 'Pay $25.00' }).click();
  await expectOnMerchantSite(page, merchantSite, '/success', { payment_intent: intent.id });
  const after = await api.getIntent(intent.id);
  expect(after).toMatchObject({ status: 'succeeded', payment_method: saved.id });
});
