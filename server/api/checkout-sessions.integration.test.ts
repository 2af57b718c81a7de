import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutBootstrap } from '../../shared/contracts/checkout.js';
import { expireDueSessions } from '../core/checkout-sessions/checkout-sessions.service.js';
import { findPayments, getPaymentDetail } from '../core/dashboard/payments.service.js';
import { resolveLookup } from '../core/dashboard/lookup.service.js';
import { confirmPaymentIntent } from '../core/payment-intents/payment-intents.service.js';
import { expireCheckoutSession } from '../core/checkout-sessions/checkout-sessions.service.js';
import { expireIntents } from '../core/payment-intents/expiry.service.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';
import { requiredProperties } from './stripe-declarations.js';
import { apiClient } from './test-client.js';

/**
 * Checkout Sessions as a Stripe Checkout integration uses them: the official `stripe` package creates,
 * retrieves, lists and expires sessions against a running server; the buyer's side is the hosted page at
 * session.url and the publishable-key confirmation its form sends.
 */

let database: TestDatabase;
let server: TestServer;
let stripe: Stripe;
let merchantId: string;
let publishableKey: string;
let liveSecret: string;
let call: ReturnType<typeof apiClient>;

beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  process.env.RATE_LIMIT_LIVE = '10000';
  database = await createTestDatabase();
  const merchant = await createTestMerchant(database.db, { businessName: 'Harbour Books' });
  merchantId = merchant.merchant.id;
  publishableKey = merchant.keys.test.publishable;
  liveSecret = merchant.keys.live.secret;
  server = await startTestServer(database.deps);
  const port = Number(new URL(server.baseUrl).port);
  stripe = new Stripe(merchant.keys.test.secret, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
  call = apiClient(server.baseUrl, merchant.keys.test.secret);
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

const SUCCESS_URL = 'https://shop.example/success?session_id={CHECKOUT_SESSION_ID}';
const CANCEL_URL = 'https://shop.example/cart';

const threeItems: Stripe.Checkout.SessionCreateParams.LineItem[] = [
  { price_data: { currency: 'usd', unit_amount: 1999, product_data: { name: 'The Sea Around Us', description: 'Hardcover' } }, quantity: 2 },
  { price_data: { currency: 'usd', unit_amount: 1250, product_data: { name: 'Bookmark set' } }, quantity: 1 },
  { price_data: { currency: 'usd', unit_amount: 399, product_data: { name: 'Gift wrap' } }, quantity: 3 },
];

function createSession(extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
  return stripe.checkout.sessions.create({ mode: 'payment', line_items: threeItems, success_url: SUCCESS_URL, cancel_url: CANCEL_URL, ...extra });
}

function bootstrapOf(html: string): CheckoutBootstrap {
  const match = /<script type="application\/json" id="checkout-bootstrap">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error('no bootstrap JSON in the page');
  return JSON.parse(match[1]) as CheckoutBootstrap;
}

function card(number: string) {
  return { type: 'card', card: { number, exp_month: 12, exp_year: new Date().getFullYear() + 3, cvc: '123' } };
}

/** What the hosted page's form sends: the publishable key, the intent's client secret, the card and the email. */
async function payFromPage(bootstrap: CheckoutBootstrap, number: string, email = 'reader@example.com') {
  return call('POST', `/payment_intents/${bootstrap.intent.id}/confirm`, {
    key: publishableKey,
    params: { client_secret: bootstrap.intent.clientSecret, payment_method_data: { ...card(number), billing_details: { email } }, receipt_email: email },
  });
}

async function eventsOf(type: string, objectId: string) {
  const list = await stripe.events.list({ type, limit: 100 });
  return list.data.filter((e) => (e.data.object as { id: string }).id === objectId);
}

async function errorOf(promise: Promise<unknown>) {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as Stripe.errors.StripeError,
  );
}

