import { PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import type { Role } from '../../../shared/permissions.js';
import type { Db, Executor } from '../../db/database.js';
import { createDefaultKeys, type DefaultKeys } from '../api-keys/api-keys.service.js';
import { randomToken, sha256Hex } from '../shared/crypto.js';
import * as repo from './accounts.repository.js';
import { dummyVerify, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { decodeCursor, encodeCursor, type CursorParam } from '../shared/pagination.js';

export const SESSION_IDLE_MS = 24 * 3_600_000;
export const SESSION_ABSOLUTE_MS = 14 * 24 * 3_600_000;
const TOUCH_EVERY_MS = 5 * 60_000;

export interface UserDto { id: string; email: string; name: string }
export interface MembershipDto { merchantId: string; merchantName: string; role: Role; timezone: string }
export interface MerchantDto {
  id: string; name: string; timezone: string; defaultCurrency: string; supportEmail: string | null;
  statementDescriptor: string | null; country: string; created: number;
}

export function toMerchantDto(row: NonNullable<Awaited<ReturnType<typeof repo.getMerchant>>>): MerchantDto {
  return {
    id: row.id, name: row.name, timezone: row.timezone, defaultCurrency: row.default_currency,
    supportEmail: row.support_email, statementDescriptor: row.statement_descriptor, country: row.country,
    created: Math.floor(new Date(row.created_at).getTime() / 1000),
  };
}

function fieldError(param: string, message: string, code: 'email_taken' | 'password_too_weak' | 'invalid_request' = 'invalid_request') {
  return new PaymentError(code, message, { param });
}

export interface CreateMerchantInput {
  email: string;
  password: string;
  name: string;
  businessName: string;
  timezone?: string;
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
    const user = await repo.insertUser(tx, { id: newId('user'), email, name: input.name.trim(), password_hash: passwordHash });
    const merchant = await repo.insertMerchant(tx, {
      id: newId('merchant'),
      name: input.businessName.trim(),
      timezone: input.timezone ?? 'UTC',
    });
    await repo.insertMembership(tx, { merchant_id: merchant.id, user_id: user.id, role: 'owner' });
    const keys = await createDefaultKeys(tx, merchant.id, user.id);
    await repo.insertAudit(tx, { id: newId('audit'), merchant_id: merchant.id, user_id: user.id, action: 'merchant.created', target_id: merchant.id, data: {} });
    return { user: { id: user.id, email: user.email, name: user.name }, merchant: toMerchantDto(merchant), keys };
  }).catch((error: unknown) => {
    // Two sign-ups racing for one email: the unique index decides.
    if ((error as { code?: string }).code === '23505') throw fieldError('email', 'An account with this email already exists. Sign in instead.', 'email_taken');
    throw error;
  });
}

/** Adds a user (existing or new) to a merchant with a role; used by the CLI, seeding and tests. */
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

// Growing delays: the first few failures cost nothing, then each doubles, capped at 15 minutes.
const FREE_FAILURES_PER_ACCOUNT = 4;
const FREE_FAILURES_PER_IP = 20;
function delayFor(failures: number, free: number): string {
  if (failures <= free) return '0 seconds';
  return `${Math.min(2 ** (failures - free), 900)} seconds`;
}

export interface SessionTokens { token: string; expiresAt: Date }

