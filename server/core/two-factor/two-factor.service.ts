import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import QRCode from 'qrcode';
import type { AuditAction } from '../../../shared/audit.js';
import type { SecondFactorMethod } from '../../../shared/contracts/two-factor.js';
import { PaymentError } from '../../../shared/errors.js';
import type { Db, Executor } from '../../db/database.js';
// Direct imports (not the accounts barrel): accounts' sign-in calls into this area.
import { recordAudit, recordUserAudit } from '../accounts/audit.service.js';
import { verifyCurrentPassword } from '../accounts/current-password.js';
import { signOutEverywhere } from '../accounts/sessions.service.js';
import { countAttempt, throttleKeys } from '../accounts/throttle.js';
import { decrypt, encrypt, randomToken, sha256Hex } from '../shared/crypto.js';
import type { CoreDeps } from '../shared/deps.js';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes.js';
import { newTotpSecret, totpStep, totpUri } from './totp.js';
import * as repo from './two-factor.repository.js';
import { relyingParty, RP_NAME } from './webauthn.js';

/**
 * Second factors: an authenticator app (TOTP), passkeys and security keys (WebAuthn), and ten single-use
 * recovery codes. They belong to the user, so turning one on protects every merchant the user belongs to,
 * and each change is written to the audit log of each of those merchants.
 */

/** Who is acting, and from where (the audit log keeps both). */
export interface RequestMeta { ip?: string | null; userAgent?: string | null }
interface TwoFactorUser { id: string; email: string; name: string }

const SIGN_IN_CHALLENGE_MS = 10 * 60_000;
const REGISTRATION_CHALLENGE_MS = 5 * 60_000;
/** Wrong codes one sign-in challenge takes before the password must be entered again. */
const MAX_CHALLENGE_ATTEMPTS = 5;

export interface PasskeyDto { id: string; name: string; created: number; lastUsed: number | null }
export interface TwoFactorStatus { enabled: boolean; totp: boolean; passkeys: PasskeyDto[]; recoveryCodesLeft: number }

const unix = (d: Date | string) => Math.floor(new Date(d).getTime() / 1000);

function audit(db: Executor, userId: string, action: AuditAction, meta: RequestMeta, data: Record<string, unknown> = {}, targetId: string | null = userId) {
  return recordUserAudit(db, userId, { action, targetId, data, ip: meta.ip, userAgent: meta.userAgent });
}

export async function getTwoFactorStatus(db: Db, userId: string): Promise<TwoFactorStatus> {
  const [totp, passkeys, recoveryCodesLeft] = await Promise.all([repo.getTotp(db, userId), repo.findPasskeys(db, userId), repo.countUnusedRecoveryCodes(db, userId)]);
  const confirmed = Boolean(totp?.confirmed_at);
  return {
    enabled: confirmed || passkeys.length > 0,
    totp: confirmed,
    passkeys: passkeys.map((p) => ({ id: p.id, name: p.name, created: unix(p.created_at), lastUsed: p.last_used_at ? unix(p.last_used_at) : null })),
    recoveryCodesLeft,
  };
}

export async function hasSecondFactor(db: Executor, userId: string): Promise<boolean> {
  return (await repo.findUsersWithSecondFactor(db, [userId])).has(userId);
}

/** The first second factor comes with recovery codes; later ones keep the codes the user already has. */
async function issueRecoveryCodesIfNone(tx: Executor, deps: CoreDeps, userId: string): Promise<string[] | null> {
  if ((await repo.countUnusedRecoveryCodes(tx, userId)) > 0) return null;
  const codes = newRecoveryCodes();
  await repo.replaceRecoveryCodes(tx, userId, codes.map((c) => hashRecoveryCode(deps.secret, c)));
  return codes;
}

// Authenticator app

/** A new secret for the app to scan; it only counts once a first code confirms it (confirmTotpEnrolment). */
export async function startTotpEnrolment(deps: CoreDeps, user: TwoFactorUser) {
  const existing = await repo.getTotp(deps.db, user.id);
  if (existing?.confirmed_at) throw new PaymentError('invalid_request', 'An authenticator app is already set up. Turn it off first to set up another.');
  const secret = newTotpSecret();
  await repo.upsertPendingTotp(deps.db, user.id, encrypt(deps.secret, secret));
  const uri = totpUri(secret, user.email);
  return { secret, uri, qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) };
}