describe('checkout sessions through the official stripe SDK', () => {
  it('creates a session with exact totals, a hosted url and its own payment intent', async () => {
    const session = await createSession({ client_reference_id: 'cart-77', metadata: { order: '77' }, customer_email: 'reader@example.com' });
    expect(session).toMatchObject({
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      currency: 'usd',
      amount_subtotal: 1999 * 2 + 1250 + 399 * 3,
      amount_total: 6445,
      client_reference_id: 'cart-77',
      customer_email: 'reader@example.com',
      metadata: { order: '77' },
      success_url: SUCCESS_URL,
      cancel_url: CANCEL_URL,
      livemode: false,
    });
    expect(session.id).toMatch(/^cs_/);
    expect(session.url).toBe(`${server.baseUrl}/checkout/${session.id}`);
    // Default lifetime: 24 hours.
    expect(session.expires_at - session.created).toBe(24 * 60 * 60);
    const missing = requiredProperties('resources/Checkout/Sessions.d.ts', 'Session').filter((p) => !Object.prototype.hasOwnProperty.call(session, p));
    expect(missing, 'fields the stripe SDK declares always present').toEqual([]);

    const intent = await stripe.paymentIntents.retrieve(session.payment_intent as string);
    expect(intent).toMatchObject({ amount: 6445, currency: 'usd', status: 'requires_payment_method', receipt_email: 'reader@example.com' });
    // The intent lives as long as its session, not an hour.
    expect((intent as unknown as { expires_at: number }).expires_at).toBe(session.expires_at);
  });

  it('retrieves with expand[]=payment_intent and line_items, and lists the items in order', async () => {
    const session = await createSession();
    const read = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent', 'line_items'] });
    expect((read.payment_intent as Stripe.PaymentIntent).object).toBe('payment_intent');
    expect((read.payment_intent as Stripe.PaymentIntent).amount).toBe(6445);
    expect(read.line_items?.data.map((i) => [i.description, i.quantity, i.price?.unit_amount, i.amount_total])).toEqual([
      ['The Sea Around Us', 2, 1999, 3998],
      ['Bookmark set', 1, 1250, 1250],
      ['Gift wrap', 3, 399, 1197],
    ]);
    const items = await stripe.checkout.sessions.listLineItems(session.id, { limit: 2 });
    expect(items.data.map((i) => i.description)).toEqual(['The Sea Around Us', 'Bookmark set']);
    expect(items.has_more).toBe(true);
    const missing = requiredProperties('resources/LineItems.d.ts', 'LineItem').filter((p) => !Object.prototype.hasOwnProperty.call(items.data[0], p));
    expect(missing).toEqual([]);
    const rest = await stripe.checkout.sessions.listLineItems(session.id, { starting_after: items.data[1].id });
    expect(rest.data.map((i) => i.description)).toEqual(['Gift wrap']);
    expect(rest.has_more).toBe(false);
    const back = await stripe.checkout.sessions.listLineItems(session.id, { ending_before: rest.data[0].id });
    expect(back.data.map((i) => i.description)).toEqual(['The Sea Around Us', 'Bookmark set']);
    // Every item, through auto-pagination.
    const all: string[] = [];
    for await (const item of stripe.checkout.sessions.listLineItems(session.id, { limit: 1 })) all.push(item.description!);
    expect(all).toEqual(['The Sea Around Us', 'Bookmark set', 'Gift wrap']);
    expect(await errorOf(stripe.checkout.sessions.retrieve('cs_doesnotexist'))).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('lists sessions newest first, filtered by payment_intent, customer, status and created', async () => {
    const customer = await stripe.customers.create({ email: 'regular@example.com' });
    const first = await createSession({ customer: customer.id });
    const second = await createSession();
    const third = await createSession({ customer: customer.id });
    await stripe.checkout.sessions.expire(second.id);
    const recent = await stripe.checkout.sessions.list({ limit: 3 });
    expect(recent.data.map((s) => s.id)).toEqual([third.id, second.id, first.id]);
    const byIntent = await stripe.checkout.sessions.list({ payment_intent: second.payment_intent as string });
    expect(byIntent.data.map((s) => s.id)).toEqual([second.id]);
    const byCustomer = await stripe.checkout.sessions.list({ customer: customer.id });
    expect(byCustomer.data.map((s) => s.id)).toEqual([third.id, first.id]);
    // The customer's email is used for the receipt.
    expect((await stripe.paymentIntents.retrieve(first.payment_intent as string)).receipt_email).toBe('regular@example.com');
    const expired = await stripe.checkout.sessions.list({ status: 'expired', limit: 100 });
    expect(expired.data.map((s) => s.id)).toContain(second.id);
    expect(expired.data.every((s) => s.status === 'expired')).toBe(true);
    const none = await stripe.checkout.sessions.list({ created: { gt: third.created + 10 } });
    expect(none.data).toEqual([]);
    const page = await stripe.checkout.sessions.list({ limit: 1, starting_after: third.id });
    expect(page.data.map((s) => s.id)).toEqual([second.id]);
    const withItems = await stripe.checkout.sessions.list({ limit: 1, expand: ['data.line_items'] });
    expect(withItems.data[0].line_items?.data).toHaveLength(3);
  });

  it('expires an open session (its intent canceled, the event sent); a second expire is refused', async () => {
    const session = await createSession();
    const expired = await stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ id: session.id, status: 'expired', payment_status: 'unpaid', url: null });
    const intent = await stripe.paymentIntents.retrieve(session.payment_intent as string);
    expect(intent).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    const events = await eventsOf('checkout.session.expired', session.id);
    expect(events).toHaveLength(1);
    expect(events[0].data.object).toMatchObject({ id: session.id, status: 'expired' });
    const again = await errorOf(stripe.checkout.sessions.expire(session.id));
    expect(again).toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400 });
    expect(again.message).toContain('open');
    // The page says so and links back to the store.
    const page = await fetch(`${server.baseUrl}/checkout/${session.id}`);
    expect(page.status).toBe(410);
    const html = await page.text();
    expect(html).toContain('This checkout has expired');
    expect(html).toContain(`href="${CANCEL_URL}"`);
  });

  it('answers bad input with Stripe-shaped errors naming the parameter', async () => {
    const bad = async (params: Record<string, unknown>) => {
      const response = await call('POST', '/checkout/sessions', { params: { mode: 'payment', success_url: SUCCESS_URL, ...params } });
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      return response.body.error as { type: string; code: string; param: string; message: string };
    };
    const item = (currency: string, unit_amount: number, quantity: number) => ({ price_data: { currency, unit_amount, product_data: { name: 'Thing' } }, quantity });
    expect(await bad({})).toMatchObject({ type: 'invalid_request_error', code: 'parameter_missing', param: 'line_items' });
    expect(await bad({ line_items: [item('usd', 500, 1), item('eur', 500, 1)] })).toMatchObject({ param: 'line_items[1][price_data][currency]' });
    expect(await bad({ line_items: [item('usd', 500, 0)] })).toMatchObject({ param: 'line_items[0][quantity]' });
    expect(await bad({ line_items: [{ price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'x' } } }] })).toMatchObject({ code: 'parameter_missing', param: 'line_items[0][quantity]' });
    const tooSmall = await bad({ line_items: [item('usd', 10, 2), item('usd', 20, 1)] });
    expect(tooSmall).toMatchObject({ code: 'amount_too_small', param: 'line_items' });
    expect(tooSmall.message).toContain('0.50 usd');
    expect(await bad({ line_items: [item('usd', 500, 1)], expires_at: Math.floor(Date.now() / 1000) + 10 * 60 })).toMatchObject({ param: 'expires_at' });
    expect(await bad({ line_items: [item('usd', 500, 1)], expires_at: Math.floor(Date.now() / 1000) + 25 * 60 * 60 })).toMatchObject({ param: 'expires_at' });
    expect(await bad({ line_items: [{ price: 'price_123', quantity: 1 }] })).toMatchObject({ code: 'resource_missing', param: 'line_items[0][price]' });
    expect(await bad({ line_items: Array.from({ length: 101 }, () => item('usd', 100, 1)) })).toMatchObject({ param: 'line_items' });
    expect(await bad({ line_items: [item('usd', 500, 1)], mode: 'subscription' })).toMatchObject({ param: 'mode' });
    expect(await bad({ line_items: [item('usd', 500, 1)], customer: 'cus_x', customer_email: 'a@b.example' })).toMatchObject({ param: 'customer_email' });
    expect(await bad({ line_items: [item('usd', 500, 1)], success_url: 'javascript:alert(1)' })).toMatchObject({ code: 'url_invalid', param: 'success_url' });
    // Nothing was written by any of these.
    const intents = await stripe.paymentIntents.list({ limit: 100 });
    const sessions = await stripe.checkout.sessions.list({ limit: 100 });
    expect(sessions.data.map((s) => s.payment_intent)).toEqual(expect.arrayContaining(intents.data.map((i) => i.id)));
    // 100 items are allowed; a custom lifetime inside the range is kept.
    const expiresAt = Math.floor(Date.now() / 1000) + 45 * 60;
    const many = await stripe.checkout.sessions.create({ mode: 'payment', line_items: Array.from({ length: 100 }, () => item('usd', 100, 1)), expires_at: expiresAt });
    expect(many).toMatchObject({ amount_total: 10000, expires_at: expiresAt });
    // On the page the first five show and the rest fold away behind one control; every item is there.
    const manyPage = await (await fetch(many.url!)).text();
    expect(manyPage.match(/data-testid="line-item"/g)).toHaveLength(100);
    expect(manyPage).toContain('Show 95 more items</summary>');
    // Stripe's older amount-only line.
    const legacy = await call('POST', '/checkout/sessions', { params: { mode: 'payment', line_items: [{ amount: 2500, currency: 'usd', name: 'Donation', quantity: 2 }] } });
    expect(legacy.status, JSON.stringify(legacy.body)).toBe(200);
    expect(legacy.body).toMatchObject({ amount_total: 5000, currency: 'usd' });
  });

  it('keeps totals exact in zero- and three-decimal currencies (jpy, kwd) and formats them on the page', async () => {
    const jpy = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { price_data: { currency: 'jpy', unit_amount: 1500, product_data: { name: 'Matcha' } }, quantity: 2 },
        { price_data: { currency: 'jpy', unit_amount: 305, product_data: { name: 'Wagashi' } }, quantity: 1 },
      ],
    });
    expect(jpy).toMatchObject({ currency: 'jpy', amount_subtotal: 3305, amount_total: 3305 });
    const jpyPage = await (await fetch(jpy.url!)).text();
    expect(jpyPage).toContain('¥3,305');
    expect(jpyPage).toContain('¥1,500 each');

    const kwd = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { price_data: { currency: 'kwd', unit_amount: 1255, product_data: { name: 'Dates' } }, quantity: 3 },
        { price_data: { currency: 'kwd', unit_amount: 1, product_data: { name: 'Bag' } }, quantity: 1 },
      ],
    });
    expect(kwd).toMatchObject({ currency: 'kwd', amount_total: 3766 });
    expect((await stripe.paymentIntents.retrieve(kwd.payment_intent as string)).amount).toBe(3766);
    const kwdPage = await (await fetch(kwd.url!)).text();
    expect(kwdPage).toContain('KWD\u00a03.766');
    expect(kwdPage).toContain('KWD\u00a01.255 each');
    // The minimum applies to the total, in the currency's own units.
    const small = await errorOf(stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price_data: { currency: 'kwd', unit_amount: 199, product_data: { name: 'x' } }, quantity: 1 }] }));
    expect(small).toMatchObject({ code: 'amount_too_small' });
    expect(small.message).toContain('0.200 kwd');
  });
});

