import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow } from '../../db/schema.js';

// Second factors belong to a user, not to a merchant: these tables carry no merchant_id, and every query is
// limited to one user_id (the signed-in user, or a member the acting owner's merchant holds).

export function getTotp(db: Executor, userId: string) {
  return db.selectFrom('two_factor_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** A new enrolment replaces one that was never confirmed; a confirmed one is kept (the caller refuses first). */
export function upsertPendingTotp(db: Executor, userId: string, secretEncrypted: string) {
  return db.insertInto('two_factor_totp').values({ user_id: userId, secret_encrypted: secretEncrypted })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ secret_encrypted: secretEncrypted, created_at: sql`now()`, last_used_step: null })
      .where('two_factor_totp.confirmed_at', 'is', null))
    .execute();
}

export function confirmTotp(db: Executor, userId: string, step: number) {
  return db.updateTable('two_factor_totp').set({ confirmed_at: sql`now()`, last_used_step: step })
    .where('user_id', '=', userId).where('confirmed_at', 'is', null).executeTakeFirst();
}

/** Accepts a code's step only if it is newer than the last one used: one statement, so a replayed code loses a race too. */
export async function useTotpStep(db: Executor, userId: string, step: number): Promise<boolean> {
  const result = await db.updateTable('two_factor_totp').set({ last_used_step: step })
    .where('user_id', '=', userId).where('confirmed_at', 'is not', null)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function deleteTotp(db: Executor, userId: string) {
  return db.deleteFrom('two_factor_totp').where('user_id', '=', userId).executeTakeFirst();
}

/** Call inside a transaction: the old codes go and the new ones come together. */
export async function replaceRecoveryCodes(tx: Executor, userId: string, hashes: string[]) {
  await tx.deleteFrom('two_factor_recovery_codes').where('user_id', '=', userId).execute();
  await tx.insertInto('two_factor_recovery_codes').values(hashes.map((code_hash) => ({ user_id: userId, code_hash }))).execute();
}

/** Marks one unused code used; false when it is unknown or already spent. */
export async function useRecoveryCode(db: Executor, userId: string, hash: string): Promise<boolean> {
  const result = await db.updateTable('two_factor_recovery_codes').set({ used_at: sql`now()` })
    .where('user_id', '=', userId).where('code_hash', '=', hash).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(db: Executor, userId: string): Promise<number> {
  const row = await db.selectFrom('two_factor_recovery_codes').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

export function deleteRecoveryCodes(db: Executor, userId: string) {
  return db.deleteFrom('two_factor_recovery_codes').where('user_id', '=', userId).execute();
}

export function findPasskeys(db: Executor, userId: string) {
  return db.selectFrom('webauthn_credentials').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
}

export function getPasskey(db: Executor, userId: string, id: string) {
  return db.selectFrom('webauthn_credentials').selectAll().where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
}

export function insertPasskey(db: Executor, row: NewRow<'webauthn_credentials'>) {
  return db.insertInto('webauthn_credentials').values(row).execute();
}

export function recordPasskeyUse(db: Executor, userId: string, id: string, counter: number) {
  return db.updateTable('webauthn_credentials').set({ counter, last_used_at: sql`now()` }).where('user_id', '=', userId).where('id', '=', id).execute();
}

export function deletePasskey(db: Executor, userId: string, id: string) {
  return db.deleteFrom('webauthn_credentials').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
}

export function deletePasskeys(db: Executor, userId: string) {
  return db.deleteFrom('webauthn_credentials').where('user_id', '=', userId).execute();
}

/** Which users have a confirmed second factor (an authenticator app or a passkey). */
export async function findUsersWithSecondFactor(db: Executor, userIds: string[]): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  const rows = await db.selectFrom('users').select('id').where('id', 'in', userIds)
    .where((eb) => eb.or([
      eb.exists(eb.selectFrom('two_factor_totp').select(sql`1`.as('one')).whereRef('two_factor_totp.user_id', '=', 'users.id').where('two_factor_totp.confirmed_at', 'is not', null)),
      eb.exists(eb.selectFrom('webauthn_credentials').select(sql`1`.as('one')).whereRef('webauthn_credentials.user_id', '=', 'users.id')),
    ]))
    .execute();
  return new Set(rows.map((r) => r.id));
}

// Challenges: a sign-in between password and second factor, or a passkey enrolment in progress.

export function insertChallenge(db: Executor, row: NewRow<'two_factor_challenges'>) {
  return db.insertInto('two_factor_challenges').values(row).execute();
}

export function getLiveChallenge(db: Executor, tokenHash: string, purpose: 'sign-in' | 'passkey-registration') {
  return db.selectFrom('two_factor_challenges').selectAll()
    .where('token_hash', '=', tokenHash).where('purpose', '=', purpose).where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

export function getUserChallenge(db: Executor, userId: string, purpose: 'sign-in' | 'passkey-registration') {
  return db.selectFrom('two_factor_challenges').selectAll()
    .where('user_id', '=', userId).where('purpose', '=', purpose).where('expires_at', '>', sql<Date>`now()`)
    .orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}

export function setChallengeWebauthn(db: Executor, tokenHash: string, webauthnChallenge: string) {
  return db.updateTable('two_factor_challenges').set({ webauthn_challenge: webauthnChallenge }).where('token_hash', '=', tokenHash).execute();
}

/** Counts one try on a sign-in challenge; returns the tries so far, or null when the challenge is gone. */
export async function countChallengeAttempt(db: Executor, tokenHash: string): Promise<number | null> {
  const row = await db.updateTable('two_factor_challenges').set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('token_hash', '=', tokenHash).where('expires_at', '>', sql<Date>`now()`)
    .returning('attempts').executeTakeFirst();
  return row ? row.attempts : null;
}

/** Deletes the challenge; true for the one caller that deleted it (a challenge opens one session). */
export async function consumeChallenge(db: Executor, tokenHash: string): Promise<boolean> {
  const result = await db.deleteFrom('two_factor_challenges').where('token_hash', '=', tokenHash).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export function deleteUserChallenges(db: Executor, userId: string, purpose: 'sign-in' | 'passkey-registration') {
  return db.deleteFrom('two_factor_challenges').where('user_id', '=', userId).where('purpose', '=', purpose).execute();
}

export async function deleteExpiredChallenges(db: Executor): Promise<number> {
  const result = await db.deleteFrom('two_factor_challenges').where('expires_at', '<=', sql<Date>`now()`).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function getMerchantRequirement(db: Executor, merchantId: string) {
  return db.selectFrom('merchants').select('require_two_factor').where('id', '=', merchantId).executeTakeFirst();
}

export function setMerchantRequirement(db: Executor, merchantId: string, required: boolean) {
  return db.updateTable('merchants').set({ require_two_factor: required }).where('id', '=', merchantId).execute();
}