export async function confirmTotpEnrolment(deps: CoreDeps, userId: string, code: string, meta: RequestMeta): Promise<{ recoveryCodes: string[] | null }> {
  const row = await repo.getTotp(deps.db, userId);
  if (!row || row.confirmed_at) throw new PaymentError('invalid_request', 'Start setting up the authenticator app again.', { param: 'code' });
  const step = totpStep(decrypt(deps.secret, row.secret_encrypted), code);
  if (step === null) throw new PaymentError('invalid_request', 'That code is not right. Check the time on your phone and enter the newest code.', { param: 'code' });
  return deps.db.transaction().execute(async (tx) => {
    const confirmed = await repo.confirmTotp(tx, userId, step);
    if (Number(confirmed.numUpdatedRows) !== 1) throw new PaymentError('invalid_request', 'Start setting up the authenticator app again.', { param: 'code' });
    const recoveryCodes = await issueRecoveryCodesIfNone(tx, deps, userId);
    await audit(tx, userId, 'two_factor.totp_enabled', meta);
    return { recoveryCodes };
  });
}

/** Without any second factor left, the recovery codes go too (they would be a bypass of nothing). */
async function dropRecoveryCodesIfNoFactor(tx: Executor, userId: string) {
  if (!(await hasSecondFactor(tx, userId))) await repo.deleteRecoveryCodes(tx, userId);
}

export async function disableTotp(deps: CoreDeps, userId: string, password: string, meta: RequestMeta & { ip: string }) {
  await verifyCurrentPassword(deps.db, userId, password, meta.ip, 'password');
  await deps.db.transaction().execute(async (tx) => {
    const deleted = await repo.deleteTotp(tx, userId);
    if (Number(deleted.numDeletedRows) === 0) throw new PaymentError('invalid_request', 'No authenticator app is set up.');
    await dropRecoveryCodesIfNoFactor(tx, userId);
    await audit(tx, userId, 'two_factor.totp_disabled', meta);
  });
}

export async function regenerateRecoveryCodes(deps: CoreDeps, userId: string, password: string, meta: RequestMeta & { ip: string }): Promise<string[]> {
  await verifyCurrentPassword(deps.db, userId, password, meta.ip, 'password');
  if (!(await hasSecondFactor(deps.db, userId))) throw new PaymentError('invalid_request', 'Turn on two-factor authentication first.');
  const codes = newRecoveryCodes();
  await deps.db.transaction().execute(async (tx) => {
    await repo.replaceRecoveryCodes(tx, userId, codes.map((c) => hashRecoveryCode(deps.secret, c)));
    await audit(tx, userId, 'two_factor.recovery_codes_regenerated', meta);
  });
  return codes;
}

// Passkeys and security keys (WebAuthn)

export async function passkeyRegistrationOptions(deps: CoreDeps, user: TwoFactorUser) {
  const rp = relyingParty(deps.appUrl);
  const existing = await repo.findPasskeys(deps.db, user.id);
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(user.id),
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
  await repo.deleteUserChallenges(deps.db, user.id, 'passkey-registration');
  await repo.insertChallenge(deps.db, {
    token_hash: sha256Hex(randomToken()), user_id: user.id, purpose: 'passkey-registration', webauthn_challenge: options.challenge,
    expires_at: new Date(Date.now() + REGISTRATION_CHALLENGE_MS),
  });
  return options;
}

export async function registerPasskey(deps: CoreDeps, userId: string, input: { name: string; response: unknown }, meta: RequestMeta): Promise<{ passkey: PasskeyDto; recoveryCodes: string[] | null }> {
  const rp = relyingParty(deps.appUrl);
  const pending = await repo.getUserChallenge(deps.db, userId, 'passkey-registration');
  if (!pending?.webauthn_challenge) throw new PaymentError('invalid_request', 'This passkey request has expired. Try adding the passkey again.');
  const verification = await verifyRegistrationResponse({
    response: input.response as RegistrationResponseJSON,
    expectedChallenge: pending.webauthn_challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.id,
    requireUserVerification: false,
  }).catch((error: unknown) => {
    throw new PaymentError('invalid_request', `The passkey could not be verified: ${(error as Error).message}`);
  });
  if (!verification.verified) throw new PaymentError('invalid_request', 'The passkey could not be verified. Try again.');
  const { credential } = verification.registrationInfo;
  return deps.db.transaction().execute(async (tx) => {
    if (!(await repo.consumeChallenge(tx, pending.token_hash))) throw new PaymentError('invalid_request', 'This passkey request was already used. Try adding the passkey again.');
    await repo.insertPasskey(tx, {
      id: credential.id, user_id: userId, public_key: Buffer.from(credential.publicKey).toString('base64url'), counter: credential.counter,
      transports: JSON.stringify(credential.transports ?? []) as never, name: input.name,
    });
    const recoveryCodes = await issueRecoveryCodesIfNone(tx, deps, userId);
    await audit(tx, userId, 'two_factor.passkey_added', meta, { name: input.name });
    const row = (await repo.getPasskey(tx, userId, credential.id))!;
    return { passkey: { id: row.id, name: row.name, created: unix(row.created_at), lastUsed: null }, recoveryCodes };
  }).catch((error: unknown) => {
    if ((error as { code?: string }).code === '23505') throw new PaymentError('invalid_request', 'This passkey is already registered.');
    throw error;
  });
}

