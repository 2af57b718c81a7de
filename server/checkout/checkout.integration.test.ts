import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelPaymentIntent, createPaymentIntent, getPaymentIntent } from '../core/payment-intents/payment-intents.service.js';
import type { Actor } from '../core/shared/deps.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';
import { CHECKOUT_DIST } from './checkout-assets.js';
import type { CheckoutBootstrap } from '../../shared/contracts/checkout.js';
import { apiClient } from '../api/test-client.js';

let database: TestDatabase;
let server: TestServer;
let actor: Actor;
let merchantName: string;
let publishableKey: string;
let secretKeys: { test: string; live: string };

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.deps);
  const merchant = await createTestMerchant(database.db, { businessName: 'Bean & Leaf <Roasters>' });
  actor = { merchantId: merchant.merchant.id, livemode: false };
  merchantName = merchant.merchant.name;
  publishableKey = merchant.keys.test.publishable;
  secretKeys = { test: merchant.keys.test.secret, live: merchant.keys.live.secret };
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

const SUCCESS_URL = 'https://shop.example/thanks?order=42';
const CANCEL_URL = 'https://shop.example/cart';

function card(number: string) {
  return { type: 'card' as const, card: { number, exp_month: 12, exp_year: new Date().getFullYear() + 3, cvc: '123' } };
}

async function newIntent(extra: Record<string, unknown> = {}) {
  return createPaymentIntent(database.deps, actor, {
    amount: 9999,
    currency: 'usd',
    description: 'Two bags of coffee',
    receipt_email: 'buyer@example.com',
    success_url: SUCCESS_URL,
    cancel_url: CANCEL_URL,
    ...extra,
  } as Parameters<typeof createPaymentIntent>[2]);
}

function pageUrl(id: string, secret?: string, extra = '') {
  return `${server.baseUrl}/checkout/${id}${secret === undefined ? '' : `?client_secret=${encodeURIComponent(secret)}`}${extra}`;
}

function bootstrapOf(html: string): CheckoutBootstrap {
  const match = /<script type="application\/json" id="checkout-bootstrap">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error('no bootstrap JSON in the page');
  return JSON.parse(match[1]) as CheckoutBootstrap;
}

function expectPageHeaders(response: Response) {
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
}

