import { PaymentError } from '../../../shared/errors.js';
import type { Role } from '../../../shared/permissions.js';
import type { Db, Executor } from '../../db/database.js';
import { randomToken, sha256Hex } from '../shared/crypto.js';
import * as repo from './accounts.repository.js';
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
  merchant: MerchantDto | null;
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
    merchant: current ? toMerchantDto(current) : null,
    role: (current?.role as Role) ?? null,
    livemode: session.livemode,
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

export async function setMode(db: Db, session: SessionInfo, livemode: boolean): Promise<void> {
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

/** Signs a user out of every session (their second factor was reset by an owner). */
export async function signOutEverywhere(db: Executor, userId: string): Promise<void> {
  await repo.deleteUserSessions(db, userId);
}
