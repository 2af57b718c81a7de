import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, resolveSession } from '../../core/accounts/accounts.service.js';
import { currentTotpCode } from '../../core/two-factor/totp.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { createInnerContext } from '../context.js';
import { createCallerFactory } from '../trpc.js';
import { appRouter } from './_app.js';

const createCaller = createCallerFactory(appRouter);
let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => { await t.drop(); });

/** A browser: its cookie jar, its address and user agent. */
function browser(ip = '10.1.0.1') {
  const jar: { token?: string } = {};
  const call = async () => createCaller(createInnerContext({
    deps: t.deps, ip, userAgent: 'Vitest Browser/1.0', session: await resolveSession(t.db, jar.token),
    setSession: (token) => { jar.token = token; }, clearSession: () => { delete jar.token; },
  }));
  return { jar, call };
}

async function signedIn(email: string, password: string, ip?: string) {
  const b = browser(ip);
  const result = await (await b.call()).auth.signIn({ email, password });
  expect(result.twoFactor).toBeNull();
  return b;
}

/** Turns on the authenticator app for the signed-in user; returns its secret and recovery codes. */
async function enrolTotp(b: ReturnType<typeof browser>) {
  const started = await (await b.call()).twoFactor.startTotp();
  expect(started.uri).toContain(`secret=${started.secret}`);
  expect(started.qrSvg).toContain('<svg');
  const { recoveryCodes } = await (await b.call()).twoFactor.confirmTotp({ code: currentTotpCode(started.secret) });
  return { secret: started.secret, recoveryCodes: recoveryCodes! };
}

const nextCode = (secret: string, steps = 1) => currentTotpCode(secret, Date.now() + steps * 30_000);

