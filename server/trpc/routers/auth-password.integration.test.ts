import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { createInnerContext } from '../context.js';
import { createCallerFactory } from '../trpc.js';
import { appRouter } from './_app.js';
import { resolveSession } from '../../core/accounts/accounts.service.js';

const createCaller = createCallerFactory(appRouter);
let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => { await t.drop(); });

function callerWithCookieJar(ip = '10.0.1.1') {
  const jar: { token?: string } = {};
  const make = async () =>
    createCaller(createInnerContext({
      deps: t.deps,
      csrfOk: true,
      ip,
      session: await resolveSession(t.db, jar.token),
      setSession: (token) => { jar.token = token; },
      clearSession: () => { delete jar.token; },
    }));
  return { jar, make };
}

async function signedIn(email: string, password: string, ip?: string) {
  const c = callerWithCookieJar(ip);
  await (await c.make()).auth.signIn({ email, password });
  expect(c.jar.token).toBeTruthy();
  return c;
}

describe('auth.changePassword', () => {
  it('refuses a wrong current password with an error on currentPassword', async () => {
    const m = await createTestMerchant(t.db);
    const { make } = await signedIn(m.user.email, m.password);
    const attempt = (await make()).auth.changePassword({ currentPassword: 'not the password', newPassword: 'a brand new passphrase' });
    await expect(attempt).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'Your current password is not correct.',
      cause: { code: 'invalid_credentials', param: 'currentPassword' },
    });
    // Nothing changed: the old password still signs in.
    await signedIn(m.user.email, m.password);
  });

  it('refuses a weak new password with an error on newPassword', async () => {
    const m = await createTestMerchant(t.db, { name: 'Grace Hopper' });
    const { make } = await signedIn(m.user.email, m.password);
    await expect((await make()).auth.changePassword({ currentPassword: m.password, newPassword: 'password123' }))
      .rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('too common'), cause: { code: 'password_too_weak', param: 'newPassword' } });
    await expect((await make()).auth.changePassword({ currentPassword: m.password, newPassword: 'i am grace hopper!' }))
      .rejects.toMatchObject({ message: 'Do not use your email or name in your password.', cause: { param: 'newPassword' } });
    // The contract refuses short passwords before the core sees them.
    await expect((await make()).auth.changePassword({ currentPassword: m.password, newPassword: 'short' }))
      .rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await signedIn(m.user.email, m.password);
  });

  it('needs a signed-in user', async () => {
    const { make } = callerWithCookieJar();
    await expect((await make()).auth.changePassword({ currentPassword: 'whatever', newPassword: 'a brand new passphrase' }))
      .rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('changes the password, keeps this session and signs out the others', async () => {
    const m = await createTestMerchant(t.db);
    const other = await createTestMerchant(t.db);
    const current = await signedIn(m.user.email, m.password);
    const elsewhere = await signedIn(m.user.email, m.password, '10.0.1.2');
    const otherUser = await signedIn(other.user.email, other.password);
    const newPassword = 'a brand new passphrase';

    await expect((await current.make()).auth.changePassword({ currentPassword: m.password, newPassword })).resolves.toEqual({ ok: true });

    // This session stays signed in; the user's other session is gone; another user's session is untouched.
    expect((await (await current.make()).auth.me())?.user.id).toBe(m.user.id);
    expect(await resolveSession(t.db, elsewhere.jar.token)).toBeNull();
    expect(await (await elsewhere.make()).auth.me()).toBeNull();
    expect((await (await otherUser.make()).auth.me())?.user.id).toBe(other.user.id);

    // The new password signs in, the old one no longer does.
    await signedIn(m.user.email, newPassword);
    await expect((await callerWithCookieJar('10.0.1.3').make()).auth.signIn({ email: m.user.email, password: m.password }))
      .rejects.toThrow('Incorrect email or password.');
  });

  it('throttles repeated wrong current passwords like sign-in', async () => {
    const m = await createTestMerchant(t.db);
    const current = await signedIn(m.user.email, m.password, '10.0.2.1');
    for (let i = 0; i < 5; i++) {
      await (await current.make()).auth.changePassword({ currentPassword: 'not my password', newPassword: 'a brand new passphrase' }).catch(() => {});
    }
    await expect((await current.make()).auth.changePassword({ currentPassword: m.password, newPassword: 'a brand new passphrase' }))
      .rejects.toThrow(/Too many password attempts/);
  });
});
