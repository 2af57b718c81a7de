import AxeBuilder from '@axe-core/playwright';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect } from './fixtures';
import {
  createMerchantWithKeys,
  expectOnMerchantSite,
  expireIntentNow,
  fillCard,
  merchantApi,
  test,
  TEST_CARDS,
  type MerchantSite,
  type MerchantWithKeys,
} from './checkout-helpers';

/**
 * The hosted checkout from the buyer's side: the merchant creates an intent over /v1 with success_url and
 * cancel_url, the buyer pays on /checkout/:id, and the merchant's view of the intent (status, events) is
 * checked through the API afterwards. success_url, cancel_url and return_url point at the merchant's own
 * site, a second server on another origin (the `merchantSite` fixture), and every spec checks that the
 * browser really lands there: redirects after a form post are held to the page's CSP form-action.
 */

interface Setup {
  merchant: MerchantWithKeys;
  api: ReturnType<typeof merchantApi>;
  site: MerchantSite;
  successUrl: string;
  cancelUrl: string;
}

const setup = async ({ request, merchantSite }: { request: APIRequestContext; merchantSite: MerchantSite }): Promise<Setup> => {
  const merchant = await createMerchantWithKeys(request);
  return {
    merchant,
    api: merchantApi(request, merchant.secretKey),
    site: merchantSite,
    successUrl: merchantSite.url('/success?x=1'),
    cancelUrl: merchantSite.url('/cancel?canceled=1'),
  };
};

async function openCheckout(page: Page, s: Setup, params: Record<string, string | number> = {}) {
  const merged: Record<string, string | number> = {
    amount: 9999,
    currency: 'usd',
    description: 'Two bags of single-origin coffee',
    receipt_email: 'buyer@example.com',
    success_url: s.successUrl,
    cancel_url: s.cancelUrl,
    ...params,
  };
  // An empty value means "leave it out".
  const intent = await s.api.createIntent(Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== '')));
  expect(intent.checkout_url).toContain(`/checkout/${intent.id}?client_secret=`);
  await page.goto(intent.checkout_url);
  return intent;
}

const payButton = (page: Page, label = 'Pay $99.99') => page.getByRole('button', { name: label });
const alert = (page: Page) => page.getByTestId('checkout-alert');

async function expectAtSuccessUrl(page: Page, s: Setup, intentId: string) {
  await expectOnMerchantSite(page, s.site, '/success', { x: '1', payment_intent: intentId });
}

async function expectAtCancelUrl(page: Page, s: Setup) {
  await expectOnMerchantSite(page, s.site, '/cancel', { canceled: '1' });
}

