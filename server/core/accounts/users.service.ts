import { PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import type { Role } from '../../../shared/permissions.js';
import type { Db } from '../../db/database.js';
import { createDefaultKeys, type DefaultKeys } from '../api-keys/api-keys.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { startSignInChallenge, verifySignInChallenge, type SecondFactorProof, type SignInChallenge } from '../two-factor/two-factor.service.js';
import * as repo from './accounts.repository.js';
import { recordAudit, recordUserAudit, type AuditOrigin } from './audit.service.js';
import { deviceIdFor, issueDeviceToken } from './devices.js';
import { toMerchantDto, type MerchantDto } from './merchants.service.js';
import { dummyVerify, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { sendEmailVerification } from './account-links.service.js';
import { createSession, type SessionTokens } from './sessions.service.js';
import { queueMail } from '../mail/mail.service.js';
import { newDeviceMail } from '../mail/templates.js';
import { describeUserAgent } from '../../../shared/user-agent.js';
import { countAttempt, throttleKeys } from './throttle.js';
import { verifyCurrentPassword } from './current-password.js';

/** Users, sign-up and sign-in. */

export interface UserDto { id: string; email: string; name: string }

export function fieldError(param: string, message: string, code: 'email_taken' | 'password_too_weak' | 'invalid_request' = 'invalid_request') {
  return new PaymentError(code, message, { param });
}

interface CreateMerchantInput {
  email: string;
  password: string;
  name: string;
  businessName: string;
  timezone?: string;
  /**
   * Sign-up: the public URL for the "verify your email address" link, which is mailed in the same
   * transaction; until it is followed the merchant works in test mode only. Left out (operators: the CLI,
   * seeding, tests), the address counts as verified at once.
   */
  verifyEmailAt?: string;
  /** Where the sign-up came from (the audit log's first entry); operators leave it out. */
  from?: AuditOrigin;
}

export interface CreatedMerchant {
  user: UserDto;
  merchant: MerchantDto;
  keys: DefaultKeys;
}

/** Sign-up and the CLI: a new user owning a new merchant, with its API keys, in one transaction. */
export async function createMerchantWithOwner(db: Db, input: CreateMerchantInput): Promise<CreatedMerchant> {
  const email = input.email.trim().toLowerCase();
  const problem = passwordProblem(input.password, [email.split('@')[0], input.name]);
  if (problem) throw fieldError('password', problem, 'password_too_weak');
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (tx) => {
    if (await repo.findUserByEmail(tx, email)) {
      throw fieldError('email', 'An account with this email already exists. Sign in instead.', 'email_taken');
    }
    const user = await repo.insertUser(tx, {
      id: newId('user'), email, name: input.name.trim(), password_hash: passwordHash,
      email_verified_at: input.verifyEmailAt ? null : new Date(), last_sign_in_at: input.verifyEmailAt ? new Date() : null,
    });
    if (input.verifyEmailAt) await sendEmailVerification(tx, input.verifyEmailAt, user);
    const merchant = await repo.insertMerchant(tx, {
      id: newId('merchant'),
      name: input.businessName.trim(),
      timezone: input.timezone ?? 'UTC',
    });
    await repo.insertMembership(tx, { merchant_id: merchant.id, user_id: user.id, role: 'owner' });
    const keys = await createDefaultKeys(tx, merchant.id, user.id);
    await recordAudit(tx, { merchantId: merchant.id, userId: user.id, action: 'merchant.created', targetId: merchant.id, ip: input.from?.ip, userAgent: input.from?.userAgent });
    return { user: { id: user.id, email: user.email, name: user.name }, merchant: toMerchantDto(merchant), keys };
  }).catch((error: unknown) => {
    // Two sign-ups racing for one email: the unique index decides.
    if ((error as { code?: string }).code === '23505') throw fieldError('email', 'An account with this email already exists. Sign in instead.', 'email_taken');
    throw error;
  });
}

/**
 * Adds a user (existing or new) to a merchant with a role. Operators only (the CLI, seeding, tests): the
 * dashboard's team page uses addTeamMember, which never attaches an existing user.
 */
export async function addMember(db: Db, merchantId: string, input: { email: string; name: string; password: string; role: Role }): Promise<UserDto> {
  const email = input.email.trim().toLowerCase();
  return db.transaction().execute(async (tx) => {
    let user = await repo.findUserByEmail(tx, email);
    if (!user) {
      const problem = passwordProblem(input.password);
      if (problem) throw fieldError('password', problem, 'password_too_weak');
      user = await repo.insertUser(tx, { id: newId('user'), email, name: input.name, password_hash: await hashPassword(input.password) });
    }
    await repo.insertMembership(tx, { merchant_id: merchantId, user_id: user.id, role: input.role });
    return { id: user.id, email: user.email, name: user.name };
  });
}

export interface SignInInput {
  email: string;
  password: string;
  ip: string;
  userAgent?: string | null;
  /** The server secret signing device cookies and the cookie this browser presented, if any. */
  device?: { secret: string; token?: string };
  /** The public URL: a sign-in from a browser without a device cookie for this account mails the member a notice linking there. */
  appUrl?: string;
}

/**
 * Checks the password, counting the attempt first (per account, or per account on a device that signed in
 * before, and per IP), and opens a session. With `device`, returns the device token to keep in a cookie.
 */
export type SignInResult =
  | (SessionTokens & { user: UserDto; deviceToken: string | null; twoFactor?: undefined })
  | { twoFactor: SignInChallenge; user: UserDto; deviceToken: string | null };

export async function signIn(db: Db, input: SignInInput): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const deviceId = input.device ? deviceIdFor(input.device.secret, email, input.device.token) : null;
  const attempt = await countAttempt(db, [
    deviceId ? throttleKeys.accountOnDevice(email, deviceId) : throttleKeys.account(email),
    throttleKeys.ip(input.ip),
  ], 'sign-in');
  const user = await repo.findUserByEmail(db, email);
  const ok = user ? await verifyPassword(user.password_hash, input.password) : await dummyVerify(input.password);
  if (!user || !ok) {
    if (user) await recordUserAudit(db, user.id, { action: 'user.sign_in_failed', targetId: user.id, data: { reason: 'password' }, ip: input.ip, userAgent: input.userAgent });
    // One message for unknown email and wrong password: no account enumeration.
    throw new PaymentError('invalid_credentials', 'Incorrect email or password.', { status: 401 });
  }
  await attempt.succeeded();
  const deviceToken = input.device ? (deviceId ? input.device.token! : issueDeviceToken(input.device.secret, email)) : null;
  // A correct password from a browser that never signed in to this account: the member hears of it at once.
  if (input.device && !deviceId && input.appUrl) await notifyNewDevice(db, input.appUrl, user, input);
  const dto = { id: user.id, email: user.email, name: user.name };
  // The password was right; with a second factor, the session waits for it (completeSecondFactorSignIn).
  const twoFactor = await startSignInChallenge(db, user.id, input);
  if (twoFactor) return { twoFactor, user: dto, deviceToken };
  return { ...(await openSignInSession(db, user.id, input, 'password')), user: dto, deviceToken };
}