export async function removePasskey(deps: CoreDeps, userId: string, id: string, password: string, meta: RequestMeta & { ip: string }) {
  await verifyCurrentPassword(deps.db, userId, password, meta.ip, 'password');
  await deps.db.transaction().execute(async (tx) => {
    const passkey = await repo.getPasskey(tx, userId, id);
    if (!passkey) throw new PaymentError('resource_missing', 'No such passkey.', { param: 'id', status: 404 });
    await repo.deletePasskey(tx, userId, id);
    await dropRecoveryCodesIfNoFactor(tx, userId);
    await audit(tx, userId, 'two_factor.passkey_removed', meta, { name: passkey.name });
  });
}

// Sign-in: after a correct password, a user with a second factor gets a challenge instead of a session.

export interface SignInChallenge { token: string; methods: SecondFactorMethod[] }

/** Null when the user has no second factor (the password alone signs in). */
export async function startSignInChallenge(db: Db, userId: string, meta: RequestMeta): Promise<SignInChallenge | null> {
  const [totp, passkeys, codes] = await Promise.all([repo.getTotp(db, userId), repo.findPasskeys(db, userId), repo.countUnusedRecoveryCodes(db, userId)]);
  const methods: SecondFactorMethod[] = [];
  if (passkeys.length) methods.push('passkey');
  if (totp?.confirmed_at) methods.push('totp');
  if (!methods.length) return null;
  if (codes > 0) methods.push('recovery');
  const token = randomToken(32);
  await repo.insertChallenge(db, {
    token_hash: sha256Hex(token), user_id: userId, purpose: 'sign-in', ip: meta.ip ?? null, user_agent: meta.userAgent?.slice(0, 300) ?? null,
    expires_at: new Date(Date.now() + SIGN_IN_CHALLENGE_MS),
  });
  return { token, methods };
}

const EXPIRED = () => new PaymentError('invalid_credentials', 'This sign-in has expired. Enter your email and password again.', { status: 401 });

export async function passkeySignInOptions(deps: CoreDeps, token: string) {
  const challenge = await repo.getLiveChallenge(deps.db, sha256Hex(token), 'sign-in');
  if (!challenge) throw EXPIRED();
  const passkeys = await repo.findPasskeys(deps.db, challenge.user_id);
  if (!passkeys.length) throw new PaymentError('invalid_request', 'No passkey is registered for this account.');
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(deps.appUrl).id,
    allowCredentials: passkeys.map((p) => ({ id: p.id, transports: p.transports })),
    userVerification: 'preferred',
  });
  await repo.setChallengeWebauthn(deps.db, challenge.token_hash, options.challenge);
  return options;
}

export type SecondFactorProof =
  | { method: 'totp'; code: string }
  | { method: 'recovery'; code: string }
  | { method: 'passkey'; response: unknown };

async function proofHolds(deps: CoreDeps, userId: string, webauthnChallenge: string | null, proof: SecondFactorProof): Promise<boolean> {
  if (proof.method === 'totp') {
    const row = await repo.getTotp(deps.db, userId);
    if (!row?.confirmed_at) return false;
    const step = totpStep(decrypt(deps.secret, row.secret_encrypted), proof.code);
    // A code already used (seen by someone over a shoulder) does not work a second time.
    return step !== null && (await repo.useTotpStep(deps.db, userId, step));
  }
  if (proof.method === 'recovery') return repo.useRecoveryCode(deps.db, userId, hashRecoveryCode(deps.secret, proof.code));
  if (!webauthnChallenge) return false;
  const response = proof.response as AuthenticationResponseJSON;
  const passkey = await repo.getPasskey(deps.db, userId, String(response.id ?? ''));
  if (!passkey) return false;
  const rp = relyingParty(deps.appUrl);
  const result = await verifyAuthenticationResponse({
    response, expectedChallenge: webauthnChallenge, expectedOrigin: rp.origins, expectedRPID: rp.id, requireUserVerification: false,
    credential: { id: passkey.id, publicKey: Buffer.from(passkey.public_key, 'base64url'), counter: Number(passkey.counter), transports: passkey.transports as never },
  }).catch(() => ({ verified: false as const, authenticationInfo: null }));
  if (!result.verified || !result.authenticationInfo) return false;
  await repo.recordPasskeyUse(deps.db, userId, passkey.id, result.authenticationInfo.newCounter);
  return true;
}

/**
 * Checks the second factor of a sign-in challenge. Counted before checking, per challenge (five tries, then
 * the password again) and per user and IP like passwords. Returns the user to open a session for.
 */
