import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow } from '../../db/schema.js';

/** Saved views and preferences belong to one user within one merchant; every query names both. */
export interface Owner {
  merchantId: string;
  userId: string;
}

export function findSavedViews(db: Executor, owner: Owner, page: string) {
  return db
    .selectFrom('saved_views')
    .selectAll()
    .where('merchant_id', '=', owner.merchantId)
    .where('user_id', '=', owner.userId)
    .where('page', '=', page)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

export async function countSavedViews(db: Executor, owner: Owner, page: string): Promise<number> {
  const row = await db
    .selectFrom('saved_views')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('merchant_id', '=', owner.merchantId)
    .where('user_id', '=', owner.userId)
    .where('page', '=', page)
    .executeTakeFirstOrThrow();
  return row.n;
}

export function insertSavedView(db: Executor, row: NewRow<'saved_views'>) {
  return db.insertInto('saved_views').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function deleteSavedView(db: Executor, owner: Owner, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('saved_views')
    .where('merchant_id', '=', owner.merchantId)
    .where('user_id', '=', owner.userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export function getPreference(db: Executor, owner: Owner, key: string) {
  return db
    .selectFrom('user_preferences')
    .select(['key', 'value'])
    .where('merchant_id', '=', owner.merchantId)
    .where('user_id', '=', owner.userId)
    .where('key', '=', key)
    .executeTakeFirst();
}

/** Serialises preference writes of one member (until the transaction ends), so the cap on keys holds under parallel writes. */
export async function lockPreferences(db: Executor, owner: Owner) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`prefs:${owner.merchantId}:${owner.userId}`}, 0))`.execute(db);
}

/** How many keys the member stores, and whether `key` is one of them. */
export async function countPreferences(db: Executor, owner: Owner, key: string) {
  const row = await db
    .selectFrom('user_preferences')
    .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.countAll<string>().filterWhere('key', '=', key).as('same')])
    .where('merchant_id', '=', owner.merchantId)
    .where('user_id', '=', owner.userId)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), exists: Number(row.same) > 0 };
}

export function upsertPreference(db: Executor, owner: Owner, key: string, value: unknown) {
  const json = JSON.stringify(value);
  return db
    .insertInto('user_preferences')
    .values({ merchant_id: owner.merchantId, user_id: owner.userId, key, value: json })
    .onConflict((oc) => oc.columns(['user_id', 'merchant_id', 'key']).doUpdateSet({ value: json, updated_at: sql`now()` }))
    .returning(['key', 'value'])
    .executeTakeFirstOrThrow();
}