describe("the buyer's side: session.url", () => {
  it('shows the merchant, the items and the total, and completes the session when paid', async () => {
    const session = await createSession({ client_reference_id: 'cart-9' });
    const response = await fetch(session.url!);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Harbour Books');
    expect(html).toContain('The Sea Around Us');
    expect(html).toContain('Hardcover');
    expect(html).toContain('Qty 2 · $19.99 each');
    expect(html).toContain('$39.98');
    expect(html).toContain('$64.45');
    const bootstrap = bootstrapOf(html);
    expect(bootstrap.session?.id).toBe(session.id);
    expect(bootstrap.session?.lineItems.map((i) => i.name)).toEqual(['The Sea Around Us', 'Bookmark set', 'Gift wrap']);
    expect(bootstrap.successRedirectUrl).toBe(`https://shop.example/success?session_id=${session.id}`);
    expect(bootstrap.cancelUrl).toBe(CANCEL_URL);
    expect(bootstrap.receiptEmail).toBeNull();
    expect(bootstrap.session?.emailFixed).toBe(false);
    // With customer_email the page shows that email and does not ask for another.
    const known = bootstrapOf(await (await fetch((await createSession({ customer_email: 'known@example.com' })).url!)).text());
    expect(known).toMatchObject({ receiptEmail: 'known@example.com', session: { emailFixed: true } });

    // A decline leaves the session open; a retry with a good card completes it.
    const declined = await payFromPage(bootstrap, '4000000000000002');
    expect(declined.status).toBe(402);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
    const paid = await payFromPage(bootstrap, '4242424242424242');
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.status).toBe('succeeded');

    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid', url: null, customer_details: { email: 'reader@example.com' } });
    const events = await eventsOf('checkout.session.completed', session.id);
    expect(events).toHaveLength(1);
    expect(events[0].data.object).toMatchObject({ id: session.id, status: 'complete', payment_status: 'paid', client_reference_id: 'cart-9', amount_total: 6445 });
    // A paid session cannot be expired, and its page says it is paid.
    expect(await errorOf(stripe.checkout.sessions.expire(session.id))).toMatchObject({ statusCode: 400 });
    const after = await fetch(session.url!);
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('Payment complete');
  });

  it('3-D Secure ends at success_url with the session id filled in', async () => {
    const session = await createSession();
    const bootstrap = bootstrapOf(await (await fetch(session.url!)).text());
    const confirmed = await payFromPage(bootstrap, '4000000000003220');
    expect(confirmed.body.status).toBe('requires_action');
    const challenge = new URL(confirmed.body.next_action.redirect_to_url.url);
    const answer = await fetch(`${server.baseUrl}${challenge.pathname}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_secret: bootstrap.intent.clientSecret, outcome: 'complete' }),
    });
    expect(answer.status).toBe(303);
    const back = await fetch(`${server.baseUrl}${answer.headers.get('location')}`, { redirect: 'manual' });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`https://shop.example/success?session_id=${session.id}`);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('complete');
  });

  it('with manual capture the session completes unpaid', async () => {
    const session = await createSession({ payment_intent_data: { capture_method: 'manual', description: 'Order 5', metadata: { order: '5' } } });
    const intent = await stripe.paymentIntents.retrieve(session.payment_intent as string);
    expect(intent).toMatchObject({ capture_method: 'manual', description: 'Order 5', metadata: { order: '5' } });
    const bootstrap = bootstrapOf(await (await fetch(session.url!)).text());
    expect((await payFromPage(bootstrap, '4242424242424242')).body.status).toBe('requires_capture');
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
  });

  it('with customer_creation=always the buyer becomes a customer when the payment completes', async () => {
    const session = await createSession({ customer_creation: 'always' });
    expect(session).toMatchObject({ customer: null, customer_creation: 'always' });
    const bootstrap = bootstrapOf(await (await fetch(session.url!)).text());
    expect((await payFromPage(bootstrap, '4242424242424242', 'new.buyer@example.com')).body.status).toBe('succeeded');
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['customer'] });
    const customer = done.customer as Stripe.Customer;
    expect(customer).toMatchObject({ object: 'customer', email: 'new.buyer@example.com' });
    expect((await stripe.paymentIntents.retrieve(session.payment_intent as string)).customer).toBe(customer.id);
    expect((await eventsOf('checkout.session.completed', session.id))[0].data.object).toMatchObject({ customer: customer.id });
    // The default (if_required) makes no customer.
    const guest = await createSession();
    expect((await payFromPage(bootstrapOf(await (await fetch(guest.url!)).text()), '4242424242424242')).body.status).toBe('succeeded');
    expect((await stripe.checkout.sessions.retrieve(guest.id)).customer).toBeNull();
  });

  it('an unknown or malformed session id is an invalid link', async () => {
    for (const id of ['cs_doesnotexist', 'cs_<script>', 'cs_']) {
      const response = await fetch(`${server.baseUrl}/checkout/${encodeURIComponent(id)}`);
      expect(response.status, id).toBe(404);
    }
  });
});

