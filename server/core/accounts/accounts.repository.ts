import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow } from '../../db/schema.js';
import { likeNeedle } from '../shared/search.repository.js';

export function findUserByEmail(db: Executor, email: string) {
  return db.selectFrom('users').selectAll().where(sql<string>`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
}

export function getUser(db: Executor, userId: string) {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

export function insertUser(db: Executor, user: NewRow<'users'>) {
  return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
}

export function insertMerchant(db: Executor, merchant: NewRow<'merchants'>) {
  return db.insertInto('merchants').values(merchant).returningAll().executeTakeFirstOrThrow();
}

export function getMerchant(db: Executor, merchantId: string) {
  return db.selectFrom('merchants').selectAll().where('id', '=', merchantId).executeTakeFirst();
}

export function updateMerchant(db: Executor, merchantId: string, changes: { name?: string; timezone?: string; support_email?: string | null; statement_descriptor?: string | null; default_currency?: string }) {
  return db.updateTable('merchants').set(changes).where('id', '=', merchantId).returningAll().executeTakeFirstOrThrow();
}

export function insertMembership(db: Executor, membership: NewRow<'memberships'>) {
  return db.insertInto('memberships').values(membership).execute();
}

export function findMemberships(db: Executor, userId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('merchants', 'merchants.id', 'memberships.merchant_id')
    // Every merchant column, so the current merchant needs no second query.
    .selectAll('merchants')
    .select(['memberships.role', 'memberships.created_at as member_since'])
    // Live mode needs an owner with a verified email address; the banner and the mode switch read this.
    .select((eb) => eb.exists(
      eb.selectFrom('memberships as owners').innerJoin('users as owner_users', 'owner_users.id', 'owners.user_id')
        .select('owners.user_id')
        .whereRef('owners.merchant_id', '=', 'merchants.id')
        .where('owners.role', '=', 'owner')
        .where('owner_users.email_verified_at', 'is not', null),
    ).as('has_verified_owner'))
    .where('memberships.user_id', '=', userId)
    .orderBy('memberships.created_at')
    .orderBy('merchants.id')
    .execute();
}

export function getMembership(db: Executor, userId: string, merchantId: string) {
  return db
    .selectFrom('memberships')
    .select(['role'])
    .where('user_id', '=', userId)
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst();
}

export function findMembers(db: Executor, merchantId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email', 'users.name', 'users.last_sign_in_at', 'users.email_verified_at', 'memberships.role', 'memberships.created_at'])
    .where('memberships.merchant_id', '=', merchantId)
    .orderBy('memberships.created_at')
    .execute();
}

export function setMemberRole(db: Executor, merchantId: string, userId: string, role: string) {
  return db.updateTable('memberships').set({ role }).where('merchant_id', '=', merchantId).where('user_id', '=', userId).executeTakeFirst();
}

export function deleteMembership(db: Executor, merchantId: string, userId: string) {
  return db.deleteFrom('memberships').where('merchant_id', '=', merchantId).where('user_id', '=', userId).executeTakeFirst();
}

// Sessions
export function insertSession(db: Executor, session: NewRow<'sessions'>) {
  return db.insertInto('sessions').values(session).execute();
}

/** The session with its user, in one query (this runs on every dashboard request). */
export function getSessionWithUser(db: Executor, tokenHash: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('sessions')
    .select(['users.email', 'users.name', 'users.email_verified_at'])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export function touchSession(db: Executor, tokenHash: string, at: Date) {
  return db.updateTable('sessions').set({ last_seen_at: at }).where('token_hash', '=', tokenHash).execute();
}

export function updateSessionTenant(db: Executor, tokenHash: string, changes: { merchant_id?: string; livemode?: boolean }) {
  return db.updateTable('sessions').set(changes).where('token_hash', '=', tokenHash).execute();
}

export function deleteSession(db: Executor, tokenHash: string) {
  return db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export function deleteExpiredSessions(db: Executor, idleBefore: Date, now: Date) {
  return db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<', now), eb('last_seen_at', '<', idleBefore)]))
    .execute();
}

// Sign-in throttling: one row per key (an account, an account on a known device, an IP).

/** The growing delay after `failures` attempts: none within the free ones, then doubling, capped at 15 minutes. */
function delayAfter(failures: RawBuilder<number>, free: number) {
  return sql`case when ${failures} <= ${free} then null else now() + make_interval(secs => least(power(2, ${failures} - ${free}), 900)) end`;
}

/**
 * Counts one attempt on `key` before its password is checked, in one statement: the row lock taken by
 * ON CONFLICT serialises parallel attempts, so each sees the count the previous one left. Returns true when
 * the attempt may go on to the password check (the key was not inside its delay). A refused attempt is
 * counted too (see countRefusedAttempt), so a burst keeps the key blocked instead of waiting it out.
 */
export async function takeAttempt(db: Executor, key: string, free: number): Promise<boolean> {
  // Attempts older than an hour are forgiven.
  const next = sql<number>`(case when t.last_failure_at < now() - interval '1 hour' then 1 else t.failures + 1 end)`;
  const { rows } = await sql<{ failures: number }>`
    insert into login_throttle as t (key, failures, last_failure_at, blocked_until)
    values (${key}, 1, now(), ${delayAfter(sql<number>`1`, free)})
    on conflict (key) do update
      set failures = ${next}, last_failure_at = now(), blocked_until = ${delayAfter(next, free)}
      where t.blocked_until is null or t.blocked_until <= now()
    returning t.failures`.execute(db);
  return rows.length === 1;
}

/** A refused attempt (the key was blocked) still counts, and pushes the block further. Returns when it ends. */
export async function countRefusedAttempt(db: Executor, key: string, free: number): Promise<Date | null> {
  const next = sql<number>`(t.failures + 1)`;
  const { rows } = await sql<{ blocked_until: Date | null }>`
    update login_throttle as t set failures = ${next}, last_failure_at = now(), blocked_until = greatest(t.blocked_until, ${delayAfter(next, free)})
    where t.key = ${key} and t.blocked_until > now()
    returning t.blocked_until`.execute(db);
  return rows[0]?.blocked_until ?? null;
}

/** A successful attempt on a shared key (an IP) is given back, so that a busy office is not throttled by its own sign-ins. */
export function refundAttempt(db: Executor, key: string, free: number) {
  return sql`
    update login_throttle as t set failures = greatest(t.failures - 1, 0),
      blocked_until = case when t.failures - 1 <= ${free} then null else t.blocked_until end
    where t.key = ${key}`.execute(db);
}

/** Rows whose attempts are all forgiven (an hour old) and that block nothing: counting would start at 1 again anyway. */
export async function deleteForgivenThrottles(db: Executor) {
  const result = await db
    .deleteFrom('login_throttle')
    .where('last_failure_at', '<', sql<Date>`now() - interval '1 hour'`)
    .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<', sql<Date>`now()`)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function clearThrottle(db: Executor, key: string) {
  return db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

export function insertAudit(db: Executor, entry: NewRow<'audit_log'>) {
  return db.insertInto('audit_log').values(entry).execute();
}

export type AuditActorKind = 'member' | 'api_key' | 'system';
export interface AuditFilter { actor?: string; actorKind?: AuditActorKind; action?: string; targetId?: string; from?: Date; to?: Date }

export function findAudit(db: Executor, merchantId: string, limit: number, before?: { created_at: Date; id: string }, filter: AuditFilter = {}) {
  let query = db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.user_id')
    // The key that acted, even once revoked or rolled (key rows are never deleted while the merchant exists).
    .leftJoin('api_keys', (join) => join.onRef('api_keys.merchant_id', '=', 'audit_log.merchant_id').onRef('api_keys.id', '=', 'audit_log.api_key_id'))
    .select(['audit_log.id', 'audit_log.action', 'audit_log.target_id', 'audit_log.data', 'audit_log.created_at', 'audit_log.livemode',
      'audit_log.user_id', 'audit_log.ip', 'audit_log.user_agent', 'users.email as user_email', 'audit_log.api_key_id',
      'api_keys.type as api_key_type', 'api_keys.name as api_key_name', 'api_keys.prefix as api_key_prefix', 'api_keys.last4 as api_key_last4'])
    .where('audit_log.merchant_id', '=', merchantId);
  if (before) {
    query = query.where((eb) => eb(eb.refTuple('audit_log.created_at', 'audit_log.id'), '<', eb.tuple(before.created_at, before.id)));
  }
  // The actor is a user id or (part of) an email address, or an API key: its id, (part of) its name or its last four.
  const actor = filter.actor;
  if (actor) {
    query = query.where((eb) => eb.or([
      eb('audit_log.user_id', '=', actor), eb(sql<string>`lower(users.email)`, 'like', likeNeedle(actor)),
      eb('audit_log.api_key_id', '=', actor), eb(sql<string>`lower(api_keys.name)`, 'like', likeNeedle(actor)), eb('api_keys.last4', '=', actor),
    ]));
  }
  if (filter.actorKind === 'api_key') query = query.where('audit_log.api_key_id', 'is not', null);
  if (filter.actorKind === 'member') query = query.where('audit_log.user_id', 'is not', null);
  if (filter.actorKind === 'system') query = query.where('audit_log.user_id', 'is', null).where('audit_log.api_key_id', 'is', null);
  // An action or a family of actions: 'two_factor' matches every 'two_factor.*'.
  if (filter.action) query = filter.action.includes('.') ? query.where('audit_log.action', '=', filter.action) : query.where('audit_log.action', 'like', `${filter.action}.%`);
  if (filter.targetId) query = query.where('audit_log.target_id', '=', filter.targetId);
  if (filter.from) query = query.where('audit_log.created_at', '>=', filter.from);
  if (filter.to) query = query.where('audit_log.created_at', '<', filter.to);
  return query.orderBy('audit_log.created_at', 'desc').orderBy('audit_log.id', 'desc').limit(limit).execute();
}

/** Locks the merchant's owner memberships so that two concurrent demotions cannot remove the last owner. */
export function lockOwners(db: Executor, merchantId: string) {
  return db
    .selectFrom('memberships')
    .select(['user_id'])
    .where('merchant_id', '=', merchantId)
    .where('role', '=', 'owner')
    .forUpdate()
    .execute();
}

export function updatePasswordHash(db: Executor, userId: string, passwordHash: string) {
  return db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

/** Signs a user out everywhere except the session with keepTokenHash. */
export function deleteOtherSessions(db: Executor, userId: string, keepTokenHash: string) {
  return db.deleteFrom('sessions').where('user_id', '=', userId).where('token_hash', '<>', keepTokenHash).execute();
}

/** Emails of the given users (who issued a refund, who changed a setting). */
export function findUserEmails(db: Executor, ids: string[]) {
  if (!ids.length) return Promise.resolve([] as { id: string; email: string }[]);
  return db.selectFrom('users').select(['id', 'email']).where('id', 'in', ids).execute();
}

// Single-use links (verify email, reset password), stored hashed.
export function insertUserToken(db: Executor, token: NewRow<'user_tokens'>) {
  return db.insertInto('user_tokens').values(token).execute();
}

/** The newest link of this purpose sent to the user (resends are spaced out). */
export function latestUserToken(db: Executor, userId: string, purpose: 'verify_email' | 'reset_password') {
  return db.selectFrom('user_tokens').select(['created_at']).where('user_id', '=', userId).where('purpose', '=', purpose).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}

/** Only the newest link of a purpose works: sending a new one retires the unused older ones. */
export function deleteUnusedUserTokens(db: Executor, userId: string, purpose: 'verify_email' | 'reset_password') {
  return db.deleteFrom('user_tokens').where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
}

export function getUsableUserToken(db: Executor, tokenHash: string, purpose: 'verify_email' | 'reset_password') {
  return db
    .selectFrom('user_tokens')
    .innerJoin('users', 'users.id', 'user_tokens.user_id')
    .select(['user_tokens.user_id', 'user_tokens.expires_at', 'users.email', 'users.name', 'users.password_hash'])
    .where('user_tokens.token_hash', '=', tokenHash)
    .where('user_tokens.purpose', '=', purpose)
    .where('user_tokens.used_at', 'is', null)
    .where('user_tokens.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** Uses a link up, once: of two concurrent uses, only one gets the row back. */
export function consumeUserToken(db: Executor, tokenHash: string, purpose: 'verify_email' | 'reset_password') {
  return db
    .updateTable('user_tokens')
    .set({ used_at: sql`now()` })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['user_id'])
    .executeTakeFirst();
}

export function markEmailVerified(db: Executor, userId: string) {
  return db.updateTable('users').set({ email_verified_at: sql`coalesce(email_verified_at, now())` }).where('id', '=', userId).execute();
}

export function setLastSignIn(db: Executor, userId: string) {
  return db.updateTable('users').set({ last_sign_in_at: sql`now()` }).where('id', '=', userId).execute();
}

/** True when at least one owner of the merchant has verified their email address (live mode needs one). */
export async function hasVerifiedOwner(db: Executor, merchantId: string): Promise<boolean> {
  const row = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.id')
    .where('memberships.merchant_id', '=', merchantId)
    .where('memberships.role', '=', 'owner')
    .where('users.email_verified_at', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}

export function deleteAllSessions(db: Executor, userId: string) {
  return db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export function findUserSessions(db: Executor, userId: string) {
  return db
    .selectFrom('sessions')
    .select(['id', 'token_hash', 'user_agent', 'ip', 'created_at', 'last_seen_at', 'expires_at'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

export function deleteUserSession(db: Executor, userId: string, sessionId: string) {
  return db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '=', sessionId).executeTakeFirst();
}

/** The merchants a user belongs to (user-level changes are written to each one's audit log). */
export function findMerchantIdsOfUser(db: Executor, userId: string) {
  return db.selectFrom('memberships').select(['merchant_id']).where('user_id', '=', userId).execute();
}

// Invitations
/**
 * The instant `ttlMs` after the transaction's, which created_at and sent_at also take: one clock for all three (the
 * app's and the database's differ by milliseconds, which once made an invitation last 10 days and a second).
 */
const afterNow = (ttlMs: number) => sql<Date>`now() + ${ttlMs} * interval '1 millisecond'`;

export function insertInvitation(db: Executor, invitation: Omit<NewRow<'invitations'>, 'expires_at'>, ttlMs: number) {
  return db.insertInto('invitations').values({ ...invitation, expires_at: afterNow(ttlMs) }).returningAll().executeTakeFirstOrThrow();
}

/** Pending invitations of a merchant (accepted ones are members now), newest first. */
export function findPendingInvitations(db: Executor, merchantId: string) {
  return db
    .selectFrom('invitations')
    .leftJoin('users', 'users.id', 'invitations.invited_by')
    .select(['invitations.id', 'invitations.email', 'invitations.role', 'invitations.created_at', 'invitations.sent_at', 'invitations.expires_at', 'users.email as invited_by_email'])
    .where('invitations.merchant_id', '=', merchantId)
    .where('invitations.accepted_at', 'is', null)
    .orderBy('invitations.created_at', 'desc')
    .execute();
}

export function getPendingInvitation(db: Executor, merchantId: string, invitationId: string) {
  return db.selectFrom('invitations').selectAll().where('merchant_id', '=', merchantId).where('id', '=', invitationId).where('accepted_at', 'is', null).executeTakeFirst();
}

export function findPendingInvitationByEmail(db: Executor, merchantId: string, email: string) {
  return db.selectFrom('invitations').select(['id', 'expires_at']).where('merchant_id', '=', merchantId).where(sql<string>`lower(email)`, '=', email.toLowerCase()).where('accepted_at', 'is', null).executeTakeFirst();
}

/** An invitation by its link, with what the accept page shows (merchant, who invited). */
export function getInvitationByToken(db: Executor, tokenHash: string) {
  return db
    .selectFrom('invitations')
    .innerJoin('merchants', 'merchants.id', 'invitations.merchant_id')
    .leftJoin('users as inviter', 'inviter.id', 'invitations.invited_by')
    .select(['invitations.id', 'invitations.merchant_id', 'invitations.email', 'invitations.role', 'invitations.expires_at', 'invitations.accepted_at', 'merchants.name as merchant_name', 'inviter.name as inviter_name'])
    .where('invitations.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** A new link for a pending invitation: the old one stops working, the 10 days start again. */
export function renewInvitation(db: Executor, merchantId: string, invitationId: string, tokenHash: string, ttlMs: number) {
  return db
    .updateTable('invitations')
    .set({ token_hash: tokenHash, expires_at: afterNow(ttlMs), sent_at: sql`now()` })
    .where('merchant_id', '=', merchantId)
    .where('id', '=', invitationId)
    .where('accepted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export function deleteInvitation(db: Executor, merchantId: string, invitationId: string) {
  return db.deleteFrom('invitations').where('merchant_id', '=', merchantId).where('id', '=', invitationId).where('accepted_at', 'is', null).executeTakeFirst();
}

/** Accepts once, before expiry: of two concurrent accepts only one gets the row. */
export function markInvitationAccepted(db: Executor, invitationId: string) {
  return db
    .updateTable('invitations')
    .set({ accepted_at: sql`now()` })
    .where('id', '=', invitationId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['merchant_id', 'email', 'role'])
    .executeTakeFirst();
}