describe('GET /checkout/:id', () => {
  it('serves the pay page with only the public bits the client needs', async () => {
    const intent = await newIntent();
    const response = await fetch(pageUrl(intent.id, intent.client_secret!));
    expect(response.status).toBe(200);
    expectPageHeaders(response);
    const html = await response.text();
    const boot = bootstrapOf(html);
    expect(boot).toMatchObject({
      intent: { id: intent.id, clientSecret: intent.client_secret, amount: 9999, currency: 'usd', description: 'Two bags of coffee', livemode: false },
      merchant: { name: merchantName },
      receiptEmail: 'buyer@example.com',
      publishableKey,
      successRedirectUrl: `${SUCCESS_URL}&payment_intent=${intent.id}`,
      cancelUrl: CANCEL_URL,
      returnedError: null,
    });
    expect(html).toContain('$99.99');
    expect(html).toContain('Cancel and return to Bean &amp; Leaf &lt;Roasters&gt;');
    // The merchant's name cannot break out of the JSON script element.
    expect(html).not.toContain('<Roasters>');
    if (existsSync(path.join(CHECKOUT_DIST, '.vite', 'manifest.json'))) {
      const script = /<script type="module" src="(\/checkout\/assets\/checkout-[\w-]+\.js)"><\/script>/.exec(html);
      expect(script).not.toBeNull();
      const asset = await fetch(`${server.baseUrl}${script![1]}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect(html).toMatch(/<link rel="stylesheet" href="\/checkout\/assets\/checkout-[\w-]+\.css">/);
    }
  });

  it('answers a wrong or missing client secret exactly as an unknown id: same status, same body, no intent data', async () => {
    const intent = await newIntent();
    const unknown = await fetch(pageUrl('pi_doesnotexist000000000000', 'pi_doesnotexist000000000000_secret_x'));
    expect(unknown.status).toBe(404);
    expectPageHeaders(unknown);
    const unknownBody = await unknown.text();
    expect(unknownBody).toContain('This payment link is not valid');
    for (const secret of [undefined, '', `${intent.client_secret}x`, intent.client_secret!.slice(0, -1) + 'A', 'pi_other_secret_abc']) {
      const response = await fetch(pageUrl(intent.id, secret));
      expect(response.status, String(secret)).toBe(404);
      expectPageHeaders(response);
      const html = await response.text();
      expect(html, String(secret)).toBe(unknownBody);
      for (const leak of ['99.99', 'Two bags', 'Bean', 'buyer@example.com', 'shop.example', 'pk_test_', intent.client_secret!]) {
        expect(html, leak).not.toContain(leak);
      }
    }
    // The challenge page and its form answer the same way.
    const challenge = await fetch(`${server.baseUrl}/checkout/3ds/${intent.id}?client_secret=wrong`);
    expect(challenge.status).toBe(404);
    expect(await challenge.text()).toBe(unknownBody);
    expect((await fetch(`${server.baseUrl}/checkout/not-an-id`)).status).toBe(404);
    expect(await (await fetch(`${server.baseUrl}/checkout/not-an-id`)).text()).toBe(unknownBody);
  });

  it('answers an expired intent with 410 and the way back to the store', async () => {
    const intent = await newIntent();
    await database.db.updateTable('payment_intents').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', intent.id).execute();
    const response = await fetch(pageUrl(intent.id, intent.client_secret!));
    expect(response.status).toBe(410);
    expectPageHeaders(response);
    const html = await response.text();
    expect(html).toContain('This checkout has expired');
    expect(html).toContain(`href="${CANCEL_URL}"`);
    expect(html).not.toContain('checkout-bootstrap');
  });

  it('answers a canceled intent with 410', async () => {
    const intent = await newIntent();
    await cancelPaymentIntent(database.deps, actor, intent.id, { cancellation_reason: 'requested_by_customer' });
    const response = await fetch(pageUrl(intent.id, intent.client_secret!));
    expect(response.status).toBe(410);
    const html = await response.text();
    expect(html).toContain('This payment was canceled');
    expect(html).toContain(`href="${CANCEL_URL}"`);
  });

  it('says "already paid" for a succeeded intent, with a link to the success page', async () => {
    const intent = await newIntent({ confirm: true, payment_method_data: card('4242424242424242') });
    expect(intent.status).toBe('succeeded');
    const response = await fetch(pageUrl(intent.id, intent.client_secret!));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('This payment has already been made');
    expect(html).toContain(`href="${SUCCESS_URL}&amp;payment_intent=${intent.id}"`);
    expect(html).not.toContain('checkout-bootstrap');
  });

  it('offers the pending bank challenge when the buyer reloads during 3-D Secure', async () => {
    const intent = await newIntent({ confirm: true, payment_method_data: card('4000000000003220') });
    const boot = bootstrapOf(await (await fetch(pageUrl(intent.id, intent.client_secret!))).text());
    expect(boot.pendingActionUrl).toBe(`/checkout/3ds/${intent.id}?client_secret=${encodeURIComponent(intent.client_secret!)}`);
  });

  it('uses the current publishable key, and says checkout is unavailable when the merchant has none', async () => {
    const other = await createTestMerchant(database.db);
    const otherActor = { merchantId: other.merchant.id, livemode: false };
    const intent = await createPaymentIntent(database.deps, otherActor, { amount: 500, currency: 'eur', success_url: SUCCESS_URL });
    expect(bootstrapOf(await (await fetch(pageUrl(intent.id, intent.client_secret!))).text()).publishableKey).toBe(other.keys.test.publishable);

    await database.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('merchant_id', '=', other.merchant.id).where('type', '=', 'publishable').execute();
    const response = await fetch(pageUrl(intent.id, intent.client_secret!));
    expect(response.status).toBe(503);
    const html = await response.text();
    expect(html).toContain('Checkout is unavailable');
    expect(html).not.toContain('pk_test_');
  });

  it('refuses javascript: URLs as links even if they were stored', async () => {
    const intent = await newIntent();
    await database.db.updateTable('payment_intents').set({ cancel_url: 'javascript:alert(1)', expires_at: new Date(Date.now() - 1000) }).where('id', '=', intent.id).execute();
    const html = await (await fetch(pageUrl(intent.id, intent.client_secret!))).text();
    expect(html).not.toContain('javascript:');
  });
});

describe('3-D Secure challenge', () => {
  async function intentNeedingChallenge() {
    const intent = await newIntent({ confirm: true, payment_method_data: card('4000002500003155') });
    expect(intent.status).toBe('requires_action');
    const url = intent.next_action!.redirect_to_url.url;
    expect(url).toBe(`${server.baseUrl}/checkout/3ds/${intent.id}?client_secret=${encodeURIComponent(intent.client_secret!)}`);
    return { intent, url };
  }

  function post(id: string, body: Record<string, string>) {
    return fetch(`${server.baseUrl}/checkout/3ds/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
      redirect: 'manual',
    });
  }

  it('completes authentication: the intent succeeds and the buyer ends at the success page', async () => {
    const { intent, url } = await intentNeedingChallenge();
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expectPageHeaders(page);
    const html = await page.text();
    expect(html).toContain('Complete authentication');
    expect(html).toContain('Fail authentication');
    expect(html).toContain(`action="/checkout/3ds/${intent.id}"`);
    expect(html).toContain('3155');

    const response = await post(intent.id, { client_secret: intent.client_secret!, outcome: 'complete' });
    expect(response.status).toBe(303);
    const back = response.headers.get('location')!;
    expect(back).toBe(`/checkout/${intent.id}?client_secret=${encodeURIComponent(intent.client_secret!)}&redirect_status=succeeded`);
    expect((await getPaymentIntent(database.deps, actor, intent.id)).status).toBe('succeeded');

    const landing = await fetch(`${server.baseUrl}${back}`, { redirect: 'manual' });
    expect(landing.status).toBe(303);
    expect(landing.headers.get('location')).toBe(`${SUCCESS_URL}&payment_intent=${intent.id}`);
  });

  it('fails authentication: the intent wants a new card and the page says why', async () => {
    const { intent } = await intentNeedingChallenge();
    const response = await post(intent.id, { client_secret: intent.client_secret!, outcome: 'fail' });
    expect(response.status).toBe(303);
    const back = response.headers.get('location')!;
    expect(back).toContain('redirect_status=failed');
    const after = await getPaymentIntent(database.deps, actor, intent.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error?.code).toBe('payment_intent_authentication_failure');

    const page = await fetch(`${server.baseUrl}${back}`);
    expect(page.status).toBe(200);
    expect(bootstrapOf(await page.text()).returnedError).toMatchObject({ code: 'payment_intent_authentication_failure' });
  });

  it('does nothing without the client secret (so a cross-site form cannot act)', async () => {
    const { intent, url } = await intentNeedingChallenge();
    const bodies: Record<string, string>[] = [{ outcome: 'complete' }, { outcome: 'complete', client_secret: 'pi_x_secret_y' }];
    for (const body of bodies) {
      const response = await post(intent.id, body);
      expect(response.status).toBe(404);
    }
    expect((await fetch(url.replace(/client_secret=[^&]+/, 'client_secret=nope'))).status).toBe(404);
    expect((await getPaymentIntent(database.deps, actor, intent.id)).status).toBe('requires_action');
  });

  it("returns to the merchant's own return_url when it confirmed server-side", async () => {
    const intent = await newIntent({ confirm: true, payment_method_data: card('4000000000003220'), return_url: 'https://shop.example/after-3ds?step=2' });
    expect(intent.status).toBe('requires_action');
    const response = await post(intent.id, { client_secret: intent.client_secret!, outcome: 'complete' });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('https://shop.example/after-3ds');
    expect(Object.fromEntries(location.searchParams)).toEqual({
      step: '2',
      payment_intent: intent.id,
      payment_intent_client_secret: intent.client_secret,
      redirect_status: 'succeeded',
    });
  });

  it("lets the challenge form's answer redirect to the merchant's origins, and no other (form-action)", async () => {
    const formAction = (csp: string | null) => (csp ?? '').split(';').map((d) => d.trim()).find((d) => d.startsWith('form-action'));
    const { url } = await intentNeedingChallenge();
    // Via the hosted checkout to success_url.
    expect(formAction((await fetch(url)).headers.get('content-security-policy'))).toBe("form-action 'self' https://shop.example");
    const own = await newIntent({
      confirm: true,
      payment_method_data: card('4000000000003220'),
      success_url: 'http://127.0.0.1:4999/done',
      return_url: 'https://merchant.example:8443/after-3ds',
    });
    const page = await fetch(own.next_action!.redirect_to_url.url);
    expect(formAction(page.headers.get('content-security-policy'))).toBe("form-action 'self' https://merchant.example:8443 http://127.0.0.1:4999");
    // Pages without a cross-origin form keep form-action to this origin only.
    const plain = await newIntent();
    const pay = await fetch(pageUrl(plain.id, plain.client_secret!));
    expect(pay.status).toBe(200);
    expect(formAction(pay.headers.get('content-security-policy'))).toBe("form-action 'self'");
  });

  it('sends the buyer back to the checkout when there is nothing to authenticate', async () => {
    const intent = await newIntent();
    const response = await fetch(`${server.baseUrl}/checkout/3ds/${intent.id}?client_secret=${encodeURIComponent(intent.client_secret!)}`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/checkout/${intent.id}?client_secret=${encodeURIComponent(intent.client_secret!)}`);
  });
});

describe('success_url, cancel_url and return_url (/v1)', () => {
  const refused = ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'mailto:a@b.example', '/relative/path', 'shop.example/thanks', 'https://', 'ftp://shop.example/x'];

  it('refuses anything but an absolute http(s) URL with a 400 naming the parameter', async () => {
    const call = apiClient(server.baseUrl, secretKeys.test);
    for (const param of ['success_url', 'cancel_url', 'return_url']) {
      for (const url of refused) {
        const response = await call('POST', '/payment_intents', { params: { amount: 1000, currency: 'usd', [param]: url } });
        expect(response.status, `${param}=${url}`).toBe(400);
        expect(response.body.error, `${param}=${url}`).toMatchObject({ type: 'invalid_request_error', code: 'url_invalid', param });
        expect(response.body.error.message).toContain(param);
      }
    }
    const intent = await call('POST', '/payment_intents', { params: { amount: 1000, currency: 'usd' } });
    const confirm = await call('POST', `/payment_intents/${intent.body.id}/confirm`, { params: { payment_method: 'pm_card_visa', return_url: 'javascript:alert(1)' } });
    expect(confirm.status).toBe(400);
    expect(confirm.body.error).toMatchObject({ code: 'url_invalid', param: 'return_url' });
    expect((await call('GET', `/payment_intents/${intent.body.id}`)).body.status).toBe('requires_payment_method');

    const ok = await call('POST', '/payment_intents', {
      params: { amount: 1000, currency: 'usd', success_url: 'http://127.0.0.1:8080/ok', cancel_url: 'https://shop.example/cart', return_url: 'https://shop.example/back' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ success_url: 'http://127.0.0.1:8080/ok', cancel_url: 'https://shop.example/cart' });
  });

  it('takes only https in live mode', async () => {
    const call = apiClient(server.baseUrl, secretKeys.live);
    for (const param of ['success_url', 'cancel_url', 'return_url']) {
      const response = await call('POST', '/payment_intents', { params: { amount: 1000, currency: 'usd', [param]: 'http://shop.example/x' } });
      expect(response.status, param).toBe(400);
      expect(response.body.error, param).toMatchObject({ type: 'invalid_request_error', code: 'url_invalid', param });
      expect(response.body.error.message).toContain('https');
    }
    const ok = await call('POST', '/payment_intents', { params: { amount: 1000, currency: 'usd', success_url: 'https://shop.example/ok' } });
    expect(ok.status).toBe(200);
    const confirm = await call('POST', `/payment_intents/${ok.body.id}/confirm`, { params: { payment_method: 'pm_card_visa', return_url: 'http://shop.example/back' } });
    expect(confirm.status).toBe(400);
    expect(confirm.body.error).toMatchObject({ code: 'url_invalid', param: 'return_url' });
  });
});

describe('a returning customer', () => {
  it("is offered their saved, unexpired cards (never another customer's) and pays with one from the browser", async () => {
    const secret = apiClient(server.baseUrl, secretKeys.test);
    const customer = (await secret('POST', '/customers', { params: { email: 'regular@example.test' } })).body;
    const stranger = (await secret('POST', '/customers', { params: { email: 'stranger@example.test' } })).body;
    const saved = (await secret('POST', '/payment_methods/pm_card_mastercard/attach', { params: { customer: customer.id } })).body;
    await secret('POST', '/payment_methods/pm_card_visa/attach', { params: { customer: stranger.id } });
    // An expired card stays saved but is not offered.
    const expiring = (await secret('POST', '/payment_methods/pm_card_visa/attach', { params: { customer: customer.id } })).body;
    await database.db.updateTable('payment_methods').set({ card_exp_year: 2020 }).where('id', '=', expiring.id).execute();

    const intent = await newIntent({ customer: customer.id });
    const boot = bootstrapOf(await (await fetch(pageUrl(intent.id, intent.client_secret!))).text());
    expect(boot.savedCards).toEqual([{ id: saved.id, brand: 'mastercard', last4: '4444', expMonth: saved.card.exp_month, expYear: saved.card.exp_year }]);
    const anonymous = await newIntent();
    expect(bootstrapOf(await (await fetch(pageUrl(anonymous.id, anonymous.client_secret!))).text()).savedCards).toEqual([]);

    // What the page sends for a saved card: its id, with the publishable key and client secret.
    const browser = apiClient(server.baseUrl, publishableKey);
    const paid = await browser('POST', `/payment_intents/${intent.id}/confirm`, { params: { client_secret: intent.client_secret, payment_method: saved.id } });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'succeeded', payment_method: saved.id });
    // The card stays the customer's for the next purchase.
    const next = await newIntent({ customer: customer.id });
    expect(bootstrapOf(await (await fetch(pageUrl(next.id, next.client_secret!))).text()).savedCards.map((c) => c.id)).toEqual([saved.id]);
  });

  it('is offered their saved card on a checkout session made for them (issue 15 item 2)', async () => {
    const secret = apiClient(server.baseUrl, secretKeys.test);
    const customer = (await secret('POST', '/customers', { params: { email: 'session-regular@example.test' } })).body;
    const saved = (await secret('POST', '/payment_methods/pm_card_amex/attach', { params: { customer: customer.id } })).body;
    const session = (await secret('POST', '/checkout/sessions', {
      params: { mode: 'payment', customer: customer.id, success_url: SUCCESS_URL, cancel_url: CANCEL_URL, line_items: [{ quantity: 2, price_data: { currency: 'usd', unit_amount: 1250, product_data: { name: 'Tea' } } }] },
    })).body;
    expect(session.url).toMatch(/\/checkout\/cs_/);
    const boot = bootstrapOf(await (await fetch(session.url)).text());
    expect(boot.savedCards.map((c) => [c.id, c.brand])).toEqual([[saved.id, 'amex']]);
    const guest = (await secret('POST', '/checkout/sessions', {
      params: { mode: 'payment', success_url: SUCCESS_URL, line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Cup' } } }] },
    })).body;
    expect(bootstrapOf(await (await fetch(guest.url)).text()).savedCards).toEqual([]);
  });
});
