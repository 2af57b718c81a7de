import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSession } from '../../core/accounts/accounts.service.js';
import { sql } from 'kysely';
import { FREE_ATTEMPTS_PER_ACCOUNT, FREE_ATTEMPTS_PER_IP, pruneForgivenThrottles } from '../../core/accounts/throttle.js';
import { pruneIdleRateLimitBuckets } from '../../core/api-keys/api-keys.service.js';
import { CRONTAB, periodicTasks } from '../../jobs/periodic.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { createInnerContext } from '../context.js';
import { createCallerFactory } from '../trpc.js';
import { appRouter } from './_app.js';

const createCaller = createCallerFactory(appRouter);
let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => { await t.drop(); });

/** A browser: its session and device cookies, and the IP it comes from. */
function browser(ip: string) {
  const jar: { token?: string; device?: string } = {};
  const make = async () =>
    createCaller(createInnerContext({
      deps: t.deps,
      ip,
      deviceToken: jar.device,
      session: await resolveSession(t.db, jar.token),
      setSession: (token) => { jar.token = token; },
      clearSession: () => { delete jar.token; },
      setDevice: (token) => { jar.device = token; },
    }));
  return { jar, make };
}

type Outcome = 'checked' | 'throttled' | 'signed-in';
async function attempt(promise: Promise<unknown>): Promise<Outcome> {
  try {
    await promise;
    return 'signed-in';
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === 'invalid_credentials') return 'checked';
    if (code === 'too_many_attempts') return 'throttled';
    throw error;
  }
}
const count = (outcomes: Outcome[], what: Outcome) => outcomes.filter((o) => o === what).length;