/** The session of a finished sign-in, in the user's first merchant, with an audit entry in each of theirs. */
async function openSignInSession(db: Db, userId: string, meta: { ip: string; userAgent?: string | null }, method: string): Promise<SessionTokens> {
  const memberships = await repo.findMemberships(db, userId);
  const session = await createSession(db, userId, memberships[0]?.id ?? null, meta);
  await repo.setLastSignIn(db, userId);
  await recordUserAudit(db, userId, { action: 'user.signed_in', targetId: userId, data: { method }, ip: meta.ip, userAgent: meta.userAgent });
  return session;
}

/** The second step of a sign-in: the challenge from signIn and an authenticator code, recovery code or passkey. */
export async function completeSecondFactorSignIn(deps: CoreDeps, token: string, proof: SecondFactorProof, meta: { ip: string; userAgent?: string | null }): Promise<SessionTokens & { user: UserDto }> {
  const { userId, method } = await verifySignInChallenge(deps, token, proof, meta);
  const user = await repo.getUser(deps.db, userId);
  if (!user) throw new PaymentError('invalid_credentials', 'This sign-in has expired. Enter your email and password again.', { status: 401 });
  const session = await openSignInSession(deps.db, userId, meta, `password+${method}`);
  return { ...session, user: { id: user.id, email: user.email, name: user.name } };
}

/** "New sign-in to your account": the browser presented no device cookie that this server issued for the account. */
async function notifyNewDevice(db: Db, appUrl: string, user: { email: string; name: string }, input: { ip: string; userAgent?: string | null }) {
  await queueMail(db, user.email, 'new_device', newDeviceMail({
    name: user.name, device: describeUserAgent(input.userAgent), ip: input.ip, when: new Date(), securityUrl: `${appUrl}/settings?tab=security`,
  }));
}

/**
 * A signed-in user changes their own password: the current one must be right, the new one acceptable.
 * Every other session of the user is signed out; the one making the change (keepSessionTokenHash) stays.
 * The current-password check is throttled like sign-in (its own budget per user, and per IP), so a stolen
 * session is no way to guess the password, and strangers' failed sign-ins do not block it.
 */
export async function changePassword(db: Db, userId: string, currentPassword: string, newPassword: string, keepSessionTokenHash: string, from: AuditOrigin & { ip: string }): Promise<void> {
  const user = await verifyCurrentPassword(db, userId, currentPassword, from.ip);
  const problem = passwordProblem(newPassword, [user.email.split('@')[0] ?? '', user.name]);
  if (problem) throw fieldError('newPassword', problem, 'password_too_weak');
  const passwordHash = await hashPassword(newPassword);
  await db.transaction().execute(async (tx) => {
    await repo.updatePasswordHash(tx, user.id, passwordHash);
    await repo.deleteOtherSessions(tx, user.id, keepSessionTokenHash);
    await recordUserAudit(tx, user.id, { action: 'user.password_changed', targetId: user.id, ip: from.ip, userAgent: from.userAgent });
  });
}