test('pays with a card and lands on the success URL', async ({ page, request, merchantSite }) => {
  const s = await setup({ request, merchantSite });
  const intent = await openCheckout(page, s);

  await expect(page.getByTestId('merchant-name')).toHaveText(s.merchant.businessName);
  await expect(page.getByTestId('amount')).toHaveText('$99.99');
  await expect(page.getByText('Two bags of single-origin coffee')).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveValue('buyer@example.com');
  await expect(page.getByRole('link', { name: `Cancel and return to ${s.merchant.businessName}` })).toHaveAttribute('href', s.cancelUrl);

  // The card number leaves the browser in exactly one request: the confirmation, with the publishable key.
  const carrying: { url: string; authorization?: string }[] = [];
  page.on('request', (r) => {
    if (`${r.url()} ${r.postData() ?? ''}`.includes(TEST_CARDS.success)) carrying.push({ url: r.url(), authorization: r.headers().authorization });
  });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/v1/payment_intents/*/confirm', async (route) => {
    await held;
    await route.continue();
  });

  await fillCard(page, { number: TEST_CARDS.success, typed: true });
  await expect(page.getByLabel('Card number')).toHaveValue('4242 4242 4242 4242');
  await expect(page.getByTestId('card-brand')).toHaveText('Visa');
  await expect(page.getByLabel('Expiry date')).toHaveValue(/^12 \/ \d\d$/);
  await payButton(page).click();

  // While the payment is in flight the button cannot be pressed twice.
  const busy = page.getByRole('button', { name: 'Processing $99.99…' });
  await expect(busy).toBeDisabled();
  await expect(busy).toHaveAttribute('aria-busy', 'true');
  release();

  await expectAtSuccessUrl(page, s, intent.id);
  expect(carrying).toEqual([{ url: expect.stringMatching(new RegExp(`/v1/payment_intents/${intent.id}/confirm$`)), authorization: expect.stringMatching(/^Bearer pk_test_/) }]);
  const after = await s.api.getIntent(intent.id);
  expect(after.status).toBe('succeeded');
  expect(await s.api.eventsFor(intent.id)).toEqual(['payment_intent.created', 'payment_intent.succeeded']);
});

test('formats and checks the card form as the buyer types, with accessible errors', async ({ page, request, merchantSite }) => {
  const s = await setup({ request, merchantSite });
  const intent = await openCheckout(page, s, { amount: 5000, currency: 'jpy', receipt_email: '' });
  const pay = payButton(page, 'Pay ¥5,000');
  await expect(pay).toBeVisible();

  await pay.click();
  for (const [label, message] of [
    ['Email', 'Enter your email address.'],
    ['Card number', 'Enter your card number.'],
    ['Expiry date', 'Enter the expiry date.'],
    ['Security code', 'Enter the security code.'],
    ['Name on card', 'Enter the name on your card.'],
  ] as const) {
    const input = page.getByLabel(label);
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    await expect(input).toHaveAccessibleDescription(new RegExp(message.replace(/[.]/g, '\\.')));
  }
  await expect(page.getByLabel('Email')).toBeFocused();

  const number = page.getByLabel('Card number');
  await number.pressSequentially('378282246310005');
  await expect(number).toHaveValue('3782 822463 10005');
  await expect(page.getByTestId('card-brand')).toHaveText('American Express');
  await expect(number).not.toHaveAttribute('aria-invalid');

  await number.fill('');
  await number.pressSequentially('4242424242424241');
  await number.blur();
  await expect(number).toHaveAccessibleDescription(/card number is invalid/);

  const expiry = page.getByLabel('Expiry date');
  await expiry.fill('');
  await expiry.pressSequentially('0120');
  await expiry.blur();
  await expect(expiry).toHaveAccessibleDescription(/in the past/);

  for (const [label, autocomplete] of [
    ['Card number', 'cc-number'],
    ['Expiry date', 'cc-exp'],
    ['Security code', 'cc-csc'],
    ['Name on card', 'cc-name'],
    ['Email', 'email'],
  ] as const) {
    await expect(page.getByLabel(label)).toHaveAttribute('autocomplete', autocomplete);
  }
  await expect(number).toHaveAttribute('inputmode', 'numeric');
  expect((await s.api.getIntent(intent.id)).status).toBe('requires_payment_method');
});

test('explains each decline in plain words, then a retry succeeds', async ({ page, request, merchantSite }) => {
  const s = await setup({ request, merchantSite });
  const intent = await openCheckout(page, s);

  const declines = [
    [TEST_CARDS.genericDecline, /Your card was declined/],
    [TEST_CARDS.insufficientFunds, /insufficient funds/],
    [TEST_CARDS.expiredCard, /Your card has expired/],
    [TEST_CARDS.incorrectCvc, /security code is incorrect/],
  ] as const;
  for (const [number, message] of declines) {
    await fillCard(page, { number });
    await payButton(page).click();
    await expect(alert(page)).toContainText(message);
    await expect(payButton(page)).toBeEnabled();
  }
  await expect(page.getByLabel('Security code')).toHaveAttribute('aria-invalid', 'true');

  await fillCard(page, { number: TEST_CARDS.success });
  await payButton(page).click();
  await expectAtSuccessUrl(page, s, intent.id);

  const after = await s.api.getIntent(intent.id);
  expect(after.status).toBe('succeeded');
  expect(await s.api.eventsFor(intent.id)).toEqual([
    'payment_intent.created',
    ...declines.map(() => 'payment_intent.payment_failed'),
    'payment_intent.succeeded',
  ]);
});

test('3-D Secure: completing the challenge finishes the payment', async ({ page, request, merchantSite }) => {
  const s = await setup({ request, merchantSite });
  const intent = await openCheckout(page, s);
  await fillCard(page, { number: TEST_CARDS.threeDS });
  await payButton(page).click();

  await expect(page).toHaveURL(new RegExp(`/checkout/3ds/${intent.id}\\?client_secret=`));
  await expect(page.getByRole('heading', { name: 'Confirm it’s you' })).toBeVisible();
  expect((await s.api.getIntent(intent.id)).status).toBe('requires_action');
  await page.getByRole('button', { name: 'Complete authentication' }).click();

  await expectAtSuccessUrl(page, s, intent.id);
  expect((await s.api.getIntent(intent.id)).status).toBe('succeeded');
  expect(await s.api.eventsFor(intent.id)).toEqual(['payment_intent.created', 'payment_intent.requires_action', 'payment_intent.succeeded']);
});

test('3-D Secure: a failed challenge says so and the buyer can try again', async ({ page, request, merchantSite }) => {
  const s = await setup({ request, merchantSite });
  const intent = await openCheckout(page, s);
  await fillCard(page, { number: TEST_CARDS.threeDS2 });
  await payButton(page).click();

  await page.getByRole('button', { name: 'Fail authentication' }).click();
  await expect(page).toHaveURL(new RegExp(`/checkout/${intent.id}\\?`));
  await expect(alert(page)).toContainText('authentication failed');
  const failed = await s.api.getIntent(intent.id);
  expect(failed.status).toBe('requires_payment_method');
  expect(failed.last_payment_error?.code).toBe('payment_intent_authentication_failure');

  await fillCard(page, { number: TEST_CARDS.success });
  await payButton(page).click();
  await expectAtSuccessUrl(page, s, intent.id);
  expect((await s.api.getIntent(intent.id)).status).toBe('succeeded');
  expect(await s.api.eventsFor(intent.id)).toEqual([
    'payment_intent.created',
    'payment_intent.requires_action',
    'payment_intent.payment_failed',
    'payment_intent.succeeded',
  ]);
});

test('five failed attempts cancel the payment', async ({ page, request, merchantSite }) => {
  const s = await setup({ request, merchantSite });
  const intent = await openCheckout(page, s);
  for (let attempt = 1; attempt <= 4; attempt++) {
    await fillCard(page, { number: TEST_CARDS.genericDecline });
    await payButton(page).click();
    await expect(alert(page)).toContainText('Your card was declined');
    await expect(payButton(page)).toBeEnabled();
  }
  await fillCard(page, { number: TEST_CARDS.genericDecline });
  await payButton(page).click();

  await expect(page.getByRole('heading', { name: 'This payment was canceled after too many failed attempts' })).toBeVisible();
  await expect(payButton(page)).toHaveCount(0);
  await expect(page.getByRole('link', { name: `Return to ${s.merchant.businessName}` }).first()).toHaveAttribute('href', s.cancelUrl);

  const after = await s.api.getIntent(intent.id);
  expect(after.status).toBe('canceled');
  const events = await s.api.eventsFor(intent.id);
  expect(events.filter((type) => type === 'payment_intent.payment_failed')).toHaveLength(5);
  expect(events.at(-1)).toBe('payment_intent.canceled');

  // Coming back later shows the same ending, not a form; its link leads back to the store.
  await page.goto(intent.checkout_url);
  await expect(page.getByRole('heading', { name: 'This payment was canceled after too many failed attempts' })).toBeVisible();
  await page.getByRole('link', { name: `Return to ${s.merchant.businessName}` }).first().click();
  await expectAtCancelUrl(page, s);
});

test('a wrong client secret shows nothing about the payment, exactly as an unknown payment', async ({ page, request, merchantSite }) => {
  const s = await setup({ request, merchantSite });
  const intent = await s.api.createIntent({ amount: 4321, currency: 'usd', description: 'Secret order', success_url: s.successUrl, cancel_url: s.cancelUrl });
  const unknown = await page.goto(`/checkout/pi_unknown0000000000?client_secret=pi_unknown0000000000_secret_x`);
  expect(unknown?.status()).toBe(404);
  const unknownText = await page.locator('body').innerText();
  const response = await page.goto(`/checkout/${intent.id}?client_secret=${intent.id}_secret_wrong`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'This payment link is not valid' })).toBeVisible();
  const text = await page.locator('body').innerText();
  expect(text).toBe(unknownText);
  for (const leak of ['43.21', 'Secret order', s.merchant.businessName]) expect(text).not.toContain(leak);
  expect((await s.api.getIntent(intent.id)).status).toBe('requires_payment_method');
  expect(await s.api.eventsFor(intent.id)).toEqual(['payment_intent.created']);
});

test('an expired checkout says so and links back to the store', async ({ page, request, merchantSite, baseURL }) => {
  const s = await setup({ request, merchantSite });
  const intent = await s.api.createIntent({ amount: 9999, currency: 'usd', success_url: s.successUrl, cancel_url: s.cancelUrl });
  await expireIntentNow(intent.id, baseURL!);

  const response = await page.goto(intent.checkout_url);
  expect(response?.status()).toBe(410);
  await expect(page.getByRole('heading', { name: 'This checkout has expired' })).toBeVisible();
  await page.getByRole('link', { name: `Return to ${s.merchant.businessName}` }).click();
  await expectAtCancelUrl(page, s);
  const after = await s.api.getIntent(intent.id);
  expect(after).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
  expect(await s.api.eventsFor(intent.id)).toEqual(['payment_intent.created', 'payment_intent.canceled']);
});

test('an already paid checkout says so and links to the success page', async ({ page, request, merchantSite }) => {
  const s = await setup({ request, merchantSite });
  const intent = await openCheckout(page, s);
  await fillCard(page, { number: TEST_CARDS.success });
  await payButton(page).click();
  await expectAtSuccessUrl(page, s, intent.id);

  await page.goto(intent.checkout_url);
  await expect(page.getByRole('heading', { name: 'Payment complete' })).toBeVisible();
  await expect(payButton(page)).toHaveCount(0);
  await expect(page.getByRole('link', { name: `Return to ${s.merchant.businessName}` })).toHaveAttribute('href', `${s.successUrl}&payment_intent=${intent.id}`);
  await page.getByRole('link', { name: `Return to ${s.merchant.businessName}` }).click();
  await expectAtSuccessUrl(page, s, intent.id);
});

test('the cancel link takes the buyer back to the store without paying', async ({ page, request, merchantSite }) => {
  const s = await setup({ request, merchantSite });
  const intent = await openCheckout(page, s);
  await page.getByRole('link', { name: `Cancel and return to ${s.merchant.businessName}` }).click();
  await expectAtCancelUrl(page, s);
  expect((await s.api.getIntent(intent.id)).status).toBe('requires_payment_method');
});

test("3-D Secure after a server-side confirmation returns to the merchant's return_url on its own origin", async ({ page, request, merchantSite }) => {
  const s = await setup({ request, merchantSite });
  for (const [button, status] of [['Complete authentication', 'succeeded'], ['Fail authentication', 'failed']] as const) {
    const intent = await s.api.createIntent({
      amount: 2500,
      currency: 'usd',
      confirm: 'true',
      payment_method: 'pm_card_threeDSecure2Required',
      return_url: s.site.url('/after-3ds?order=7'),
    });
    expect(intent.status).toBe('requires_action');
    await page.goto(intent.next_action!.redirect_to_url.url);
    await expect(page.getByRole('heading', { name: 'Confirm it’s you' })).toBeVisible();
    await page.getByRole('button', { name: button }).click();
    await expectOnMerchantSite(page, s.site, '/after-3ds', {
      order: '7',
      payment_intent: intent.id,
      payment_intent_client_secret: intent.client_secret,
      redirect_status: status,
    });
    expect((await s.api.getIntent(intent.id)).status).toBe(status === 'succeeded' ? 'succeeded' : 'requires_payment_method');
  }
});

test('fits a phone screen and passes an accessibility scan', async ({ page, request, merchantSite }) => {
  const s = await setup({ request, merchantSite });
  // A CSP violation or a script error shows up as a console error.
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.setViewportSize({ width: 390, height: 844 });
  await openCheckout(page, s);
  await expect(payButton(page)).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const box = await payButton(page).boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);

  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  // Errors shown inline are part of the scan too.
  await payButton(page).click();
  await expect(page.getByLabel('Card number')).toHaveAttribute('aria-invalid', 'true');
  const withErrors = await new AxeBuilder({ page }).analyze();
  expect(withErrors.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  expect(consoleErrors).toEqual([]);

  // The page runs under its strict policy: no inline script, no framing.
  const response = await page.request.get(new URL(page.url()).pathname + new URL(page.url()).search);
  expect(response.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(response.headers()['referrer-policy']).toBe('no-referrer');
});
