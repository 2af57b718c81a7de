import AxeBuilder from '@axe-core/playwright';
import type { APIRequestContext, Page } from '@playwright/test';
import { expireDueSessions } from '../server/core/checkout-sessions/checkout-sessions.service.js';
import { openDatabase } from '../server/db/connect.js';
import { loadEnv } from '../server/env.js';
import { expect } from './fixtures';
import { createMerchantWithKeys, expectOnMerchantSite, fillCard, test, TEST_CARDS, type MerchantSite } from './checkout-helpers';

/**
 * Stripe Checkout as a merchant integrates it, with only the host changed: the merchant's server creates a
 * session over /v1/checkout/sessions, its page on another origin sends the buyer to session.url, the buyer
 * pays on the hosted page (items, total, card form), lands on success_url with {CHECKOUT_SESSION_ID}
 * filled in, and the success page's server retrieves the session by that id.
 */

interface SessionJson {
  id: string;
  url: string | null;
  status: string;
  payment_status: string;
  payment_intent: string;
  amount_total: number;
  customer_details: { email: string | null } | null;
}

function sessionsApi(request: APIRequestContext, secretKey: string) {
  const headers = { Authorization: `Bearer ${secretKey}` };
  return {
    async create(form: Record<string, string | number>): Promise<SessionJson> {
      const response = await request.post('/v1/checkout/sessions', { headers, form });
      expect(response.status(), await response.text()).toBe(200);
      return (await response.json()) as SessionJson;
    },
    async get(id: string): Promise<SessionJson> {
      const response = await request.get(`/v1/checkout/sessions/${id}`, { headers });
      expect(response.status(), await response.text()).toBe(200);
      return (await response.json()) as SessionJson;
    },
    async eventTypesFor(id: string): Promise<string[]> {
      const response = await request.get('/v1/events?limit=100&type=checkout.session.*', { headers });
      const { data } = (await response.json()) as { data: { type: string; data: { object: { id: string } } }[] };
      return data.filter((e) => e.data.object.id === id).map((e) => e.type);
    },
  };
}

/** Three items in Stripe's form encoding, as the stripe SDKs send them. */
function threeItems(): Record<string, string | number> {
  const items = [
    ['Linen apron', 'Stonewashed, one size', 3400, 1],
    ['Ceramic mug', 'Hand-glazed, 350 ml', 1850, 2],
    ['Tea towel', '', 900, 3],
  ] as const;
  const form: Record<string, string | number> = {};
  items.forEach(([name, description, unit, quantity], i) => {
    form[`line_items[${i}][price_data][currency]`] = 'usd';
    form[`line_items[${i}][price_data][unit_amount]`] = unit;
    form[`line_items[${i}][price_data][product_data][name]`] = name;
    if (description) form[`line_items[${i}][price_data][product_data][description]`] = description;
    form[`line_items[${i}][quantity]`] = quantity;
  });
  return form;
}

async function newSession(request: APIRequestContext, site: MerchantSite, extra: Record<string, string | number> = {}) {
  const merchant = await createMerchantWithKeys(request);
  const api = sessionsApi(request, merchant.secretKey);
  const session = await api.create({
    mode: 'payment',
    ...threeItems(),
    success_url: site.url('/success?session_id={CHECKOUT_SESSION_ID}'),
    cancel_url: site.url('/cart'),
    client_reference_id: 'cart-1',
    ...extra,
  });
  expect(session.url).toBe(new URL(`/checkout/${session.id}`, session.url!).toString());
  return { merchant, api, session };
}

/** The buyer starts on the merchant's own page (another origin) and is sent on to session.url, as after a 303. */
async function goFromMerchantSite(page: Page, site: MerchantSite, url: string) {
  await page.goto(site.url('/cart'));
  await expect(page.getByRole('heading', { name: 'Merchant page /cart' })).toBeVisible();
  await Promise.all([page.waitForURL(url), page.evaluate((to) => window.location.assign(to), url)]);
}

const total = '$98.00';