export async function verifySignInChallenge(deps: CoreDeps, token: string, proof: SecondFactorProof, meta: RequestMeta & { ip: string }): Promise<{ userId: string; method: SecondFactorMethod }> {
  const tokenHash = sha256Hex(token);
  const challenge = await repo.getLiveChallenge(deps.db, tokenHash, 'sign-in');
  if (!challenge) throw EXPIRED();
  const attempt = await countAttempt(deps.db, [throttleKeys.secondFactor(challenge.user_id), throttleKeys.ip(meta.ip)], 'code');
  const tries = await repo.countChallengeAttempt(deps.db, tokenHash);
  if (tries === null) throw EXPIRED();
  if (tries > MAX_CHALLENGE_ATTEMPTS) {
    await repo.consumeChallenge(deps.db, tokenHash);
    throw new PaymentError('invalid_credentials', 'Too many wrong codes. Enter your email and password again.', { status: 401 });
  }
  if (!(await proofHolds(deps, challenge.user_id, challenge.webauthn_challenge, proof))) {
    await audit(deps.db, challenge.user_id, 'user.sign_in_failed', meta, { reason: 'second_factor', method: proof.method });
    const message = proof.method === 'passkey' ? 'That passkey could not be verified. Try again or use another method.'
      : proof.method === 'recovery' ? 'That recovery code is not valid or was already used.'
        : 'That code is not right. Enter the newest code from your authenticator app.';
    throw new PaymentError('invalid_credentials', message, { param: proof.method === 'passkey' ? undefined : 'code', status: 400 });
  }
  if (!(await repo.consumeChallenge(deps.db, tokenHash))) throw EXPIRED();
  await attempt.succeeded();
  if (proof.method === 'recovery') {
    await audit(deps.db, challenge.user_id, 'two_factor.recovery_code_used', meta, { left: await repo.countUnusedRecoveryCodes(deps.db, challenge.user_id) });
  }
  return { userId: challenge.user_id, method: proof.method };
}

// The owner's controls: require a second factor of every member, and reset a member's.

interface OwnerActor extends RequestMeta { merchantId: string; userId: string; role: string }

function assertOwner(actor: OwnerActor) {
  if (actor.role !== 'owner') throw new PaymentError('permission_denied', 'Only an owner can change two-factor rules for the team.', { status: 403 });
}

export async function setTwoFactorRequired(db: Db, actor: OwnerActor, required: boolean) {
  assertOwner(actor);
  // Requiring it of everyone while having none would send the owner straight to enrolment.
  if (required && !(await hasSecondFactor(db, actor.userId))) {
    throw new PaymentError('invalid_request', 'Turn on two-factor authentication for yourself first, then require it for the team.');
  }
  await db.transaction().execute(async (tx) => {
    const current = await repo.getMerchantRequirement(tx, actor.merchantId);
    if (current?.require_two_factor === required) return;
    await repo.setMerchantRequirement(tx, actor.merchantId, required);
    await recordAudit(tx, { merchantId: actor.merchantId, userId: actor.userId, action: 'two_factor.requirement_changed', targetId: actor.merchantId, data: { from: Boolean(current?.require_two_factor), to: required }, ip: actor.ip, userAgent: actor.userAgent });
  });
  return { required };
}

/** Each member of the merchant and whether they have a second factor (the owner's overview). */
export async function findTeamTwoFactor(db: Db, members: { userId: string }[]) {
  const enabled = await repo.findUsersWithSecondFactor(db, members.map((m) => m.userId));
  return members.map((m) => ({ userId: m.userId, enabled: enabled.has(m.userId) }));
}

/**
 * A member lost their phone and their codes: an owner removes every second factor of theirs and signs them
 * out everywhere; they sign in with their password and set one up again (at once, if the team requires it).
 */
export async function resetMemberTwoFactor(db: Db, actor: OwnerActor, memberUserId: string, isMember: boolean) {
  assertOwner(actor);
  if (!isMember) throw new PaymentError('resource_missing', 'No such member.', { param: 'userId', status: 404 });
  if (memberUserId === actor.userId) throw new PaymentError('invalid_request', 'Manage your own two-factor methods under Your security.', { param: 'userId' });
  await db.transaction().execute(async (tx) => {
    const hadFactor = await hasSecondFactor(tx, memberUserId);
    await repo.deleteTotp(tx, memberUserId);
    await repo.deletePasskeys(tx, memberUserId);
    await repo.deleteRecoveryCodes(tx, memberUserId);
    await repo.deleteUserChallenges(tx, memberUserId, 'sign-in');
    await signOutEverywhere(tx, memberUserId);
    await recordAudit(tx, { merchantId: actor.merchantId, userId: actor.userId, action: 'two_factor.reset', targetId: memberUserId, data: { hadSecondFactor: hadFactor }, ip: actor.ip, userAgent: actor.userAgent });
  });
}

/** Expired challenges (a job). */
export function pruneExpiredChallenges(db: Db): Promise<number> {
  return repo.deleteExpiredChallenges(db);
}
