import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../api/test-client.js';
import { createRefund } from '../core/refunds/refunds.service.js';
import type { Actor } from '../core/shared/deps.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';

let database: TestDatabase;
let server: TestServer;
let actor: Actor;
let other: Actor;
let call: ReturnType<typeof apiClient>;
let otherCall: ReturnType<typeof apiClient>;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.deps);
  const merchant = await createTestMerchant(database.db, { businessName: 'Bean & Leaf <Roasters>' });
  actor = { merchantId: merchant.merchant.id, livemode: false };
  await sql`update merchants set timezone = 'Asia/Kolkata' where id = ${actor.merchantId}`.execute(database.db);
  call = apiClient(server.baseUrl, merchant.keys.test.secret);
  const second = await createTestMerchant(database.db, { businessName: 'Other Shop' });
  other = { merchantId: second.merchant.id, livemode: false };
  otherCall = apiClient(server.baseUrl, second.keys.test.secret);
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

async function paidCharge(api: ReturnType<typeof apiClient>, params: Record<string, unknown>) {
  const pi = await api('POST', '/payment_intents', { params: { confirm: 'true', payment_method: 'pm_card_visa', expand: ['latest_charge'], ...params } });
  expect(pi.status).toBe(200);
  return pi.body.latest_charge as { id: string; receipt_url: string | null; payment_intent: string; created: number };
}

async function get(url: string) {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, html: await response.text() };
}

describe('hosted receipts (receipt_url)', () => {
  it('a succeeded charge has an unguessable receipt URL on this app; the page shows what a receipt shows', async () => {
    const charge = await paidCharge(call, { amount: 5000, currency: 'jpy', description: 'Two bags of "house" coffee' });
    expect(charge.receipt_url).toMatch(new RegExp(`^${server.baseUrl}/checkout/receipts/${actor.merchantId}/test/[A-Za-z0-9_-]{43}$`));
    expect(charge.receipt_url).not.toContain(charge.id);
    // The same URL on every read (it is stored, not made up per response).
    expect((await call('GET', `/charges/${charge.id}`)).body.receipt_url).toBe(charge.receipt_url);
    expect((await call('GET', '/charges', { params: { payment_intent: charge.payment_intent } })).body.data[0].receipt_url).toBe(charge.receipt_url);

    const page = await get(charge.receipt_url!);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.html).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(page.html).toContain('Bean &amp; Leaf &lt;Roasters&gt;');
    expect(page.html).not.toContain('<Roasters>');
    expect(page.html).toContain('¥5,000');
    expect(page.html).toContain('Two bags of &quot;house&quot; coffee');
    expect(page.html).toContain('Visa <span class="tabular-nums">•••• 4242</span>');
    expect(page.html).toMatch(/data-testid="status">Paid</);
    // The merchant's zone (India: UTC+5:30, no daylight saving).
    const local = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'Asia/Kolkata', timeZoneName: 'short' }).format(charge.created * 1000);
    expect(page.html).toContain(local);
    expect(local).toMatch(/GMT\+5:30/);
    // Nothing of the card beyond brand and last 4.
    expect(page.html).not.toMatch(/4242424242424242|exp_|fingerprint|"12\/|cvc/i);
  });

  it('three-decimal currencies and refunds so far', async () => {
    const charge = await paidCharge(call, { amount: 12340, currency: 'kwd' });
    await createRefund(database.deps, actor, { payment_intent: charge.payment_intent, amount: 2000 });
    const page = await get(charge.receipt_url!);
    expect(page.html).toContain('KWD');
    expect(page.html).toContain('12.340');
    expect(page.html).toMatch(/data-testid="status">Partially refunded</);
    expect(page.html).toMatch(/data-testid="amount-refunded"><span class="tabular-nums">KWD\s2\.000</);
    expect(page.html).toMatch(/data-testid="net-paid"><span class="tabular-nums">KWD\s10\.340</);
    expect(page.html.match(/data-testid="refund"/g)).toHaveLength(1);
  });

  it('a failed charge has no receipt_url (as Stripe)', async () => {
    const pi = await call('POST', '/payment_intents', { params: { amount: 2000, currency: 'usd', confirm: 'true', payment_method: 'pm_card_chargeDeclined' } });
    expect(pi.status).toBe(402);
    const charges = await call('GET', '/charges', { params: { payment_intent: pi.body.error.payment_intent.id } });
    expect(charges.body.data[0]).toMatchObject({ status: 'failed', receipt_url: null });
  });

  it('a wrong token answers 404 exactly like an unknown one; another merchant\'s receipt is not reachable by guessing', async () => {
    const mine = await paidCharge(call, { amount: 2500, currency: 'usd' });
    const theirs = await paidCharge(otherCall, { amount: 2500, currency: 'usd' });
    const token = (url: string) => url.split('/').pop()!;
    const base = `${server.baseUrl}/checkout/receipts`;
    const flipped = token(mine.receipt_url!).replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    const attempts = [
      `${base}/${actor.merchantId}/test/${flipped}`, // one character off
      `${base}/${actor.merchantId}/test/${'A'.repeat(43)}`, // well-formed, unknown
      `${base}/${actor.merchantId}/test/short`, // malformed
      `${base}/${actor.merchantId}/live/${token(mine.receipt_url!)}`, // right token, other mode
      `${base}/${actor.merchantId}/test/${token(theirs.receipt_url!)}`, // another merchant's token under mine
      `${base}/${other.merchantId}/test/${token(mine.receipt_url!)}`, // my token under another merchant
      `${base}/acct_unknown/test/${token(mine.receipt_url!)}`,
      `${base}/${actor.merchantId}/test/${mine.id}`, // the charge id is not the key
    ];
    const answers = await Promise.all(attempts.map(get));
    for (const a of answers) {
      expect(a.status).toBe(404);
      expect(a.html).toBe(answers[0].html);
      expect(a.html).toContain('This receipt link is not valid');
    }
    // Both real ones work, each for its own merchant only.
    expect((await get(mine.receipt_url!)).html).toContain('Bean &amp; Leaf');
    expect((await get(theirs.receipt_url!)).html).toContain('Other Shop');
    expect((await get(theirs.receipt_url!)).html).not.toContain('Bean &amp; Leaf');
  });
});