test('pays a three-item session from the merchant site and lands on success_url with the session id', async ({ page, request, merchantSite }) => {
  const { merchant, api, session } = await newSession(request, merchantSite);
  expect(session.amount_total).toBe(3400 + 1850 * 2 + 900 * 3);
  await goFromMerchantSite(page, merchantSite, session.url!);

  await expect(page.getByTestId('merchant-name')).toHaveText(merchant.businessName);
  await expect(page.getByTestId('amount')).toHaveText(total);
  const items = page.getByTestId('line-item');
  await expect(items).toHaveCount(3);
  await expect(items.nth(0).getByTestId('line-item-name')).toHaveText('Linen apron');
  await expect(items.nth(0)).toContainText('Stonewashed, one size');
  await expect(items.nth(1).getByTestId('line-item-quantity')).toHaveText('Qty 2 · $18.50 each');
  await expect(items.nth(1).getByTestId('line-item-amount')).toHaveText('$37.00');
  await expect(items.nth(2).getByTestId('line-item-amount')).toHaveText('$27.00');
  await expect(page.getByTestId('total')).toHaveText(total);
  await expect(page.getByRole('link', { name: `Cancel and return to ${merchant.businessName}` })).toHaveAttribute('href', merchantSite.url('/cart'));

  // No email is known: the buyer gives one, and it becomes the session's customer email.
  await expect(page.getByLabel('Email')).toHaveValue('');
  await page.getByLabel('Email').fill('shopper@example.com');
  // A decline first, then a good card: the same form, the same words as any checkout.
  await fillCard(page, { number: TEST_CARDS.genericDecline });
  await page.getByRole('button', { name: `Pay ${total}` }).click();
  await expect(page.getByTestId('checkout-alert')).toContainText('Your card was declined');
  await fillCard(page, { number: TEST_CARDS.success });
  await page.getByRole('button', { name: `Pay ${total}` }).click();

  await expectOnMerchantSite(page, merchantSite, '/success', { session_id: session.id });
  // The success page's server retrieves the session by the id it was given.
  const done = await api.get(new URL(page.url()).searchParams.get('session_id')!);
  expect(done).toMatchObject({ status: 'complete', payment_status: 'paid', url: null, customer_details: { email: 'shopper@example.com' } });
  expect(await api.eventTypesFor(session.id)).toEqual(['checkout.session.completed']);
});

test('3-D Secure on a session returns to success_url with the session id', async ({ page, request, merchantSite }) => {
  const { api, session } = await newSession(request, merchantSite, { customer_email: 'known@example.com' });
  await goFromMerchantSite(page, merchantSite, session.url!);
  // A known email is shown, not asked for again.
  await expect(page.getByLabel('Email')).toHaveValue('known@example.com');
  await expect(page.getByLabel('Email')).toHaveAttribute('readonly', '');
  await fillCard(page, { number: TEST_CARDS.threeDS2 });
  await page.getByRole('button', { name: `Pay ${total}` }).click();
  await page.getByRole('button', { name: 'Complete authentication' }).click();
  await expectOnMerchantSite(page, merchantSite, '/success', { session_id: session.id });
  expect((await api.get(session.id)).status).toBe('complete');
});

test('the cancel link returns to the store and the session stays open', async ({ page, request, merchantSite }) => {
  const { api, session } = await newSession(request, merchantSite);
  await page.goto(session.url!);
  await page.getByRole('link', { name: /Cancel and return to/ }).click();
  await expectOnMerchantSite(page, merchantSite, '/cart', {});
  expect((await api.get(session.id)).status).toBe('open');
});

/** As the expiry time passing would: the session's expiry moves into the past and the job runs. */
async function expireSessionNow(sessionId: string, intentId: string, appUrl: string) {
  const env = loadEnv({ DATA_DIR: process.env.E2E_DATA_DIR ?? '.data', DATABASE_URL: process.env.DATABASE_URL, APP_URL: appUrl });
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, migrate: false, poolSize: 2 });
  try {
    const past = new Date(Date.now() - 60_000);
    await database.db.updateTable('checkout_sessions').set({ expires_at: past }).where('id', '=', sessionId).execute();
    await database.db.updateTable('payment_intents').set({ expires_at: past }).where('id', '=', intentId).execute();
    await expireDueSessions({ db: database.db, secret: env.APP_SECRET, appUrl: env.APP_URL });
  } finally {
    await database.close();
  }
}

