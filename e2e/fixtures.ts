/**
 * Shared Playwright fixtures. Every test gets its own merchant, created over HTTP in a few milliseconds
 * (plus one argon2 hash), so specs never share tenant state and can run in parallel against the one server
 * started by playwright.config.ts.
 *
 *   import { expect, test } from './fixtures';
 *   test('lists nothing for a new merchant', async ({ page, account }) => {
 *     await page.goto('/payments');          // already signed in as account.email
 *   });
 *
 * Fixtures:
 * - `account`: signs up a fresh owner + merchant through POST /trpc/auth.signUp on the page's browser
 *   context, so `page` is signed in (test mode) when the test starts. Holds the credentials.
 * - `signedOutAccount`: an existing account whose session is not given to `page` (sign-in form tests).
 * - `newAccount`: the same data without signing in (for tests of the sign-up and sign-in forms).
 * - `trpc`: call a tRPC procedure as the signed-in user (`trpc.mutation('auth.setMode', {livemode:true})`).
 * - `clientIp`: each test presents its own client address (X-Forwarded-For, trusted from loopback only),
 *   so the per-address sign-in throttle of one test never slows another.
 *
 * - `apiKeys`: the account's test-mode keys `{ publishable, secret }` for specs that drive /v1 or the hosted
 *   checkout; the secret is a new key made through the dashboard's `developers.createSecretKey` (secrets
 *   are shown once, so the keys from sign-up cannot be read back). Created only when a test asks for it.
 * - `member(role)`: a second user with that role in the account's merchant (added by the owner through
 *   `settings.addMember`), signed in on its own browser context: `const { page } = await member('support')`.
 *
 * Plan (docs/decisions/004-test-architecture.md): when invitations by email arrive, `member` switches to the
 * invite-and-accept flow; its signature stays.
 */