describe('expiry on the job runtime', () => {
  it('expires sessions past expires_at with their intents, once, and fires checkout.session.expired', async () => {
    const session = await createSession();
    const later = await createSession();
    // As if it had been created a day ago.
    const past = new Date(Date.now() - 60_000);
    await database.db.updateTable('checkout_sessions').set({ expires_at: past }).where('merchant_id', '=', merchantId).where('id', '=', session.id).execute();
    await database.db.updateTable('payment_intents').set({ expires_at: past }).where('merchant_id', '=', merchantId).where('id', '=', session.payment_intent as string).execute();
    // Whichever job runs first, the session ends expired with one event.
    await expireIntents(database.deps);
    expect(await expireDueSessions(database.deps)).toBeGreaterThanOrEqual(1);
    expect(await expireDueSessions(database.deps)).toBe(0);
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'expired', url: null });
    expect((await stripe.paymentIntents.retrieve(session.payment_intent as string)).status).toBe('canceled');
    expect(await eventsOf('checkout.session.expired', session.id)).toHaveLength(1);
    expect((await stripe.checkout.sessions.retrieve(later.id)).status).toBe('open');
    const page = await fetch(`${server.baseUrl}/checkout/${session.id}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('This checkout has expired');
  });

  it('lets exactly one of a racing payment and expiry win, with one event', async () => {
    const actor = { merchantId, livemode: false };
    for (let i = 0; i < 5; i++) {
      const session = await createSession();
      const results = await Promise.allSettled([
        confirmPaymentIntent(database.deps, actor, session.payment_intent as string, { payment_method: 'pm_card_visa' }),
        expireCheckoutSession(database.deps, actor, session.id),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const final = await stripe.checkout.sessions.retrieve(session.id);
      const intent = await stripe.paymentIntents.retrieve(session.payment_intent as string);
      if (final.status === 'complete') expect(intent.status).toBe('succeeded');
      else expect([final.status, intent.status]).toEqual(['expired', 'canceled']);
      const events = [...(await eventsOf('checkout.session.completed', session.id)), ...(await eventsOf('checkout.session.expired', session.id))];
      expect(events.map((e) => e.type)).toEqual([final.status === 'complete' ? 'checkout.session.completed' : 'checkout.session.expired']);
    }
  });

  it('is for secret keys only, and live mode takes only https URLs', async () => {
    const withPublishable = await call('POST', '/checkout/sessions', { key: publishableKey, params: { mode: 'payment', line_items: [{ amount: 500, currency: 'usd', name: 'x', quantity: 1 }] } });
    expect(withPublishable.status).toBe(403);
    const live = await call('POST', '/checkout/sessions', {
      key: liveSecret,
      params: { mode: 'payment', line_items: [{ amount: 500, currency: 'usd', name: 'x', quantity: 1 }], success_url: 'http://shop.example/done' },
    });
    expect(live.status).toBe(400);
    expect(live.body.error).toMatchObject({ code: 'url_invalid', param: 'success_url' });
    // Test-mode sessions are not visible with live keys.
    const session = await createSession();
    expect((await call('GET', `/checkout/sessions/${session.id}`, { key: liveSecret })).status).toBe(404);
  });

  it('replays a create under the same Idempotency-Key', async () => {
    const params = { mode: 'payment', line_items: [{ price_data: { currency: 'usd', unit_amount: 700, product_data: { name: 'Tea' } }, quantity: 1 }] };
    const first = await call('POST', '/checkout/sessions', { params, headers: { 'Idempotency-Key': 'cs-replay-1' } });
    const second = await call('POST', '/checkout/sessions', { params, headers: { 'Idempotency-Key': 'cs-replay-1' } });
    expect(first.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('the dashboard', () => {
  it("shows a session's items and client_reference_id on its payment, and finds the payment by the session id", async () => {
    const session = await createSession({ client_reference_id: 'order-5521' });
    const scope = { merchantId, livemode: false };
    const detail = await getPaymentDetail(database.deps, scope, session.payment_intent as string);
    expect(detail.checkoutSession).toEqual({
      id: session.id,
      status: 'open',
      clientReferenceId: 'order-5521',
      knownBuyer: false,
      lineItems: [
        { name: 'The Sea Around Us', description: 'Hardcover', image: null, quantity: 2, unitAmount: 1999, amount: 3998 },
        { name: 'Bookmark set', description: null, image: null, quantity: 1, unitAmount: 1250, amount: 1250 },
        { name: 'Gift wrap', description: null, image: null, quantity: 3, unitAmount: 399, amount: 1197 },
      ],
    });
    const found = await findPayments(database.deps, scope, 'UTC', { q: session.id });
    expect(found.jumpTo).toEqual({ type: 'payment', id: session.payment_intent, path: `/payments/${session.payment_intent}` });
    expect(found.items.map((i) => i.id)).toEqual([session.payment_intent]);
    // The command palette opens it too.
    expect(await resolveLookup(database.deps, scope, session.id)).toEqual([expect.objectContaining({ type: 'payment', id: session.payment_intent, path: `/payments/${session.payment_intent}` })]);
    // Another merchant's session id finds nothing here.
    const other = await createTestMerchant(database.db);
    const theirs = await findPayments(database.deps, { merchantId: other.merchant.id, livemode: false }, 'UTC', { q: session.id });
    expect(theirs.items).toEqual([]);
    expect(theirs.jumpTo).toBeUndefined();
    expect(await resolveLookup(database.deps, { merchantId: other.merchant.id, livemode: false }, session.id)).toEqual([]);
    // A payment made without a session has none.
    const plain = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    expect((await getPaymentDetail(database.deps, scope, plain.id)).checkoutSession).toBeNull();
  });
});
