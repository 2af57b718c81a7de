import { PaymentError } from '../../../shared/errors.js';
import type { Role } from '../../../shared/permissions.js';
import type { Db, Executor } from '../../db/database.js';
import { randomToken, sha256Hex } from '../shared/crypto.js';
import { describeUserAgent } from '../../../shared/user-agent.js';
import * as repo from './accounts.repository.js';
import { recordUserAudit, type AuditOrigin } from './audit.service.js';
import { toMerchantDto, type MerchantDto } from './merchants.service.js';
import type { UserDto } from './users.service.js';

const SESSION_IDLE_MS = 24 * 3_600_000;
const SESSION_ABSOLUTE_MS = 14 * 24 * 3_600_000;
const TOUCH_EVERY_MS = 5 * 60_000;

interface MembershipDto { merchantId: string; merchantName: string; role: Role; timezone: string }
export interface SessionTokens { token: string; expiresAt: Date }

export interface SessionInfo {
  tokenHash: string;
  user: UserDto;
  /** The user's own address is verified (the banner's resend button is theirs to press). */
  emailVerified: boolean;
  merchant: MerchantDto | null;
  /** The current merchant has an owner with a verified email: until then it works in test mode only. */
  merchantVerified: boolean;
  role: Role | null;
  livemode: boolean;
  memberships: MembershipDto[];
}

export async function createSession(db: Executor, userId: string, merchantId: string | null, meta: { ip?: string; userAgent?: string | null } = {}): Promise<SessionTokens> {
  const token = randomToken(32);
  const expiresAt = new Date(Date.now() + SESSION_ABSOLUTE_MS);
  await repo.insertSession(db, {
    token_hash: sha256Hex(token),
    user_id: userId,
    merchant_id: merchantId,
    livemode: false,
    expires_at: expiresAt,
    ip: meta.ip ?? null,
    user_agent: meta.userAgent?.slice(0, 300) ?? null,
  });
  return { token, expiresAt };
}

/** Resolves a cookie token; expired (idle or absolute) sessions are deleted and count as signed out. */
export async function resolveSession(db: Db, token: string | undefined): Promise<SessionInfo | null> {
  if (!token || token.length > 200) return null;
  const tokenHash = sha256Hex(token);
  const session = await repo.getSessionWithUser(db, tokenHash);
  if (!session) return null;
  const now = Date.now();
  const lastSeen = new Date(session.last_seen_at).getTime();
  if (new Date(session.expires_at).getTime() <= now || lastSeen + SESSION_IDLE_MS <= now) {
    await repo.deleteSession(db, tokenHash);
    return null;
  }
  if (now - lastSeen > TOUCH_EVERY_MS) await repo.touchSession(db, tokenHash, new Date(now));
  const memberships = await repo.findMemberships(db, session.user_id);
  // A membership can be removed while a session holds it: fall back to the first remaining merchant.
  const current = memberships.find((m) => m.id === session.merchant_id) ?? memberships[0];
  return {
    tokenHash,
    user: { id: session.user_id, email: session.email, name: session.name },
    emailVerified: Boolean(session.email_verified_at),
    merchant: current ? toMerchantDto(current) : null,
    merchantVerified: Boolean(current?.has_verified_owner),
    role: (current?.role as Role) ?? null,
    // A session left in live mode by an owner who is no longer the verified one falls back to test mode.
    livemode: session.livemode && Boolean(current?.has_verified_owner),
    memberships: memberships.map((m) => ({ merchantId: m.id, merchantName: m.name, role: m.role as Role, timezone: m.timezone })),
  };
}

export async function switchMerchant(db: Db, session: SessionInfo, merchantId: string): Promise<void> {
  if (!session.memberships.some((m) => m.merchantId === merchantId)) {
    throw new PaymentError('permission_denied', 'You are not a member of that account.', { param: 'merchantId' });
  }
  // Switching accounts starts in test mode, so live data is never shown by surprise.
  await repo.updateSessionTenant(db, session.tokenHash, { merchant_id: merchantId, livemode: false });
}

const UNVERIFIED_LIVE_MODE = 'Verify your email address to use live mode. Until an owner of the account has verified theirs, it works in test mode only.';

export async function setMode(db: Db, session: SessionInfo, livemode: boolean): Promise<void> {
  if (livemode && (!session.merchant || !(await repo.hasVerifiedOwner(db, session.merchant.id)))) {
    throw new PaymentError('permission_denied', UNVERIFIED_LIVE_MODE, { param: 'livemode' });
  }
  await repo.updateSessionTenant(db, session.tokenHash, { livemode });
}

/** Sessions past their idle or absolute expiry; resolveSession refuses them, this job frees their rows. */
export async function pruneExpiredSessions(db: Db, now: Date = new Date()): Promise<number> {
  const [result] = await repo.deleteExpiredSessions(db, new Date(now.getTime() - SESSION_IDLE_MS), now);
  return Number(result?.numDeletedRows ?? 0);
}

export async function signOut(db: Db, tokenHash: string): Promise<void> {
  await repo.deleteSession(db, tokenHash);
}

export interface SessionListItemDto {
  id: string; device: string; userAgent: string | null; ip: string | null; created: number; lastSeen: number; current: boolean;
}

/** Settings → Security: the user's signed-in browsers, the current one first, then by last activity. */
export async function findSessions(db: Db, session: SessionInfo): Promise<SessionListItemDto[]> {
  const rows = await repo.findUserSessions(db, session.user.id);
  const now = Date.now();
  return rows
    .filter((r) => new Date(r.last_seen_at).getTime() + SESSION_IDLE_MS > now)
    .map((r) => ({
      id: r.id, device: describeUserAgent(r.user_agent), userAgent: r.user_agent, ip: r.ip,
      created: Math.floor(new Date(r.created_at).getTime() / 1000), lastSeen: Math.floor(new Date(r.last_seen_at).getTime() / 1000),
      current: r.token_hash === session.tokenHash,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

/** Signs out one of the user's own sessions (not the current one: that is "Sign out"). */
export async function revokeSession(db: Db, session: SessionInfo, sessionId: string, meta: AuditOrigin = {}): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const mine = await repo.findUserSessions(tx, session.user.id);
    const target = mine.find((s) => s.id === sessionId);
    if (!target) throw new PaymentError('resource_missing', 'No such session: it may have been signed out already.', { param: 'sessionId', status: 404 });
    if (target.token_hash === session.tokenHash) throw new PaymentError('invalid_request', 'This is the session you are using. Use Sign out instead.', { param: 'sessionId' });
    await repo.deleteUserSession(tx, session.user.id, sessionId);
    await recordUserAudit(tx, session.user.id, { action: 'session.revoked', targetId: sessionId, data: { device: describeUserAgent(target.user_agent), ip: target.ip }, ip: meta.ip, userAgent: meta.userAgent });
  });
}

/** "Sign out all other sessions": only the current one stays. */
export async function revokeOtherSessions(db: Db, session: SessionInfo, meta: AuditOrigin = {}): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const [result] = await repo.deleteOtherSessions(tx, session.user.id, session.tokenHash);
    const count = Number(result?.numDeletedRows ?? 0);
    await recordUserAudit(tx, session.user.id, { action: 'session.others_revoked', data: { count }, ip: meta.ip, userAgent: meta.userAgent });
    return count;
  });
}

/** Signs a user out of every session (their second factor was reset by an owner). */
export async function signOutEverywhere(db: Executor, userId: string): Promise<void> {
  await repo.deleteAllSessions(db, userId);
}
