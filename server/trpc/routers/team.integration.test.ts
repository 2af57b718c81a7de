import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createSession, resolveSession } from '../../core/accounts/accounts.service.js';
import { smtpMailer } from '../../core/mail/mailer.js';
import { startWorkers, type Workers } from '../../jobs/index.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { linkIn, startTestSmtpServer, type TestSmtpServer } from '../../test/smtp.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { createInnerContext } from '../context.js';
import { createCallerFactory } from '../trpc.js';
import { appRouter } from './_app.js';

// Mail arrives through a real SMTP server started here, delivered by the real send-mail job.
const createCaller = createCallerFactory(appRouter);
let t: TestDatabase;
let smtp: TestSmtpServer;
let workers: Workers;
let deps: CoreDeps;

beforeAll(async () => {
  t = await createTestDatabase();
  smtp = await startTestSmtpServer();
  deps = { ...t.deps, appUrl: 'https://pay.example.test', mailer: smtpMailer(smtp.url, 'PaymentFlow <no-reply@pay.example.test>') };
  workers = await startWorkers(deps, { databaseUrl: t.url, concurrency: 2, poolSize: 4, heartbeatMs: 500, staleAfterMs: 5000, pollIntervalMs: 200, crontab: false, log: () => {} });
});
afterAll(async () => {
  await workers?.stop();
  await smtp?.close();
  await t?.drop();
});

let n = 0;
const uniqueEmail = (prefix: string) => `${prefix}-${Date.now()}-${n++}@example.test`;

/** A browser: its cookie jar (session and device cookie) across calls. */
function browser(ip = '10.1.0.1', userAgent = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36') {
  const jar: { token?: string; device?: string } = {};
  const make = async () =>
    createCaller(createInnerContext({
      deps, ip, userAgent,
      session: await resolveSession(t.db, jar.token),
      deviceToken: jar.device,
      setSession: (token) => { jar.token = token; },
      clearSession: () => { delete jar.token; },
      setDevice: (token) => { jar.device = token; },
    }));
  return { jar, make };
}

async function signedIn(userId: string, merchantId: string) {
  const { token } = await createSession(t.db, userId, merchantId);
  return createCaller(createInnerContext({ deps, session: await resolveSession(t.db, token) }));
}

