import type { Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { expect, signInThroughForm, test } from './fixtures';

/** A code of the authenticator app, one step ahead: a code already used (at enrolment) is refused a second time. */
function nextCode(secret: string) {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + 30_000 });
}

const onHome = (page: Page) => expect(page).toHaveURL((url) => url.pathname === '/');

async function signOut(page: Page) {
  const item = page.getByRole('menuitem', { name: 'Sign out', exact: true }).or(page.getByRole('button', { name: 'Sign out', exact: true }));
  // The menu opens once the shell has settled (a click during a re-render can be lost on a busy machine).
  await expect(async () => {
    if (!(await item.isVisible())) await page.getByRole('button', { name: 'Account menu' }).click({ timeout: 5_000 });
    await expect(item).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await item.click();
  await expect(page).toHaveURL(/\/signin/);
}

async function saveRecoveryCodes(page: Page): Promise<string[]> {
  const dialog = page.getByRole('dialog', { name: 'Save your recovery codes' });
  await expect(dialog).toBeVisible();
  const codes = await dialog.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allTextContents();
  expect(codes).toHaveLength(10);
  await dialog.getByRole('button', { name: 'I have saved them' }).click();
  await expect(dialog).toBeHidden();
  return codes;
}

test('authenticator app: enrol, then sign in with a code and with a recovery code', async ({ page, account }) => {
  await page.goto('/settings?tab=security');
  await expect(page.getByRole('heading', { name: /Two-factor authentication/ })).toContainText('Off');
  await page.getByRole('button', { name: 'Set up' }).click();
  const dialog = page.getByRole('dialog', { name: 'Set up an authenticator app' });
  await expect(dialog.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = (await dialog.getByTestId('totp-secret').textContent())!.trim();
  await dialog.getByLabel('Code from the app').fill('000000' === nextCode(secret) ? '111111' : '000000');
  await dialog.getByRole('button', { name: 'Turn on' }).click();
  await expect(dialog.getByText(/code is not right/)).toBeVisible();
  await dialog.getByLabel('Code from the app').fill(new TOTP({ secret: Secret.fromBase32(secret) }).generate());
  await dialog.getByRole('button', { name: 'Turn on' }).click();
  const codes = await saveRecoveryCodes(page);
  await expect(page.getByRole('heading', { name: /Two-factor authentication/ })).toContainText('On');
  await expect(page.getByText('10 of 10 unused')).toBeVisible();

  await signOut(page);
  await signInThroughForm(page, account);
  await expect(page).toHaveURL(/\/signin\/two-factor/);
  await expect(page.getByRole('heading', { name: 'Enter your authentication code' })).toBeVisible();
  await page.getByLabel('Authentication code').fill(nextCode(secret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await onHome(page);

  await signOut(page);
  await signInThroughForm(page, account);
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(codes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await onHome(page);
  await page.goto('/settings?tab=security');
  await expect(page.getByText('9 of 10 unused')).toBeVisible();

  // Every step is in the audit log.
  await page.goto('/settings?tab=audit&action=two_factor');
  await expect(page.getByRole('cell', { name: /Recovery code used/ })).toBeVisible();
  await expect(page.getByRole('cell', { name: /Authenticator app turned on/ })).toBeVisible();
});

test('passkey: enrol and sign in with Chromium’s virtual authenticator', async ({ page, newAccount, baseURL }) => {
  // WebAuthn refuses IP addresses as the site's name, so passkeys are used on localhost (the same server).
  const origin = baseURL!.replace('127.0.0.1', 'localhost');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });

  await page.goto(`${origin}/signup`);
  await page.getByLabel('Your name', { exact: true }).fill(newAccount.name);
  await page.getByLabel('Email', { exact: true }).fill(newAccount.email);
  await page.getByLabel('Business name', { exact: true }).fill(newAccount.businessName);
  await page.getByLabel('Password', { exact: true }).fill(newAccount.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await onHome(page);

  await page.goto(`${origin}/settings?tab=security`);
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a passkey' });
  await dialog.getByLabel('Name').fill('Virtual key');
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await saveRecoveryCodes(page);
  await expect(page.getByText('Virtual key')).toBeVisible();
  await expect(page.getByRole('heading', { name: /Two-factor authentication/ })).toContainText('On');

  await signOut(page);
  await signInThroughForm(page, newAccount);
  await expect(page).toHaveURL(/\/signin\/two-factor/);
  await expect(page.getByRole('heading', { name: 'Use your passkey' })).toBeVisible();
  await page.getByRole('button', { name: 'Use passkey' }).click();
  await onHome(page);
  await page.goto(`${origin}/settings?tab=security`);
  await expect(page.getByText(/last used/)).toBeVisible();
});

test('an owner requires two-factor: a member without it is sent to enrol first', async ({ page, trpc, member }) => {
  const support = await member('support');
  // The owner sets up their own second factor before requiring one of everybody.
  const { secret: ownerSecret } = await trpc.mutation<{ secret: string }>('twoFactor.startTotp');
  await trpc.mutation('twoFactor.confirmTotp', { code: new TOTP({ secret: Secret.fromBase32(ownerSecret) }).generate() });
  await trpc.mutation('twoFactor.setRequired', { required: true });
  await page.goto('/settings?tab=security');
  await expect(page.getByRole('heading', { name: 'Team two-factor authentication' })).toBeVisible();
  await support.page.goto('/payments');
  await expect(support.page).toHaveURL(/\/two-factor-setup/);
  await expect(support.page.getByRole('heading', { name: 'Set up two-factor authentication' })).toBeVisible();
  await support.page.getByRole('button', { name: 'Set up' }).click();
  const dialog = support.page.getByRole('dialog', { name: 'Set up an authenticator app' });
  const secret = (await dialog.getByTestId('totp-secret').textContent())!.trim();
  await dialog.getByLabel('Code from the app').fill(new TOTP({ secret: Secret.fromBase32(secret) }).generate());
  await dialog.getByRole('button', { name: 'Turn on' }).click();
  await saveRecoveryCodes(support.page);
  await expect(support.page.getByRole('heading', { name: 'Two-factor authentication is on' })).toBeVisible();
  await support.page.getByRole('button', { name: 'Continue to the dashboard' }).click();
  await onHome(support.page);

  // The owner sees it, and can reset it.
  await page.reload();
  await expect(page.getByText('Required', { exact: true })).toBeVisible();
  const row = page.getByRole('listitem').filter({ hasText: support.email });
  await expect(row.getByText('Two-factor on')).toBeVisible();
  await row.getByRole('button', { name: 'Reset' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Reset two-factor' }).click();
  await expect(row.getByText('Two-factor off')).toBeVisible();
});
