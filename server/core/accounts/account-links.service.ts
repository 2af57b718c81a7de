import { PaymentError } from '../../../shared/errors.js';
import type { Db, Executor } from '../../db/database.js';
import { queueMail } from '../mail/mail.service.js';
import { resetPasswordMail, verifyEmailMail } from '../mail/templates.js';
import { randomToken, sha256Hex } from '../shared/crypto.js';
import * as repo from './accounts.repository.js';
import { recordUserAudit, type AuditOrigin } from './audit.service.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { throttleKeys } from './throttle.js';
import { fieldError } from './users.service.js';

/**
 * Links sent by mail that prove the reader holds the mailbox: verify an email address (24 h) and reset a
 * forgotten password (1 h, single use). Each is a random token kept only as its SHA-256 hash.
 */
const VERIFY_EMAIL_TTL_MS = 24 * 3_600_000;
const RESET_PASSWORD_TTL_MS = 3_600_000;
/** A new link of the same kind is sent at most this often (a resend button pressed twice, a mailbox flooded). */
const RESEND_AFTER_MS = 60_000;

type Purpose = 'verify_email' | 'reset_password';

const linkUrls = {
  verifyEmail: (appUrl: string, token: string) => `${appUrl}/verify-email?token=${encodeURIComponent(token)}`,
  resetPassword: (appUrl: string, token: string) => `${appUrl}/reset-password?token=${encodeURIComponent(token)}`,
};

async function issueToken(tx: Executor, userId: string, purpose: Purpose, ttlMs: number): Promise<string> {
  const token = randomToken(32);
  await repo.deleteUnusedUserTokens(tx, userId, purpose);
  const now = Date.now();
  await repo.insertUserToken(tx, { token_hash: sha256Hex(token), user_id: userId, purpose, created_at: new Date(now), expires_at: new Date(now + ttlMs) });
  return token;
}

async function sentRecently(db: Executor, userId: string, purpose: Purpose): Promise<boolean> {
  const latest = await repo.latestUserToken(db, userId, purpose);
  return Boolean(latest && Date.now() - new Date(latest.created_at).getTime() < RESEND_AFTER_MS);
}

/** Queues the "verify your email address" mail, in the caller's transaction (sign-up, resend). */
export async function sendEmailVerification(tx: Executor, appUrl: string, user: { id: string; email: string; name: string }): Promise<void> {
  const token = await issueToken(tx, user.id, 'verify_email', VERIFY_EMAIL_TTL_MS);
  await queueMail(tx, user.email, 'verify_email', verifyEmailMail({ name: user.name, url: linkUrls.verifyEmail(appUrl, token) }));
}

/** The banner's resend button. */
export async function resendEmailVerification(db: Db, appUrl: string, userId: string): Promise<{ alreadyVerified: boolean }> {
  const user = await repo.getUser(db, userId);
  if (!user) throw new PaymentError('resource_missing', 'No such user.', { status: 404 });
  if (user.email_verified_at) return { alreadyVerified: true };
  if (await sentRecently(db, userId, 'verify_email')) {
    throw new PaymentError('too_many_attempts', 'We just sent you a link. Check your inbox (and spam folder), or try again in a minute.', { status: 429, extra: { retry_after: 60 } });
  }
  await db.transaction().execute((tx) => sendEmailVerification(tx, appUrl, user));
  return { alreadyVerified: false };
}

const INVALID_VERIFY_LINK = 'This verification link is not valid any more. Sign in and send yourself a new one.';

export async function verifyEmail(db: Db, token: string, meta: AuditOrigin = {}): Promise<{ email: string }> {
  const tokenHash = sha256Hex(token);
  return db.transaction().execute(async (tx) => {
    const row = await repo.getUsableUserToken(tx, tokenHash, 'verify_email');
    const used = row && (await repo.consumeUserToken(tx, tokenHash, 'verify_email'));
    if (!row || !used) throw new PaymentError('invalid_request', INVALID_VERIFY_LINK, { param: 'token' });
    await repo.markEmailVerified(tx, row.user_id);
    await recordUserAudit(tx, row.user_id, { action: 'user.email_verified', targetId: row.user_id, data: { email: row.email }, ip: meta.ip, userAgent: meta.userAgent });
    return { email: row.email };
  });
}

/**
 * "Forgot password": mails a reset link when the address has an account. The caller answers the same
 * either way (no account enumeration); a second request within a minute sends nothing new.
 */
export async function requestPasswordReset(db: Db, appUrl: string, email: string, meta: AuditOrigin = {}): Promise<void> {
  const user = await repo.findUserByEmail(db, email.trim().toLowerCase());
  if (!user || (await sentRecently(db, user.id, 'reset_password'))) return;
  await db.transaction().execute(async (tx) => {
    const token = await issueToken(tx, user.id, 'reset_password', RESET_PASSWORD_TTL_MS);
    await queueMail(tx, user.email, 'reset_password', resetPasswordMail({ name: user.name, url: linkUrls.resetPassword(appUrl, token) }));
    await recordUserAudit(tx, user.id, { action: 'user.password_reset_requested', targetId: user.id, ip: meta.ip, userAgent: meta.userAgent });
  });
}

const INVALID_RESET_LINK = 'This reset link has expired or was already used. Ask for a new one.';

/** For the reset page: whether the link still works, and for whom (so the form can say which account). */
export async function checkPasswordResetLink(db: Db, token: string): Promise<{ valid: boolean; email: string | null }> {
  const row = await repo.getUsableUserToken(db, sha256Hex(token), 'reset_password');
  return { valid: Boolean(row), email: row?.email ?? null };
}

/**
 * Sets a new password with a reset link, once. The link is used up only when the new password is
 * acceptable, and every session of the user ends: whoever was signed in with the old password is out.
 * Reading the mail proved the address, so it counts as verified too.
 */
export async function resetPassword(db: Db, token: string, newPassword: string, meta: AuditOrigin = {}): Promise<{ email: string }> {
  const tokenHash = sha256Hex(token);
  const row = await repo.getUsableUserToken(db, tokenHash, 'reset_password');
  if (!row) throw new PaymentError('invalid_request', INVALID_RESET_LINK, { param: 'token' });
  const problem = passwordProblem(newPassword, [row.email.split('@')[0] ?? '', row.name]);
  if (problem) throw fieldError('password', problem, 'password_too_weak');
  const passwordHash = await hashPassword(newPassword);
  return db.transaction().execute(async (tx) => {
    if (!(await repo.consumeUserToken(tx, tokenHash, 'reset_password'))) throw new PaymentError('invalid_request', INVALID_RESET_LINK, { param: 'token' });
    await repo.updatePasswordHash(tx, row.user_id, passwordHash);
    await repo.deleteAllSessions(tx, row.user_id);
    // Whoever proved the mailbox may sign in at once, whatever guesses strangers made before.
    await repo.clearThrottle(tx, throttleKeys.account(row.email).key);
    await repo.markEmailVerified(tx, row.user_id);
    await recordUserAudit(tx, row.user_id, { action: 'user.password_reset', targetId: row.user_id, ip: meta.ip, userAgent: meta.userAgent });
    return { email: row.email };
  });
}