/** Refuses while any of the keys (an account, an IP) is inside its growing delay after failed passwords. */
async function assertNotThrottled(db: Db, keys: string[], what: 'sign-in' | 'password') {
  const throttles = await repo.getThrottle(db, keys);
  const now = Date.now();
  const blockedUntil = Math.max(0, ...throttles.map((t) => t.blocked_until?.getTime() ?? 0));
  if (blockedUntil > now) {
    const seconds = Math.ceil((blockedUntil - now) / 1000);
    throw new PaymentError('too_many_attempts', `Too many ${what} attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, {
      status: 429,
      extra: { retry_after: seconds },
    });
  }
}

export async function signIn(db: Db, input: { email: string; password: string; ip: string; userAgent?: string | null }): Promise<SessionTokens & { user: UserDto }> {
  const email = input.email.trim().toLowerCase();
  const accountKey = `email:${email}`;
  const ipKey = `ip:${input.ip}`;
  await assertNotThrottled(db, [accountKey, ipKey], 'sign-in');
  const user = await repo.findUserByEmail(db, email);
  const ok = user ? await verifyPassword(user.password_hash, input.password) : await dummyVerify(input.password);
  if (!user || !ok) {
    await repo.recordFailure(db, accountKey, (f) => delayFor(f, FREE_FAILURES_PER_ACCOUNT));
    await repo.recordFailure(db, ipKey, (f) => delayFor(f, FREE_FAILURES_PER_IP));
    // One message for unknown email and wrong password: no account enumeration.
    throw new PaymentError('invalid_credentials', 'Incorrect email or password.', { status: 401 });
  }
  await repo.clearThrottle(db, accountKey);
  const memberships = await repo.findMemberships(db, user.id);
  const session = await createSession(db, user.id, memberships[0]?.id ?? null, input);
  return { ...session, user: { id: user.id, email: user.email, name: user.name } };
}

/**
 * A signed-in user changes their own password: the current one must be right, the new one acceptable.
 * Every other session of the user is signed out; the one making the change (keepSessionTokenHash) stays.
 */
export async function changePassword(db: Db, userId: string, currentPassword: string, newPassword: string, keepSessionTokenHash: string): Promise<void> {
  const user = await repo.getUser(db, userId);
  if (!user) throw new PaymentError('resource_missing', 'No such user.', { status: 404 });
  // Same account throttle as sign-in: a stolen session must not become a way to guess the password.
  const accountKey = `email:${user.email.toLowerCase()}`;
  await assertNotThrottled(db, [accountKey], 'password');
  if (!(await verifyPassword(user.password_hash, currentPassword))) {
    await repo.recordFailure(db, accountKey, (f) => delayFor(f, FREE_FAILURES_PER_ACCOUNT));
    throw new PaymentError('invalid_credentials', 'Your current password is not correct.', { param: 'currentPassword', status: 400 });
  }
  const problem = passwordProblem(newPassword, [user.email.split('@')[0] ?? '', user.name]);
  if (problem) throw fieldError('newPassword', problem, 'password_too_weak');
  const passwordHash = await hashPassword(newPassword);
  await db.transaction().execute(async (tx) => {
    await repo.updatePasswordHash(tx, user.id, passwordHash);
    await repo.deleteOtherSessions(tx, user.id, keepSessionTokenHash);
  });
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

export interface SessionInfo {
  tokenHash: string;
  user: UserDto;
  merchant: MerchantDto | null;
  role: Role | null;
  livemode: boolean;
  memberships: MembershipDto[];
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

export async function getMerchant(db: Db, merchantId: string): Promise<MerchantDto> {
  const row = await repo.getMerchant(db, merchantId);
  if (!row) throw new PaymentError('resource_missing', `No such merchant: '${merchantId}'`);
  return toMerchantDto(row);
}

export async function updateMerchantSettings(db: Db, merchantId: string, userId: string, changes: { name?: string; timezone?: string; supportEmail?: string | null; statementDescriptor?: string | null }) {
  return db.transaction().execute(async (tx) => {
    const row = await repo.updateMerchant(tx, merchantId, {
      name: changes.name,
      timezone: changes.timezone,
      support_email: changes.supportEmail,
      statement_descriptor: changes.statementDescriptor,
    });
    await repo.insertAudit(tx, { id: newId('audit'), merchant_id: merchantId, user_id: userId, action: 'merchant.updated', target_id: merchantId, data: JSON.stringify(changes) as never });
    return toMerchantDto(row);
  });
}

export async function findMembers(db: Db, merchantId: string) {
  const rows = await repo.findMembers(db, merchantId);
  return rows.map((r) => ({ userId: r.id, email: r.email, name: r.name, role: r.role as Role, since: Math.floor(new Date(r.created_at).getTime() / 1000) }));
}

const AUDIT_CURSOR: CursorParam = { param: 'cursor', invalid: 'This audit log cursor is not valid.' };

export async function findAuditLog(db: Db, merchantId: string, limit: number, cursor?: string) {
  let before: { created_at: Date; id: string } | undefined;
  if (cursor) {
    const { key, id } = decodeCursor(cursor, 'created', 'desc', AUDIT_CURSOR);
    if (!id.startsWith('aud_')) throw new PaymentError('invalid_request', AUDIT_CURSOR.invalid, { param: AUDIT_CURSOR.param });
    before = { created_at: new Date(key), id };
  }
  const rows = await repo.findAudit(db, merchantId, limit + 1, before);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    entries: page.map((r) => ({
      id: r.id, action: r.action, targetId: r.target_id, data: r.data, livemode: r.livemode, userEmail: r.user_email,
      created: Math.floor(new Date(r.created_at).getTime() / 1000),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ sort: 'created', dir: 'desc', key: new Date(last.created_at).toISOString(), id: last.id, before: false }) : null,
  };
}

export async function recordAudit(db: Executor, entry: { merchantId: string; livemode?: boolean | null; userId?: string | null; action: string; targetId?: string | null; data?: Record<string, unknown>; ip?: string | null }) {
  await repo.insertAudit(db, {
    id: newId('audit'), merchant_id: entry.merchantId, livemode: entry.livemode ?? null, user_id: entry.userId ?? null,
    action: entry.action, target_id: entry.targetId ?? null, data: JSON.stringify(entry.data ?? {}) as never, ip: entry.ip ?? null,
  });
}

export { repo as accountsRepository };

// Team management. Admins manage the team, but only an owner may grant, change or take away the owner
// role, and an account always keeps at least one owner.

export interface TeamActor { userId: string; role: Role; ip?: string | null }

function assertMayTouchOwner(actor: TeamActor) {
  if (actor.role !== 'owner') {
    throw new PaymentError('permission_denied', 'Only an owner can grant, change or remove the owner role.', { param: 'role' });
  }
}

async function assertNotLastOwner(tx: Executor, merchantId: string, userId: string, message: string) {
  const owners = await repo.lockOwners(tx, merchantId);
  if (owners.length <= 1 && owners.some((o) => o.user_id === userId)) {
    throw new PaymentError('invalid_request', message, { param: 'userId' });
  }
}

/** Adds a member by email; a new user is created with the temporary password, an existing one keeps theirs. */
export async function addTeamMember(db: Db, merchantId: string, actor: TeamActor, input: { email: string; name: string; role: Role; temporaryPassword: string }): Promise<UserDto> {
  if (input.role === 'owner') assertMayTouchOwner(actor);
  const email = input.email.trim().toLowerCase();
  const existing = await repo.findUserByEmail(db, email);
  if (existing && (await repo.getMembership(db, existing.id, merchantId))) {
    throw fieldError('email', 'This person is already a member of the account.');
  }
  const passwordHash = existing ? null : await (async () => {
    const problem = passwordProblem(input.temporaryPassword, [email.split('@')[0], input.name]);
    if (problem) throw fieldError('temporaryPassword', problem, 'password_too_weak');
    return hashPassword(input.temporaryPassword);
  })();
  return db.transaction().execute(async (tx) => {
    const user = existing ?? (await repo.insertUser(tx, { id: newId('user'), email, name: input.name.trim(), password_hash: passwordHash! }));
    await repo.insertMembership(tx, { merchant_id: merchantId, user_id: user.id, role: input.role });
    await recordAudit(tx, { merchantId, userId: actor.userId, action: 'member.added', targetId: user.id, data: { email, role: input.role, newUser: !existing }, ip: actor.ip });
    return { id: user.id, email: user.email, name: user.name };
  }).catch((error: unknown) => {
    if ((error as { code?: string }).code === '23505') throw fieldError('email', 'This person is already a member of the account.');
    throw error;
  });
}

export async function changeMemberRole(db: Db, merchantId: string, actor: TeamActor, userId: string, role: Role): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const membership = await repo.getMembership(tx, userId, merchantId);
    if (!membership) throw new PaymentError('resource_missing', 'No such member.', { param: 'userId' });
    if (membership.role === role) return;
    if (membership.role === 'owner' || role === 'owner') assertMayTouchOwner(actor);
    if (membership.role === 'owner') await assertNotLastOwner(tx, merchantId, userId, 'The account needs at least one owner. Make someone else an owner first.');
    await repo.setMemberRole(tx, merchantId, userId, role);
    await recordAudit(tx, { merchantId, userId: actor.userId, action: 'member.role_changed', targetId: userId, data: { from: membership.role, to: role }, ip: actor.ip });
  });
}

export async function removeTeamMember(db: Db, merchantId: string, actor: TeamActor, userId: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const membership = await repo.getMembership(tx, userId, merchantId);
    if (!membership) throw new PaymentError('resource_missing', 'No such member.', { param: 'userId' });
    if (membership.role === 'owner') {
      assertMayTouchOwner(actor);
      await assertNotLastOwner(tx, merchantId, userId, 'The last owner cannot be removed. Make someone else an owner first.');
    }
    await repo.deleteMembership(tx, merchantId, userId);
    await recordAudit(tx, { merchantId, userId: actor.userId, action: 'member.removed', targetId: userId, data: { role: membership.role }, ip: actor.ip });
  });
}
