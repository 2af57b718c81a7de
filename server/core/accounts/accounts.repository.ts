import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow } from '../../db/schema.js';
import { likeNeedle } from '../shared/search-sql.js';

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
    .select(['users.id', 'users.email', 'users.name', 'memberships.role', 'memberships.created_at'])
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
    .select(['users.email', 'users.name'])
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

export interface AuditFilter { actor?: string; action?: string; targetId?: string; from?: Date; to?: Date }

export function findAudit(db: Executor, merchantId: string, limit: number, before?: { created_at: Date; id: string }, filter: AuditFilter = {}) {
  let query = db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.user_id')
    .select(['audit_log.id', 'audit_log.action', 'audit_log.target_id', 'audit_log.data', 'audit_log.created_at', 'audit_log.livemode',
      'audit_log.user_id', 'audit_log.ip', 'audit_log.user_agent', 'users.email as user_email'])
    .where('audit_log.merchant_id', '=', merchantId);
  if (before) {
    query = query.where((eb) => eb(eb.refTuple('audit_log.created_at', 'audit_log.id'), '<', eb.tuple(before.created_at, before.id)));
  }
  // The actor is a user id or (part of) an email address.
  const actor = filter.actor;
  if (actor) query = query.where((eb) => eb.or([eb('audit_log.user_id', '=', actor), eb(sql<string>`lower(users.email)`, 'like', likeNeedle(actor))]));
  // An action or a family of actions: 'two_factor' matches every 'two_factor.*'.
  if (filter.action) query = filter.action.includes('.') ? query.where('audit_log.action', '=', filter.action) : query.where('audit_log.action', 'like', `${filter.action}.%`);
  if (filter.targetId) query = query.where('audit_log.target_id', '=', filter.targetId);
  if (filter.from) query = query.where('audit_log.created_at', '>=', filter.from);
  if (filter.to) query = query.where('audit_log.created_at', '<', filter.to);
  return query.orderBy('audit_log.created_at', 'desc').orderBy('audit_log.id', 'desc').limit(limit).execute();
}

export async function findMerchantIdsOfUser(db: Executor, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('memberships').select('merchant_id').where('user_id', '=', userId).orderBy('merchant_id').execute();
  return rows.map((r) => r.merchant_id);
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

/** Signs a user out everywhere (their second factor was reset). */
export function deleteUserSessions(db: Executor, userId: string) {
  return db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/** Emails of the given users (who issued a refund, who changed a setting). */
export function findUserEmails(db: Executor, ids: string[]) {
  if (!ids.length) return Promise.resolve([] as { id: string; email: string }[]);
  return db.selectFrom('users').select(['id', 'email']).where('id', 'in', ids).execute();
}