import { randomBytes } from 'node:crypto';
import { test as base, expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import type { Role } from '../shared/permissions';
import { linkIn, openMailbox, type Mailbox } from './mailbox';

export { expect };

export interface AccountCredentials {
  name: string;
  email: string;
  businessName: string;
  password: string;
}

export interface Account extends AccountCredentials {
  userId: string;
  merchantId: string;
}

const CSRF_HEADERS = { 'content-type': 'application/json', 'x-paymentflow-csrf': '1' } as const;

let sequence = 0;
/** Unique per test, across workers and runs; the password avoids the name and email as the rules require. */
export function newCredentials(prefix = 'owner'): AccountCredentials {
  const tag = `${Date.now().toString(36)}${process.pid.toString(36)}${(sequence++).toString(36)}${randomBytes(3).toString('hex')}`;
  return {
    name: 'Erin Tester',
    email: `${prefix}-${tag}@example.test`,
    businessName: `Shop ${tag}`,
    password: `pf-${randomBytes(9).toString('base64url')}-e2e`,
  };
}

type TrpcError = { error: { message: string; data?: { code?: string } } };

async function unwrap<T>(response: Awaited<ReturnType<APIRequestContext['post']>>, procedure: string): Promise<T> {
  const body = (await response.json().catch(() => null)) as { result?: { data: T } } & Partial<TrpcError> | null;
  if (!response.ok() || !body?.result) {
    throw new Error(`tRPC ${procedure} failed with ${response.status()}: ${body?.error?.message ?? (await response.text())}`);
  }
  return body.result.data;
}

export interface TrpcClient {
  query<T = unknown>(procedure: string, input?: unknown): Promise<T>;
  mutation<T = unknown>(procedure: string, input?: unknown): Promise<T>;
}

/** A minimal tRPC-over-HTTP client (no batching, no transformer) using the given context's cookies. */
export function trpcClient(request: APIRequestContext): TrpcClient {
  return {
    async query(procedure, input) {
      const search = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
      return unwrap(await request.get(`/trpc/${procedure}${search}`, { headers: CSRF_HEADERS }), procedure);
    },
    async mutation(procedure, input) {
      return unwrap(await request.post(`/trpc/${procedure}`, { headers: CSRF_HEADERS, data: input ?? {} }), procedure);
    },
  };
}

/** Signs up over HTTP on the given request context; its cookie jar then holds the session. */
export async function signUpOverHttp(request: APIRequestContext, credentials: AccountCredentials = newCredentials()): Promise<Account> {
  const created = await trpcClient(request).mutation<{ user: { id: string }; merchant: { id: string } }>('auth.signUp', credentials);
  return { ...credentials, userId: created.user.id, merchantId: created.merchant.id };
}

export interface ApiKeys { publishable: string; secret: string }

/** Test- or live-mode keys for the merchant signed in on `request` (the session's mode decides which). */
export async function apiKeysFor(request: APIRequestContext): Promise<ApiKeys> {
  const trpc = trpcClient(request);
  const { keys } = await trpc.query<{ keys: Array<{ type: string; token: string | null; revoked_at?: number | null }> }>('developers.keys');
  const publishable = keys.find((k) => k.type === 'publishable' && k.token)?.token;
  if (!publishable) throw new Error('The merchant has no publishable key.');
  const { secret } = await trpc.mutation<{ secret: string }>('developers.createSecretKey', { name: 'e2e' });
  return { publishable, secret };
}

export interface Member extends AccountCredentials {
  userId: string;
  context: BrowserContext;
  page: Page;
}

/** A random private address, unique enough per test. */
function randomClientIp(): string {
  const [a, b, c] = randomBytes(3);
  return `10.${a}.${b}.${Math.max(1, c)}`;
}

/** Follows the verification link mailed at sign-up, as the owner would. */
export async function verifyEmailOverHttp(request: APIRequestContext, mailbox: Mailbox, email: string): Promise<void> {
  const link = linkIn(await mailbox.latest(email, /Verify your email address/), '/verify-email');
  const token = new URL(link, 'http://x').searchParams.get('token')!;
  await trpcClient(request).mutation('auth.verifyEmail', { token });
}

export const test = base.extend<{
  clientIp: string;
  account: Account;
  signedOutAccount: Account;
  newAccount: AccountCredentials;
  trpc: TrpcClient;
  apiKeys: ApiKeys;
  member: (role: Role) => Promise<Member>;
}, { mailbox: Mailbox }>({
  mailbox: [async ({}, use) => {
    const mailbox = await openMailbox();
    await use(mailbox);
    await mailbox.close();
  }, { scope: 'worker' }],
  clientIp: async ({}, use) => {
    await use(randomClientIp());
  },
  extraHTTPHeaders: async ({ extraHTTPHeaders, clientIp }, use) => {
    await use({ ...extraHTTPHeaders, 'x-forwarded-for': clientIp });
  },
  account: async ({ context, mailbox }, use) => {
    // context.request shares the browser context's cookie jar: the page is signed in from here on.
    const account = await signUpOverHttp(context.request);
    await verifyEmailOverHttp(context.request, mailbox, account.email);
    await use(account);
  },
  signedOutAccount: async ({ request }, use) => {
    // The `request` fixture has its own cookie jar, so the page stays signed out.
    await use(await signUpOverHttp(request));
  },
  newAccount: async ({}, use) => {
    await use(newCredentials());
  },
  trpc: async ({ context }, use) => {
    await use(trpcClient(context.request));
  },
  apiKeys: async ({ account: _, context }, use) => {
    await use(await apiKeysFor(context.request));
  },
  member: async ({ account: _, context, browser, baseURL, extraHTTPHeaders }, use) => {
    const opened: BrowserContext[] = [];
    await use(async (role) => {
      const credentials = newCredentials(role);
      const { url } = await trpcClient(context.request).mutation<{ url: string }>('invitations.create', { email: credentials.email, role });
      const memberContext = await browser.newContext({ baseURL, extraHTTPHeaders });
      opened.push(memberContext);
      // Accepting creates the account and signs it in on the member's own context.
      const accepted = await trpcClient(memberContext.request).mutation<{ user: { id: string } }>('invitations.accept', {
        token: new URL(url).searchParams.get('token'), name: credentials.name, password: credentials.password,
      });
      return { ...credentials, userId: accepted.user.id, context: memberContext, page: await memberContext.newPage() };
    });
    for (const c of opened) await c.close();
  },
});

/** Fills and submits the sign-in form (the page must be on /signin). */
export async function signInThroughForm(page: Page, credentials: { email: string; password: string }) {
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