describe('sign-up email verification', () => {
  it('mails a 24-hour link; until it is followed the merchant stays in test mode', async () => {
    const b = browser();
    const email = uniqueEmail('signup');
    await (await b.make()).auth.signUp({ name: 'Vera', email, businessName: 'Vera Ltd', password: 'correct horse battery' });
    expect(await (await b.make()).auth.me()).toMatchObject({ emailVerified: false, merchantVerified: false });
    await expect((await b.make()).auth.setMode({ livemode: true })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('Verify your email address') });

    const mail = await smtp.waitForMail(email, /Verify your email address/);
    expect(mail.decoded).toContain('Content-Type: text/plain');
    expect(mail.decoded).toContain('Content-Type: text/html');
    const { token, url } = linkIn(mail, '/verify-email');
    expect(url.startsWith('https://pay.example.test/verify-email?token=')).toBe(true);
    const expiry = await t.db.selectFrom('user_tokens').select(['expires_at', 'created_at']).where('purpose', '=', 'verify_email').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(new Date(expiry.expires_at).getTime() - new Date(expiry.created_at).getTime()).toBeCloseTo(24 * 3_600_000, -4);

    await expect((await browser().make()).auth.verifyEmail({ token })).resolves.toEqual({ email });
    // Single use.
    await expect((await browser().make()).auth.verifyEmail({ token })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await (await b.make()).auth.me()).toMatchObject({ emailVerified: true, merchantVerified: true });
    await (await b.make()).auth.setMode({ livemode: true });
    expect((await (await b.make()).auth.me())?.livemode).toBe(true);
    // After an SMTP delivery the outbox no longer holds the link.
    const kept = await t.db.selectFrom('mail_outbox').select(['text_body', 'sent_at']).where('to_address', '=', email).where('kind', '=', 'verify_email').executeTakeFirstOrThrow();
    expect(kept.sent_at).not.toBeNull();
    expect(kept.text_body).toBe('');
  });

  it('keeps an unverified merchant out of live mode and its live keys, even with a session row left in live mode', async () => {
    const b = browser();
    await (await b.make()).auth.signUp({ name: 'Lia', email: uniqueEmail('live'), businessName: 'Lia Ltd', password: 'correct horse battery' });
    await t.db.updateTable('sessions').set({ livemode: true }).where('token_hash', '=', (await resolveSession(t.db, b.jar.token))!.tokenHash).execute();
    const caller = await b.make();
    expect((await caller.auth.me())?.livemode).toBe(false);
    const { keys } = await caller.developers.keys();
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k: { livemode?: boolean; token?: string | null; prefix?: string }) => !JSON.stringify(k).includes('_live_'))).toBe(true);
  });

  it('refuses an expired link, and a resend replaces the old link', async () => {
    const b = browser();
    const email = uniqueEmail('resend');
    await (await b.make()).auth.signUp({ name: 'Rex', email, businessName: 'Rex Ltd', password: 'correct horse battery' });
    const first = linkIn(await smtp.waitForMail(email, /Verify your email/), '/verify-email');
    // Pressing resend at once is spaced out.
    await expect((await b.make()).auth.resendVerification()).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    const userId = (await (await b.make()).auth.me())!.user.id;
    await t.db.updateTable('user_tokens').set({ created_at: new Date(Date.now() - 120_000) }).where('user_id', '=', userId).execute();
    await (await b.make()).auth.resendVerification();
    await expect((await browser().make()).auth.verifyEmail({ token: first.token })).rejects.toThrow(/not valid any more/);
    const mails = () => smtp.received.filter((m) => m.to.includes(email) && /Verify/.test(m.subject));
    for (let i = 0; i < 200 && mails().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const second = linkIn(mails()[1]!, '/verify-email');
    await t.db.updateTable('user_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', userId).execute();
    await expect((await browser().make()).auth.verifyEmail({ token: second.token })).rejects.toThrow(/not valid any more/);
    expect((await (await b.make()).auth.me())?.emailVerified).toBe(false);
  });
});