test('an expired session shows its page and fires checkout.session.expired', async ({ page, request, merchantSite, baseURL }) => {
  const { merchant, api, session } = await newSession(request, merchantSite);
  await expireSessionNow(session.id, session.payment_intent, baseURL!);
  const response = await page.goto(session.url!);
  expect(response?.status()).toBe(410);
  await expect(page.getByRole('heading', { name: 'This checkout has expired' })).toBeVisible();
  expect((await api.get(session.id)).status).toBe('expired');
  expect(await api.eventTypesFor(session.id)).toEqual(['checkout.session.expired']);
  await page.getByRole('link', { name: `Return to ${merchant.businessName}` }).click();
  await expectOnMerchantSite(page, merchantSite, '/cart', {});
});

for (const width of [390, 1280]) {
  test(`the page with items fits ${width} px and passes an accessibility scan`, async ({ page, request, merchantSite }) => {
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
    const { session } = await newSession(request, merchantSite);
    await page.goto(session.url!);
    await expect(page.getByRole('button', { name: `Pay ${total}` })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // Every item's amount is on screen next to its name, not cut off.
    for (const amount of await page.getByTestId('line-item-amount').all()) {
      const box = (await amount.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(width);
    }
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    expect(errors).toEqual([]);
    const file = test.info().outputPath(`checkout-session-${width}.png`);
    await page.screenshot({ fullPage: true, path: file });
    await test.info().attach(`checkout-session-${width}.png`, { path: file, contentType: 'image/png' });
  });
}

test("the dashboard finds a session's payment by the session id and shows its items and client_reference_id", async ({ page, apiKeys }) => {
  const api = sessionsApi(page.request, apiKeys.secret);
  const session = await api.create({ mode: 'payment', ...threeItems(), client_reference_id: 'order-2048' });
  await page.goto('/payments');
  const search = page.getByRole('searchbox', { name: 'Search payments' });
  await search.fill(session.id);
  await search.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/payments/${session.payment_intent}$`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(total);
  await expect(page.getByTestId('checkout-session-id')).toHaveText(session.id);
  await expect(page.getByTestId('client-reference-id')).toHaveText('order-2048');
  const rows = page.getByTestId('session-line-items').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1)).toContainText('Ceramic mug');
  await expect(rows.nth(1)).toContainText('$37.00');
  await expect(page.getByTestId('session-line-items').locator('tfoot')).toContainText(total);
});

test('a long order folds after five items on a phone, and every item is one tap away', async ({ page, request, merchantSite }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const merchant = await createMerchantWithKeys(request);
  const form: Record<string, string | number> = { mode: 'payment' };
  for (let i = 0; i < 8; i++) {
    form[`line_items[${i}][price_data][currency]`] = 'usd';
    form[`line_items[${i}][price_data][unit_amount]`] = 500 + i;
    form[`line_items[${i}][price_data][product_data][name]`] = `Print no. ${i + 1}`;
    form[`line_items[${i}][quantity]`] = 1;
  }
  const session = await sessionsApi(request, merchant.secretKey).create({ ...form, cancel_url: merchantSite.url('/cart') });
  await page.goto(session.url!);
  const items = page.getByTestId('line-item');
  await expect(items.filter({ visible: true })).toHaveCount(5);
  await expect(page.getByText('Print no. 8')).toBeHidden();
  await page.getByText('Show 3 more items').click();
  await expect(page.getByText('Print no. 8')).toBeVisible();
  await expect(items.filter({ visible: true })).toHaveCount(8);
  await expect(page.getByTestId('total')).toHaveText('$40.28');
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});