describe('two-factor sign-in', () => {
  it('enrols an authenticator app, then asks for a code only after a correct password', async () => {
    const m = await createTestMerchant(t.db);
    const owner = await signedIn(m.user.email, m.password);
    await expect((await owner.call()).twoFactor.confirmTotp({ code: '123456' })).rejects.toThrow(/Start setting up/);
    const { secret, recoveryCodes } = await enrolTotp(owner);
    expect(recoveryCodes).toHaveLength(10);
    const stored = await t.db.selectFrom('two_factor_recovery_codes').select('code_hash').where('user_id', '=', m.user.id).execute();
    expect(stored).toHaveLength(10);
    for (const code of recoveryCodes) expect(stored.map((s) => s.code_hash)).not.toContain(code);
    const totpRow = await t.db.selectFrom('two_factor_totp').selectAll().where('user_id', '=', m.user.id).executeTakeFirstOrThrow();
    expect(totpRow.secret_encrypted).not.toContain(secret);
    expect(await (await owner.call()).twoFactor.status()).toMatchObject({ enabled: true, totp: true, passkeys: [], recoveryCodesLeft: 10 });

    const b = browser('10.1.0.2');
    await expect((await b.call()).auth.signIn({ email: m.user.email, password: 'wrong password here' })).rejects.toThrow('Incorrect email or password.');
    const first = await (await b.call()).auth.signIn({ email: m.user.email, password: m.password });
    expect(first.twoFactor?.methods).toEqual(['totp', 'recovery']);
    expect(b.jar.token).toBeUndefined();
    expect(await (await b.call()).auth.me()).toBeNull();
    const challenge = first.twoFactor!.challenge;
    await expect((await b.call()).auth.verifySecondFactor({ challenge, proof: { method: 'totp', code: '000000' === nextCode(secret) ? '111111' : '000000' } }))
      .rejects.toThrow(/code is not right/);
    await expect((await b.call()).auth.verifySecondFactor({ challenge: 'not-a-challenge', proof: { method: 'totp', code: nextCode(secret) } })).rejects.toThrow(/expired/);
    const code = nextCode(secret);
    await (await b.call()).auth.verifySecondFactor({ challenge, proof: { method: 'totp', code } });
    expect((await (await b.call()).auth.me())?.user.email).toBe(m.user.email);
    // The challenge opened one session; it cannot open another.
    await expect((await browser().call()).auth.verifySecondFactor({ challenge, proof: { method: 'totp', code: nextCode(secret) } })).rejects.toThrow(/expired/);

    // The same code does not work twice (someone who saw it over a shoulder).
    const again = browser('10.1.0.3');
    const second = await (await again.call()).auth.signIn({ email: m.user.email, password: m.password });
    await expect((await again.call()).auth.verifySecondFactor({ challenge: second.twoFactor!.challenge, proof: { method: 'totp', code } })).rejects.toThrow(/code is not right/);
  });

  it('signs in with a recovery code once, and counts what is left', async () => {
    const m = await createTestMerchant(t.db);
    const { recoveryCodes } = await enrolTotp(await signedIn(m.user.email, m.password));
    const code = recoveryCodes[3]!;
    const b = browser('10.1.1.1');
    const { twoFactor } = await (await b.call()).auth.signIn({ email: m.user.email, password: m.password });
    await (await b.call()).auth.verifySecondFactor({ challenge: twoFactor!.challenge, proof: { method: 'recovery', code: code.toUpperCase() } });
    expect(b.jar.token).toBeTruthy();
    expect((await (await b.call()).twoFactor.status()).recoveryCodesLeft).toBe(9);

    const c = browser('10.1.1.2');
    const retry = await (await c.call()).auth.signIn({ email: m.user.email, password: m.password });
    await expect((await c.call()).auth.verifySecondFactor({ challenge: retry.twoFactor!.challenge, proof: { method: 'recovery', code } })).rejects.toThrow(/already used/);
    const used = await t.db.selectFrom('audit_log').select(['action', 'data']).where('merchant_id', '=', m.merchant.id).where('action', '=', 'two_factor.recovery_code_used').execute();
    expect(used).toEqual([{ action: 'two_factor.recovery_code_used', data: { left: 9 } }]);
  });

  it('ends a challenge after five wrong codes', async () => {
    const m = await createTestMerchant(t.db);
    const { secret } = await enrolTotp(await signedIn(m.user.email, m.password));
    const b = browser('10.1.2.1');
    const { twoFactor } = await (await b.call()).auth.signIn({ email: m.user.email, password: m.password });
    const wrong = nextCode(secret) === '999999' ? '888888' : '999999';
    // Five wrong tries: the challenge ends (and the per-user throttle holds the sixth back as well).
    for (let i = 0; i < 5; i++) await (await b.call()).auth.verifySecondFactor({ challenge: twoFactor!.challenge, proof: { method: 'totp', code: wrong } }).catch(() => {});
    await expect((await b.call()).auth.verifySecondFactor({ challenge: twoFactor!.challenge, proof: { method: 'totp', code: nextCode(secret) } }))
      .rejects.toThrow(/Too many/);
    expect(b.jar.token).toBeUndefined();
  });

  it('turns the app off only with the password, and then signs in with the password alone', async () => {
    const m = await createTestMerchant(t.db);
    const owner = await signedIn(m.user.email, m.password);
    await enrolTotp(owner);
    await expect((await owner.call()).twoFactor.disableTotp({ password: 'not my password' })).rejects.toThrow(/current password is not correct/);
    await (await owner.call()).twoFactor.disableTotp({ password: m.password });
    expect(await (await owner.call()).twoFactor.status()).toMatchObject({ enabled: false, totp: false, recoveryCodesLeft: 0 });
    await signedIn(m.user.email, m.password, '10.1.3.2');
  });
});