describe('password reset', () => {
  it('answers the same for unknown addresses and mails a single-use 1-hour link that signs out every session', async () => {
    const m = await createTestMerchant(t.db);
    const laptop = browser('10.2.0.1');
    await (await laptop.make()).auth.signIn({ email: m.user.email, password: m.password });
    const phone = browser('10.2.0.2');
    await (await phone.make()).auth.signIn({ email: m.user.email, password: m.password });

    const unknown = await (await browser().make()).auth.requestPasswordReset({ email: uniqueEmail('nobody') });
    const known = await (await browser().make()).auth.requestPasswordReset({ email: m.user.email.toUpperCase() });
    expect(unknown).toEqual(known);

    const { token } = linkIn(await smtp.waitForMail(m.user.email, /Reset your PaymentFlow password/), '/reset-password');
    const row = await t.db.selectFrom('user_tokens').select(['expires_at', 'created_at']).where('purpose', '=', 'reset_password').where('user_id', '=', m.user.id).executeTakeFirstOrThrow();
    expect(new Date(row.expires_at).getTime() - new Date(row.created_at).getTime()).toBe(3_600_000);
    expect(await (await browser().make()).auth.checkResetLink({ token })).toEqual({ valid: true, email: m.user.email });

    // A weak password does not use the link up.
    await expect((await browser().make()).auth.resetPassword({ token, password: 'password123' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await (await browser().make()).auth.resetPassword({ token, password: 'a brand new passphrase' });
    expect(await (await laptop.make()).auth.me()).toBeNull();
    expect(await (await phone.make()).auth.me()).toBeNull();
    await expect((await browser().make()).auth.resetPassword({ token, password: 'yet another passphrase' })).rejects.toThrow(/expired or was already used/);
    expect(await (await browser().make()).auth.checkResetLink({ token })).toEqual({ valid: false, email: null });

    await expect((await browser('10.2.0.3').make()).auth.signIn({ email: m.user.email, password: m.password })).rejects.toThrow('Incorrect email or password.');
    await (await laptop.make()).auth.signIn({ email: m.user.email, password: 'a brand new passphrase' });
    const actions = (await (await laptop.make()).settings.auditLog({ limit: 20 })).entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.password_reset_requested', 'user.password_reset']));
  });

  it('lets the owner of the mailbox in at once, even when strangers had the account throttled', async () => {
    const m = await createTestMerchant(t.db);
    for (let i = 0; i < 6; i++) await (await browser(`10.7.0.${i + 1}`).make()).auth.signIn({ email: m.user.email, password: 'a wrong guess 123' }).catch(() => {});
    await expect((await browser('10.7.1.1').make()).auth.signIn({ email: m.user.email, password: m.password })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    await (await browser().make()).auth.requestPasswordReset({ email: m.user.email });
    const { token } = linkIn(await smtp.waitForMail(m.user.email, /Reset your/), '/reset-password');
    await (await browser().make()).auth.resetPassword({ token, password: 'a brand new passphrase' });
    await expect((await browser('10.7.1.2').make()).auth.signIn({ email: m.user.email, password: 'a brand new passphrase' })).resolves.toBeTruthy();
  });

  it('refuses an expired reset link', async () => {
    const m = await createTestMerchant(t.db);
    await (await browser().make()).auth.requestPasswordReset({ email: m.user.email });
    const { token } = linkIn(await smtp.waitForMail(m.user.email, /Reset your/), '/reset-password');
    await t.db.updateTable('user_tokens').set({ expires_at: new Date(Date.now() - 1) }).where('user_id', '=', m.user.id).execute();
    await expect((await browser().make()).auth.resetPassword({ token, password: 'a brand new passphrase' })).rejects.toThrow(/expired or was already used/);
  });
});

describe('invitations', () => {
  it('invites by email; accepting creates the account, signs it in, and the role applies', async () => {
    const m = await createTestMerchant(t.db, { name: 'Olive Owner', businessName: 'Olive Shop' });
    const owner = await signedIn(m.user.id, m.merchant.id);
    const email = uniqueEmail('support');
    const created = await owner.invitations.create({ email, role: 'support' });
    expect(created.url).toMatch(/^https:\/\/pay\.example\.test\/accept-invite\?token=/);
    expect(created.invitation).toMatchObject({ email, role: 'support', expired: false });
    expect(created.invitation.expires - created.invitation.created).toBe(10 * 24 * 3600);

    const mail = await smtp.waitForMail(email, /Olive Owner invited you to Olive Shop/);
    const { token } = linkIn(mail, '/accept-invite');
    expect(created.url).toContain(encodeURIComponent(token));

    const invitee = browser('10.3.0.1');
    expect(await (await invitee.make()).invitations.preview({ token })).toMatchObject({ status: 'pending', merchantName: 'Olive Shop', email, role: 'support', existingAccount: false });
    await expect((await invitee.make()).invitations.accept({ token, name: 'Sam', password: 'password123' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await (await invitee.make()).invitations.accept({ token, name: 'Sam Support', password: 'support passphrase 42' });
    const me = await (await invitee.make()).auth.me();
    expect(me).toMatchObject({ user: { email, name: 'Sam Support' }, role: 'support', merchant: { id: m.merchant.id } });
    // Support may not manage the team.
    await expect((await invitee.make()).invitations.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // Used once.
    await expect((await browser().make()).invitations.accept({ token, name: 'Eve', password: 'eve passphrase 4242' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await owner.invitations.list()).toEqual([]);
    const actions = (await owner.settings.auditLog({ limit: 10 })).entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['invitation.created', 'invitation.accepted', 'member.added']));
  });

  it('attaches an existing account only when signed in as it', async () => {
    const m = await createTestMerchant(t.db);
    const other = await createTestMerchant(t.db, { name: 'Secret Name' });
    const owner = await signedIn(m.user.id, m.merchant.id);
    const { url } = await owner.invitations.create({ email: other.user.email.toUpperCase(), role: 'finance' });
    const token = decodeURIComponent(new URL(url).searchParams.get('token')!);
    // Nothing about the other user leaks to the inviter.
    expect(JSON.stringify(await owner.invitations.list())).not.toContain('Secret Name');

    expect((await (await browser().make()).invitations.preview({ token })).existingAccount).toBe(true);
    await expect((await browser().make()).invitations.accept({ token, name: 'Hijack', password: 'hijack passphrase 1' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const b = browser('10.3.0.2');
    await (await b.make()).auth.signIn({ email: other.user.email, password: other.password });
    await (await b.make()).invitations.accept({ token });
    const me = await (await b.make()).auth.me();
    expect(me).toMatchObject({ merchant: { id: m.merchant.id }, role: 'finance' });
    expect(me?.memberships.map((x) => x.merchantId).sort()).toEqual([m.merchant.id, other.merchant.id].sort());
    // Their own password is untouched.
    await expect((await browser('10.3.0.3').make()).auth.signIn({ email: other.user.email, password: other.password })).resolves.toBeTruthy();
  });

  it('expires after 10 days; resend renews the link and revives it; revoke ends it; twice is refused', async () => {
    const m = await createTestMerchant(t.db);
    const owner = await signedIn(m.user.id, m.merchant.id);
    const email = uniqueEmail('viewer');
    const { invitation, url } = await owner.invitations.create({ email, role: 'viewer' });
    await expect(owner.invitations.create({ email, role: 'admin' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('already has an invitation') });
    const oldToken = decodeURIComponent(new URL(url).searchParams.get('token')!);

    await t.db.updateTable('invitations').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', invitation.id).execute();
    expect((await owner.invitations.list())[0]).toMatchObject({ id: invitation.id, expired: true });
    expect((await (await browser().make()).invitations.preview({ token: oldToken })).status).toBe('expired');
    await expect((await browser().make()).invitations.accept({ token: oldToken, name: 'Late', password: 'late passphrase 123' })).rejects.toThrow(/expired/);

    const resent = await owner.invitations.resend({ invitationId: invitation.id });
    const newToken = decodeURIComponent(new URL(resent.url).searchParams.get('token')!);
    expect(newToken).not.toBe(oldToken);
    await expect((await browser().make()).invitations.preview({ token: oldToken })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await owner.invitations.list())[0]).toMatchObject({ expired: false });
    const mails = smtp.received.filter((x) => x.to.includes(email));
    for (let i = 0; i < 200 && smtp.received.filter((x) => x.to.includes(email)).length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(smtp.received.filter((x) => x.to.includes(email)).length).toBeGreaterThanOrEqual(Math.max(2, mails.length));

    await owner.invitations.revoke({ invitationId: invitation.id });
    await expect((await browser().make()).invitations.accept({ token: newToken, name: 'Gone', password: 'gone passphrase 123' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await owner.invitations.list()).toEqual([]);
    await expect(owner.invitations.revoke({ invitationId: invitation.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const actions = (await owner.settings.auditLog({ limit: 10 })).entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['invitation.created', 'invitation.resent', 'invitation.revoked']));
  });

  it('keeps invitations to their merchant and the owner role to owners', async () => {
    const a = await createTestMerchant(t.db);
    const b = await createTestMerchant(t.db);
    const ownerA = await signedIn(a.user.id, a.merchant.id);
    const ownerB = await signedIn(b.user.id, b.merchant.id);
    const { invitation } = await ownerA.invitations.create({ email: uniqueEmail('x'), role: 'viewer' });
    await expect(ownerB.invitations.revoke({ invitationId: invitation.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(ownerB.invitations.resend({ invitationId: invitation.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await ownerB.invitations.list()).toEqual([]);
    const admin = await addMember(t.db, a.merchant.id, { email: uniqueEmail('admin'), name: 'Ad Min', password: 'a-long-test-passphrase', role: 'admin' });
    const adminCaller = await signedIn(admin.id, a.merchant.id);
    await expect(adminCaller.invitations.create({ email: uniqueEmail('o'), role: 'owner' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(adminCaller.invitations.create({ email: uniqueEmail('d'), role: 'developer' })).resolves.toBeTruthy();
  });
});

describe('team', () => {
  it('lists last sign-in, transfers ownership and never leaves the account without an owner', async () => {
    const m = await createTestMerchant(t.db);
    const admin = await addMember(t.db, m.merchant.id, { email: uniqueEmail('admin'), name: 'Ada Admin', password: 'a-long-test-passphrase', role: 'admin' });
    const owner = await signedIn(m.user.id, m.merchant.id);
    expect((await owner.settings.members()).members.find((x) => x.userId === admin.id)?.lastSignIn).toBeNull();
    await (await browser('10.4.0.1').make()).auth.signIn({ email: admin.email, password: 'a-long-test-passphrase' });
    const listed = (await owner.settings.members()).members.find((x) => x.userId === admin.id);
    expect(listed?.lastSignIn).toBeGreaterThan(Date.now() / 1000 - 60);

    const adminCaller = await signedIn(admin.id, m.merchant.id);
    await expect(adminCaller.settings.transferOwnership({ userId: admin.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(owner.settings.transferOwnership({ userId: m.user.id })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await owner.settings.transferOwnership({ userId: admin.id });
    const roles = Object.fromEntries((await adminCaller.settings.members()).members.map((x) => [x.userId, x.role]));
    expect(roles).toEqual({ [m.user.id]: 'admin', [admin.id]: 'owner' });
    const newOwner = await signedIn(admin.id, m.merchant.id);
    await expect(newOwner.settings.removeMember({ userId: admin.id })).rejects.toThrow(/last owner/);
    await expect(newOwner.settings.changeRole({ userId: admin.id, role: 'viewer' })).rejects.toThrow(/at least one owner/);
    expect((await newOwner.settings.auditLog({ limit: 5 })).entries.map((e) => e.action)).toContain('member.ownership_transferred');
  });
});

describe('sessions and new devices', () => {
  it('mails a notice for a sign-in from a new device, not from a known one', async () => {
    const m = await createTestMerchant(t.db);
    const b = browser('10.5.0.1', 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0');
    await (await b.make()).auth.signIn({ email: m.user.email, password: m.password });
    const mail = await smtp.waitForMail(m.user.email, /New sign-in to your PaymentFlow account/);
    expect(mail.decoded).toContain('Firefox on Linux');
    expect(mail.decoded).toContain('10.5.0.1');
    await (await b.make()).auth.signOut();
    await (await b.make()).auth.signIn({ email: m.user.email, password: m.password });
    const other = browser('10.5.0.2');
    await (await other.make()).auth.signIn({ email: m.user.email, password: m.password });
    for (let i = 0; i < 200 && smtp.received.filter((x) => x.to.includes(m.user.email) && /New sign-in/.test(x.subject)).length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const notices = await t.db.selectFrom('mail_outbox').select('id').where('to_address', '=', m.user.email).where('kind', '=', 'new_device').execute();
    expect(notices).toHaveLength(2);
  });

  it('lists sessions with device, IP and last seen; signs out one, then all others', async () => {
    const m = await createTestMerchant(t.db);
    const here = browser('10.6.0.1');
    const phone = browser('10.6.0.2', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1');
    const tablet = browser('10.6.0.3', 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36');
    for (const b of [here, phone, tablet]) await (await b.make()).auth.signIn({ email: m.user.email, password: m.password });
    const list = await (await here.make()).sessions.list();
    expect(list).toHaveLength(3);
    expect(list[0]).toMatchObject({ current: true, device: 'Chrome on macOS', ip: '10.6.0.1' });
    expect(list.map((s) => s.device).sort()).toEqual(['Chrome on Android', 'Chrome on macOS', 'Safari on iOS']);
    expect(JSON.stringify(list)).not.toContain(here.jar.token!);

    const phoneSession = list.find((s) => s.device === 'Safari on iOS')!;
    await expect((await here.make()).sessions.revoke({ sessionId: list[0]!.id })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // Someone else's session id is not found.
    const stranger = await createTestMerchant(t.db);
    const strangerCaller = await signedIn(stranger.user.id, stranger.merchant.id);
    await expect(strangerCaller.sessions.revoke({ sessionId: phoneSession.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await (await here.make()).sessions.revoke({ sessionId: phoneSession.id });
    expect(await (await phone.make()).auth.me()).toBeNull();
    expect(await (await tablet.make()).auth.me()).not.toBeNull();
    expect(await (await here.make()).sessions.revokeOthers()).toEqual({ signedOut: 1 });
    expect(await (await tablet.make()).auth.me()).toBeNull();
    expect((await (await here.make()).sessions.list()).map((s) => s.current)).toEqual([true]);
    const actions = (await (await here.make()).settings.auditLog({ limit: 10 })).entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['session.revoked', 'session.others_revoked']));
  });
});
