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

function callerWithCookieJar() {
  const jar: { token?: string } = {};
  const make = async (csrfOk = true) =>
    createCaller(createInnerContext({
      deps: t.deps,
      csrfOk,
      ip: '10.0.0.1',
      session: await resolveSession(t.db, jar.token),
      setSession: (token) => { jar.token = token; },
      clearSession: () => { delete jar.token; },
    }));
  return { jar, make };
}

describe('auth router', () => {
  it('signs up, reads the session, signs out and back in', async () => {
    const { jar, make } = callerWithCookieJar();
    const email = `new-${Date.now()}@example.test`;
    await (await make()).auth.signUp({ name: 'Ada', email, businessName: 'Ada Ltd', password: 'correct horse battery' });
    expect(jar.token).toBeTruthy();
    const me = await (await make()).auth.me();
    expect(me?.user.email).toBe(email);
    expect(me?.role).toBe('owner');
    expect(me?.livemode).toBe(false);
    await (await make()).auth.signOut();
    expect(jar.token).toBeUndefined();
    expect(await (await make()).auth.me()).toBeNull();
    await (await make()).auth.signIn({ email, password: 'correct horse battery' });
    expect((await (await make()).auth.me())?.merchant?.name).toBe('Ada Ltd');
  });

  it('refuses a duplicate email and weak passwords with field errors', async () => {
    const { make } = callerWithCookieJar();
    const m = await createTestMerchant(t.db);
    await expect((await make()).auth.signUp({ name: 'X', email: m.user.email, businessName: 'X', password: 'another long passphrase' }))
      .rejects.toMatchObject({ message: expect.stringContaining('already exists') });
    await expect((await make()).auth.signUp({ name: 'X', email: 'weak@example.test', businessName: 'X', password: 'password123' }))
      .rejects.toMatchObject({ message: expect.stringContaining('too common') });
  });

  it('gives the same message for unknown email and wrong password, then throttles', async () => {
    const { make } = callerWithCookieJar();
    const m = await createTestMerchant(t.db);
    const wrong = (await make()).auth.signIn({ email: m.user.email, password: 'not the password' });
    await expect(wrong).rejects.toThrow('Incorrect email or password.');
    await expect((await make()).auth.signIn({ email: 'nobody@example.test', password: 'whatever12345' })).rejects.toThrow('Incorrect email or password.');
    for (let i = 0; i < 4; i++) await (await make()).auth.signIn({ email: m.user.email, password: 'nope nope nope' }).catch(() => {});
    await expect((await make()).auth.signIn({ email: m.user.email, password: m.password })).rejects.toThrow(/Too many sign-in attempts/);
  });

  it('refuses mutations without the CSRF header', async () => {
    const { make } = callerWithCookieJar();
    await expect((await make(false)).auth.signIn({ email: 'a@example.test', password: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('switches mode and refuses merchants the user does not belong to', async () => {
    const { jar, make } = callerWithCookieJar();
    const m = await createTestMerchant(t.db);
    const other = await createTestMerchant(t.db);
    await (await make()).auth.signIn({ email: m.user.email, password: m.password });
    expect(jar.token).toBeTruthy();
    await (await make()).auth.setMode({ livemode: true });
    expect((await (await make()).auth.me())?.livemode).toBe(true);
    await expect((await make()).auth.switchMerchant({ merchantId: other.merchant.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