describe('required two-factor and the owner reset', () => {
  it('sends members without a second factor to enrol, and lets them in once they have one', async () => {
    const m = await createTestMerchant(t.db);
    await addMember(t.db, m.merchant.id, { email: `admin-${m.user.id}@example.test`, name: 'Ada Admin', password: 'admin long passphrase', role: 'admin' });
    const owner = await signedIn(m.user.email, m.password);
    const admin = await signedIn(`admin-${m.user.id}@example.test`, 'admin long passphrase', '10.2.0.2');
    await expect((await admin.call()).twoFactor.setRequired({ required: true })).rejects.toThrow(/Only an owner/);
    // The owner needs a second factor first (or requiring one would send them straight to enrolment).
    await expect((await owner.call()).twoFactor.setRequired({ required: true })).rejects.toThrow(/for yourself first/);
    await enrolTotp(owner);
    await (await owner.call()).twoFactor.setRequired({ required: true });
    expect((await (await owner.call()).auth.me())?.twoFactorEnrolmentRequired).toBe(false);
    expect((await (await admin.call()).auth.me())?.twoFactorEnrolmentRequired).toBe(true);
    await expect((await admin.call()).payments.list({})).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/requires two-factor/) });
    // Enrolment itself stays open to them.
    await enrolTotp(admin);
    expect((await (await admin.call()).auth.me())?.twoFactorEnrolmentRequired).toBe(false);
    await expect((await admin.call()).payments.list({})).resolves.toBeTruthy();
    const team = await (await admin.call()).twoFactor.team();
    expect(team.required).toBe(true);
    expect(team.members.map((x) => [x.role, x.enabled])).toEqual([['owner', true], ['admin', true]]);
  });

  it('lets an owner reset a member’s second factor, signing them out, with an audit entry', async () => {
    const m = await createTestMerchant(t.db);
    const email = `support-${m.user.id}@example.test`;
    const member = await addMember(t.db, m.merchant.id, { email, name: 'Sam Support', password: 'support long passphrase', role: 'support' });
    const owner = await signedIn(m.user.email, m.password, '10.3.0.1');
    const support = await signedIn(email, 'support long passphrase', '10.3.0.2');
    await enrolTotp(support);
    await expect((await support.call()).twoFactor.resetMember({ userId: m.user.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const stranger = await createTestMerchant(t.db);
    await expect((await owner.call()).twoFactor.resetMember({ userId: stranger.user.id })).rejects.toThrow(/No such member/);
    await (await owner.call()).twoFactor.resetMember({ userId: member.id });
    expect(await resolveSession(t.db, support.jar.token)).toBeNull();
    const again = await signedIn(email, 'support long passphrase', '10.3.0.3');
    expect((await (await again.call()).twoFactor.status()).enabled).toBe(false);
    const entry = await t.db.selectFrom('audit_log').selectAll().where('merchant_id', '=', m.merchant.id).where('action', '=', 'two_factor.reset').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ user_id: m.user.id, target_id: member.id, ip: '10.3.0.1', user_agent: 'Vitest Browser/1.0', data: { hadSecondFactor: true } });
  });
});

describe('audit log', () => {
  it('records sign-ins and failures with IP and user agent, and refuses UPDATE and DELETE', async () => {
    const m = await createTestMerchant(t.db);
    const b = browser('10.4.0.1');
    await (await b.call()).auth.signIn({ email: m.user.email, password: 'a wrong password' }).catch(() => {});
    await (await b.call()).auth.signIn({ email: m.user.email, password: m.password });
    const { entries } = await (await b.call()).settings.auditLog({ filters: { action: 'user' } });
    expect(entries.map((e) => [e.action, e.ip, e.userAgent, e.userEmail, e.data])).toEqual([
      ['user.signed_in', '10.4.0.1', 'Vitest Browser/1.0', m.user.email, { method: 'password' }],
      ['user.sign_in_failed', '10.4.0.1', 'Vitest Browser/1.0', m.user.email, { reason: 'password' }],
    ]);
    await expect(sql`update audit_log set action = 'x' where merchant_id = ${m.merchant.id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where merchant_id = ${m.merchant.id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(t.db)).rejects.toThrow(/append-only/);
    const count = await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('merchant_id', '=', m.merchant.id).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(3);
  });
});
