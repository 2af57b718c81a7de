import { expect, newCredentials, signInThroughForm, test, trpcClient } from './fixtures';
import { linkIn } from './mailbox';

test('an owner invites by email; the invitee accepts in another browser and gets exactly that role', async ({ page, account, browser, baseURL, extraHTTPHeaders, mailbox }) => {
  const invitee = newCredentials('support');
  await page.goto('/settings?tab=team');
  await page.getByRole('button', { name: 'Invite member' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Email').fill(invitee.email);
  await dialog.getByLabel('Role').selectOption({ label: 'Support specialist' });
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(dialog.getByRole('heading', { name: 'Invitation sent' })).toBeVisible();
  const shown = await dialog.getByRole('textbox', { name: 'Invitation link' }).inputValue();
  await dialog.getByRole('button', { name: 'Done' }).click();

  // The same link went out by mail.
  const mail = await mailbox.latest(invitee.email, /invited you to/);
  expect(mail.subject).toBe(`${account.name} invited you to ${account.businessName} on PaymentFlow`);
  const mailed = linkIn(mail, '/accept-invite');
  expect(new URL(shown).pathname + new URL(shown).search).toBe(mailed);
  const pending = page.getByRole('list', { name: 'Pending invitations' });
  await expect(pending).toContainText(invitee.email);
  await expect(pending).toContainText('Support specialist');

  const other = await browser.newContext({ baseURL, extraHTTPHeaders });
  try {
    const invitedPage = await other.newPage();
    await invitedPage.goto(mailed);
    await expect(invitedPage.getByRole('heading', { name: `Join ${account.businessName}` })).toBeVisible();
    await invitedPage.getByLabel('Your name').fill('Sam Support');
    await invitedPage.getByLabel('Password').fill(invitee.password);
    await invitedPage.getByRole('button', { name: 'Create account and join' }).click();
    await expect(invitedPage).toHaveURL(/\/$/);
    await expect(invitedPage.getByRole('button', { name: 'Switch account' })).toContainText('Support specialist');
    // Support has no team settings: the Team tab is not offered and the procedures refuse.
    await invitedPage.goto('/settings');
    await expect(invitedPage.getByRole('navigation', { name: 'Settings sections' })).not.toContainText('Team');
    await expect(trpcClient(other.request).query('invitations.list')).rejects.toThrow(/403/);
  } finally {
    await other.close();
  }

  await page.reload();
  await expect(page.getByRole('list', { name: 'Pending invitations' })).toHaveCount(0);
  await expect(page.getByText('Sam Support')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Role for Sam Support' })).toHaveValue('support');
});

test('forgot password mails a link; resetting signs every old session out', async ({ page, account, browser, baseURL, extraHTTPHeaders, mailbox }) => {
  const other = await browser.newContext({ baseURL, extraHTTPHeaders });
  try {
    const resetPage = await other.newPage();
    await resetPage.goto('/signin');
    await resetPage.getByRole('link', { name: 'Forgot password?' }).click();
    // The sign-in form has an Email field too: fill the reset form's, once its (lazy) route has rendered.
    await expect(resetPage.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
    await resetPage.getByLabel('Email').fill(account.email);
    await resetPage.getByRole('button', { name: 'Send reset link' }).click();
    await expect(resetPage.getByRole('heading', { name: 'Check your email' })).toBeVisible();

    const link = linkIn(await mailbox.latest(account.email, /Reset your PaymentFlow password/), '/reset-password');
    await resetPage.goto(link);
    await expect(resetPage.getByText(account.email)).toBeVisible();
    const newPassword = `${account.password}-renewed`;
    await resetPage.getByLabel('New password', { exact: true }).fill(newPassword);
    await resetPage.getByLabel('Confirm new password').fill(newPassword);
    await resetPage.getByRole('button', { name: 'Set new password' }).click();
    await expect(resetPage).toHaveURL(/\/signin/);

    // The session the owner had before is gone.
    await page.goto('/payments');
    await expect(page).toHaveURL(/\/signin/);

    // The link works once.
    await resetPage.goto(link);
    await expect(resetPage.getByRole('heading', { name: 'This link has expired' })).toBeVisible();

    await page.goto('/signin');
    await signInThroughForm(page, { email: account.email, password: newPassword });
    await expect(page).not.toHaveURL(/\/signin/);
  } finally {
    await other.close();
  }
});

test('Settings → Security lists this session and signs out another one', async ({ page, account, browser, baseURL, extraHTTPHeaders }) => {
  const other = await browser.newContext({ baseURL, extraHTTPHeaders, userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0' });
  try {
    await trpcClient(other.request).mutation('auth.signIn', { email: account.email, password: account.password });
    await page.goto('/settings?tab=security');
    const sessions = page.getByRole('list', { name: 'Active sessions' });
    await expect(sessions.getByRole('listitem')).toHaveCount(2);
    await expect(sessions.getByRole('listitem').first()).toContainText('This device');
    await page.getByRole('button', { name: /^Sign out Firefox on Linux/ }).click();
    await expect(sessions.getByRole('listitem')).toHaveCount(1);
    expect(await trpcClient(other.request).query('auth.me')).toBeNull();
  } finally {
    await other.close();
  }
});