describe('sign-in throttling under parallel requests', () => {
  it('checks at most the free attempts (+1) of 50 parallel wrong passwords, and a correct guess in a later burst gets no session', async () => {
    const m = await createTestMerchant(t.db);
    const attacker = browser('10.20.0.1');
    const burst = await Promise.all(Array.from({ length: 50 }, async () =>
      attempt((await attacker.make()).auth.signIn({ email: m.user.email, password: 'wrong guess 123' }))));
    expect(count(burst, 'checked')).toBeLessThanOrEqual(FREE_ATTEMPTS_PER_ACCOUNT + 1);
    expect(count(burst, 'checked') + count(burst, 'throttled')).toBe(50);

    // Another burst with the right password among wrong ones: refused before the password is looked at.
    const second = await Promise.all(Array.from({ length: 10 }, async (_, i) =>
      attempt((await attacker.make()).auth.signIn({ email: m.user.email, password: i === 5 ? m.password : 'wrong guess 456' }))));
    expect(second).toEqual(Array(10).fill('throttled'));
    expect(attacker.jar.token).toBeUndefined();
  });

  it('throttles per IP across many accounts', async () => {
    const accounts = await Promise.all(Array.from({ length: 10 }, () => createTestMerchant(t.db)));
    const attacker = browser('10.20.0.2');
    const outcomes = await Promise.all(Array.from({ length: 50 }, async (_, i) =>
      attempt((await attacker.make()).auth.signIn({ email: accounts[i % 10].user.email, password: 'wrong guess 123' }))));
    expect(count(outcomes, 'checked')).toBeLessThanOrEqual(FREE_ATTEMPTS_PER_IP + 1);
    expect(count(outcomes, 'throttled')).toBeGreaterThan(0);
  });

  it('does not lock out a member on a device that signed in before, whatever strangers do', async () => {
    const m = await createTestMerchant(t.db);
    const member = browser('10.20.1.1');
    expect(await attempt((await member.make()).auth.signIn({ email: m.user.email, password: m.password }))).toBe('signed-in');
    expect(member.jar.device).toBeTruthy();
    await (await member.make()).auth.signOut();

    const attacker = browser('10.20.1.2');
    await Promise.all(Array.from({ length: 30 }, async () => attempt((await attacker.make()).auth.signIn({ email: m.user.email, password: 'wrong guess 123' }))));
    // A new device (no cookie) is locked out with the attacker...
    expect(await attempt((await browser('10.20.1.3').make()).auth.signIn({ email: m.user.email, password: m.password }))).toBe('throttled');
    // ...the member's own browser is not.
    expect(await attempt((await member.make()).auth.signIn({ email: m.user.email, password: m.password }))).toBe('signed-in');
    expect((await (await member.make()).auth.me())?.user.email).toBe(m.user.email);

    // A device cookie stolen from this browser and aimed at another account is worth nothing there.
    const other = await createTestMerchant(t.db);
    await Promise.all(Array.from({ length: 10 }, async () => attempt((await attacker.make()).auth.signIn({ email: other.user.email, password: 'wrong guess 123' }))));
    const thief = browser('10.20.1.4');
    thief.jar.device = member.jar.device;
    expect(await attempt((await thief.make()).auth.signIn({ email: other.user.email, password: other.password }))).toBe('throttled');
  });

  it('throttles the current-password check the same way, without strangers blocking it', async () => {
    const m = await createTestMerchant(t.db);
    const member = browser('10.20.2.1');
    await (await member.make()).auth.signIn({ email: m.user.email, password: m.password });
    // Strangers failing to sign in to the account do not block the member's own password change...
    await Promise.all(Array.from({ length: 10 }, async () => attempt((await browser('10.20.2.2').make()).auth.signIn({ email: m.user.email, password: 'wrong guess 123' }))));
    // ...but a burst of wrong current passwords is counted before any is checked.
    const burst = await Promise.all(Array.from({ length: 20 }, async () =>
      attempt((await member.make()).auth.changePassword({ currentPassword: 'wrong guess 123', newPassword: 'a brand new passphrase' }))));
    expect(count(burst, 'checked')).toBeLessThanOrEqual(FREE_ATTEMPTS_PER_ACCOUNT + 1);
    expect(await attempt((await member.make()).auth.changePassword({ currentPassword: m.password, newPassword: 'a brand new passphrase' }))).toBe('throttled');
  });

  it('lets the right password through after wrong ones within the free attempts, and a success gives the IP its attempt back', async () => {
    const m = await createTestMerchant(t.db);
    const b = browser('10.20.3.1');
    for (let i = 0; i < FREE_ATTEMPTS_PER_ACCOUNT - 1; i++) expect(await attempt((await b.make()).auth.signIn({ email: m.user.email, password: 'typo typo typo' }))).toBe('checked');
    expect(await attempt((await b.make()).auth.signIn({ email: m.user.email, password: m.password }))).toBe('signed-in');
    // A busy office: many members signing in from one IP are not throttled by their own successes.
    const office = browser('10.20.3.2');
    const colleagues = await Promise.all(Array.from({ length: FREE_ATTEMPTS_PER_IP + 5 }, () => createTestMerchant(t.db)));
    for (const c of colleagues) expect(await attempt((await office.make()).auth.signIn({ email: c.user.email, password: c.password }))).toBe('signed-in');
  });

  it('prunes throttle rows and rate-limit buckets that no longer hold anything back, from an hourly job', async () => {
    const tag = `prune-${Date.now()}`;
    await sql`insert into login_throttle (key, failures, last_failure_at, blocked_until) values
      (${tag + ':forgiven'}, 9, now() - interval '2 hours', null),
      (${tag + ':still-blocked'}, 30, now() - interval '2 hours', now() + interval '5 minutes'),
      (${tag + ':recent'}, 2, now(), null)`.execute(t.db);
    await sql`insert into rate_limits (bucket, tokens, updated_at) values
      (${tag + ':idle'}, 0, clock_timestamp() - interval '2 hours'), (${tag + ':busy'}, 0, clock_timestamp())`.execute(t.db);
    expect(await pruneForgivenThrottles(t.db)).toBeGreaterThanOrEqual(1);
    expect(await pruneIdleRateLimitBuckets(t.db)).toBeGreaterThanOrEqual(1);
    const throttles = await t.db.selectFrom('login_throttle').select('key').where('key', 'like', `${tag}%`).orderBy('key').execute();
    expect(throttles.map((r) => r.key)).toEqual([`${tag}:recent`, `${tag}:still-blocked`]);
    const buckets = await t.db.selectFrom('rate_limits').select('bucket').where('bucket', 'like', `${tag}%`).execute();
    expect(buckets.map((r) => r.bucket)).toEqual([`${tag}:busy`]);
    expect(Object.keys(periodicTasks(t.deps))).toContain('prune-rate-limit-state');
    expect(CRONTAB).toMatch(/ prune-rate-limit-state$/m);
  });
});
