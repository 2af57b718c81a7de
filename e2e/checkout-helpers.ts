/**
 * Helpers for the hosted checkout specs: a merchant with a secret key (signed up over HTTP, key created
 * through the developers tRPC router), the merchant's side of the flow through /v1, and the buyer's card form.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { expireIntents } from '../server/core/payment-intents/expiry.service.js';
import { openDatabase } from '../server/db/connect.js';
import { loadEnv } from '../server/env.js';
import { signUpOverHttp, test as base, trpcClient, type Account } from './fixtures';

/**
 * The merchant's own website, on another origin than PaymentFlow (127.0.0.1, its own free port), as a
 * real merchant's is: it serves the success, cancel and 3-D Secure return pages and records each visit,
 * so a spec can assert that the browser really arrived (redirects after a form post, CSP and all).
 */
export interface MerchantSite {
  origin: string;
  url(pathAndQuery: string): string;
  /** Every page the browser asked for, as path and query (`/success?x=1&payment_intent=pi_…`). */
  visits: string[];
}

async function startMerchantSite(): Promise<{ site: MerchantSite; close(): Promise<void> }> {
  const visits: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://merchant.invalid');
    if (req.method !== 'GET' || url.pathname === '/favicon.ico') {
      res.writeHead(404).end();
      return;
    }
    visits.push(`${url.pathname}${url.search}`);
    const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const rows = [...url.searchParams].map(([k, v]) => `<li data-param="${escape(k)}">${escape(k)}=${escape(v)}</li>`).join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Merchant site</title></head><body><h1>Merchant page ${escape(url.pathname)}</h1><ul>${rows}</ul></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    site: { origin, url: (pathAndQuery) => `${origin}${pathAndQuery}`, visits },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The shared fixtures plus `merchantSite`, started for the test that asks for it and stopped after it. */
export const test = base.extend<{ merchantSite: MerchantSite }>({
  merchantSite: async ({ baseURL }, use) => {
    const { site, close } = await startMerchantSite();
    if (baseURL) expect(new URL(baseURL).origin).not.toBe(site.origin);
    try {
      await use(site);
    } finally {
      await close();
    }
  },
});

/** The browser is on the merchant's site at `pathname` with exactly these query parameters, and the site served it. */
export async function expectOnMerchantSite(page: Page, site: MerchantSite, pathname: string, params: Record<string, string>) {
  await expect(page).toHaveURL((url) => url.origin === site.origin && url.pathname === pathname);
  await expect(page.getByRole('heading', { name: `Merchant page ${pathname}` })).toBeVisible();
  const url = new URL(page.url());
  expect(Object.fromEntries(url.searchParams)).toEqual(params);
  expect(site.visits).toContain(`${url.pathname}${url.search}`);
}

export interface MerchantWithKeys extends Account {
  secretKey: string;
}

export async function createMerchantWithKeys(request: APIRequestContext): Promise<MerchantWithKeys> {
  const account = await signUpOverHttp(request);
  const { secret } = await trpcClient(request).mutation<{ secret: string }>('developers.createSecretKey', { name: 'e2e checkout' });
  expect(secret).toMatch(/^sk_test_/);
  return { ...account, secretKey: secret };
}

export interface IntentJson {
  id: string;
  object: 'payment_intent';
  status: string;
  amount: number;
  currency: string;
  client_secret: string;
  checkout_url: string;
  cancellation_reason: string | null;
  last_payment_error: { code: string; decline_code?: string } | null;
  payment_method?: unknown;
  next_action: { type: 'redirect_to_url'; redirect_to_url: { url: string; return_url: string | null } } | null;
}

export interface EventJson {
  id: string;
  type: string;
  data: { object: { id: string; status?: string } };
}

/** The merchant's server: /v1 with the secret key, form-encoded like Stripe's SDKs. */
export function merchantApi(request: APIRequestContext, secretKey: string) {
  const headers = { Authorization: `Bearer ${secretKey}` };
  return {
    async createIntent(params: Record<string, string | number>): Promise<IntentJson> {
      const response = await request.post('/v1/payment_intents', { headers, form: params });
      expect(response.status(), await response.text()).toBe(200);
      return (await response.json()) as IntentJson;
    },
    async getIntent(id: string): Promise<IntentJson> {
      const response = await request.get(`/v1/payment_intents/${id}`, { headers });
      expect(response.status(), await response.text()).toBe(200);
      return (await response.json()) as IntentJson;
    },
    /** This intent's events, oldest first. */
    async eventsFor(id: string): Promise<string[]> {
      const response = await request.get('/v1/events?limit=100', { headers });
      expect(response.status(), await response.text()).toBe(200);
      const { data } = (await response.json()) as { data: EventJson[] };
      return data.filter((event) => event.data.object.id === id).map((event) => event.type).reverse();
    },
  };
}

export const TEST_CARDS = {
  success: '4242424242424242',
  genericDecline: '4000000000000002',
  insufficientFunds: '4000000000009995',
  expiredCard: '4000000000000069',
  incorrectCvc: '4000000000000127',
  threeDS: '4000002500003155',
  threeDS2: '4000000000003220',
} as const;

const nextYear = String((new Date().getFullYear() + 2) % 100).padStart(2, '0');

/**
 * Fills the card form. `typed: true` types key by key as a buyer does (the formatting runs per keystroke);
 * otherwise each field is filled at once (as autofill or a paste does), which keeps long specs fast.
 */
export async function fillCard(page: Page, options: { number: string; expiry?: string; cvc?: string; name?: string; typed?: boolean }) {
  const enter = async (label: string, value: string) => {
    const input = page.getByLabel(label);
    await input.fill('');
    if (options.typed) await input.pressSequentially(value);
    else await input.fill(value);
  };
  await enter('Card number', options.number);
  await enter('Expiry date', options.expiry ?? `12${nextYear}`);
  await enter('Security code', options.cvc ?? '123');
  const name = page.getByLabel('Name on card');
  if (!(await name.inputValue())) await name.fill(options.name ?? 'Jane Buyer');
}

/**
 * Moves one intent's expiry into the past and runs the expiry job, as the hour passing would. Only intents
 * already past their expiry are touched, so parallel specs are unaffected.
 */
export async function expireIntentNow(intentId: string, appUrl: string) {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir && !process.env.DATABASE_URL) throw new Error('E2E_DATA_DIR is not set (run through playwright.config.ts)');
  // The same configuration the app under test reads (its APP_SECRET lives in the data folder).
  const env = loadEnv({ DATA_DIR: dataDir ?? '.data', DATABASE_URL: process.env.DATABASE_URL, APP_URL: appUrl });
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, migrate: false, poolSize: 2 });
  try {
    await database.db
      .updateTable('payment_intents')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('id', '=', intentId)
      .execute();
    await expireIntents({ db: database.db, secret: env.APP_SECRET, appUrl: env.APP_URL });
  } finally {
    // The app started this PostgreSQL, so closing here leaves it running.
    await database.close();
  }
}
