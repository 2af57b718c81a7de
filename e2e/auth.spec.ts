import { spawnSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import { expect, signInThroughForm, signUpOverHttp, test } from './fixtures';

const testBanner = (page: Page) => page.getByRole('status').filter({ hasText: 'Test mode' });
const accountMenu = (page: Page) => page.getByRole('button', { name: 'Account menu' });
const onHome = (page: Page) => expect(page).toHaveURL((url) => url.pathname === '/');
const signInResponse = (page: Page) => page.waitForResponse((r) => r.url().includes('/trpc/') && r.url().includes('auth.signIn'));

async function signOut(page: Page) {
  await accountMenu(page).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).or(page.getByRole('button', { name: 'Sign out' })).click();
  await expect(page).toHaveURL(/\/signin/);
}

test('sign up, sign out and sign in again', async ({ page, newAccount }) => {
  await page.goto('/signup');
  await page.getByLabel('Your name', { exact: true }).fill(newAccount.name);
  await page.getByLabel('Email', { exact: true }).fill(newAccount.email);
  await page.getByLabel('Business name', { exact: true }).fill(newAccount.businessName);
  await page.getByLabel('Password', { exact: true }).fill(newAccount.password);
  await page.getByRole('button', { name: 'Create account' }).click();

  await onHome(page);
  await expect(accountMenu(page)).toBeVisible();
  await expect(testBanner(page)).toBeVisible();

  await signOut(page);
  // Signed out means signed out: the dashboard sends us back to the form.
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);

  await signInThroughForm(page, newAccount);
  await onHome(page);
  await expect(accountMenu(page)).toBeVisible();
});

test('a wrong password is refused with one message for every cause', async ({ page, signedOutAccount }) => {
  await page.goto('/signin');
  await signInThroughForm(page, { email: signedOutAccount.email, password: 'not-the-right-password' });
  await expect(page.getByText('Incorrect email or password.')).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);

  // An unknown email reads the same, so the form does not reveal who has an account.
  await page.getByLabel('Email', { exact: true }).fill(`nobody-${Date.now()}@example.test`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Incorrect email or password.')).toBeVisible();
});

test('repeated wrong passwords are throttled', async ({ page, signedOutAccount }) => {
  await page.goto('/signin');
  await page.getByLabel('Email', { exact: true }).fill(signedOutAccount.email);
  await page.getByLabel('Password', { exact: true }).fill('not-the-right-password');
  // The first four failures are free; then each failure blocks the account for a doubling delay (2 s, 4 s…).
  // Keep trying until the block is reported rather than assuming the machine is fast enough for 2 s.
  let throttled = false;
  for (let attempt = 1; attempt <= 10 && !throttled; attempt++) {
    const response = signInResponse(page);
    await page.getByRole('button', { name: 'Sign in' }).click();
    throttled = (await (await response).text()).includes('Too many sign-in attempts');
  }
  expect(throttled).toBe(true);
  // The form says how long to wait rather than only that something failed.
  await expect(page.getByText(/Too many sign-in attempts\. Try again in \d+ seconds?\./)).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);
});

test('the mode switch hides the test banner in live mode and brings it back', async ({ page, account: _ }) => {
  await page.goto('/');
  const modeSwitch = page.getByRole('switch', { name: 'Test mode' });
  await expect(modeSwitch).toHaveAttribute('aria-checked', 'true');
  await expect(testBanner(page)).toBeVisible();

  await modeSwitch.click();
  await expect(modeSwitch).toHaveAttribute('aria-checked', 'false');
  await expect(testBanner(page)).toHaveCount(0);
  // The mode belongs to the session, not to the tab.
  await page.reload();
  await expect(page.getByRole('switch', { name: 'Test mode' })).toHaveAttribute('aria-checked', 'false');
  await expect(testBanner(page)).toHaveCount(0);

  await page.getByRole('switch', { name: 'Test mode' }).click();
  await expect(page.getByRole('switch', { name: 'Test mode' })).toHaveAttribute('aria-checked', 'true');
  await expect(testBanner(page)).toBeVisible();
});

test('a member of two accounts switches between them, and a switch starts in test mode', async ({ page, account, request }) => {
  // A second merchant (its owner signed up on the separate `request` jar) gets our user as a viewer. The team
  // page refuses existing users until invitations exist, so an operator attaches them with the CLI (which
  // shares the running server's embedded PostgreSQL).
  const other = await signUpOverHttp(request);
  const cli = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'member', 'add', '--merchant', other.merchantId, '--email', account.email, '--role', 'viewer'], {
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: process.env.E2E_DATA_DIR },
  });
  expect(cli.status, cli.stderr).toBe(0);

  await page.goto('/');
  const switcher = page.getByRole('button', { name: 'Switch account' });
  await expect(switcher).toContainText(account.businessName);
  await page.getByRole('switch', { name: 'Test mode' }).click();
  await expect(testBanner(page)).toHaveCount(0);

  await switcher.click();
  await page.getByRole('menuitem').or(page.getByRole('menuitemradio')).filter({ hasText: other.businessName }).click();
  await expect(switcher).toContainText(other.businessName);
  await expect(switcher).toContainText('View only');
  await expect(page.getByRole('switch', { name: 'Test mode' })).toHaveAttribute('aria-checked', 'true');
  await expect(testBanner(page)).toBeVisible();
});

test('a deep link while signed out returns there after signing in', async ({ page, signedOutAccount }) => {
  await page.goto('/settings');
  await expect(page).toHaveURL((url) => url.pathname === '/signin' && url.searchParams.get('redirect')?.startsWith('/settings') === true);

  await signInThroughForm(page, signedOutAccount);
  await expect(page).toHaveURL((url) => url.pathname === '/settings');
});

test('an off-site redirect parameter is not followed', async ({ page, signedOutAccount }) => {
  await page.goto('/signin?redirect=' + encodeURIComponent('https://evil.example/phish'));
  await signInThroughForm(page, signedOutAccount);
  await onHome(page);
});

test('an unknown address shows a not-found page with a way home', async ({ page, account: _ }) => {
  const response = await page.goto('/no-such-page-here');
  expect(response?.status()).toBe(200); // the SPA answers; the router renders the not-found view
  await expect(page.getByText(/not found|doesn.t exist|could not find/i).first()).toBeVisible();
  await page.getByRole('link', { name: /home|dashboard|back/i }).first().click();
  await onHome(page);
});
