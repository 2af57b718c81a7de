import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Scope } from '../shared/deps.js';
import { likeNeedle } from './dashboard.repository.js';

/** The palette reads at most this many matching customers before ranking them: a bounded heap read. */
export const LOOKUP_CANDIDATES = 500;

/**
 * Customers whose "email name" contains the needle, through customers_lookup_trgm_idx (0009). The matches
 * are collected first (materialized, capped) so PostgreSQL cannot trade the trigram index for a walk of
 * the merchant's whole list in created order; then exact email matches and the newest come first.
 */
export async function findCustomersByText(db: Executor, scope: Scope, needle: string, limit: number) {
  const value = needle.trim().toLowerCase();
  const { rows } = await sql<{ id: string; email: string | null; name: string | null }>`
    with matches as materialized (
      select id, email, name, created_at from customers
      where merchant_id = ${scope.merchantId} and livemode = ${scope.livemode} and deleted_at is null
        and lower(coalesce(email, '') || ' ' || coalesce(name, '')) like ${likeNeedle(value)}
      limit ${LOOKUP_CANDIDATES}
    )
    select id, email, name from matches
    order by lower(email) = ${value} desc, lower(name) = ${value} desc, created_at desc, id desc
    limit ${limit}`.execute(db);
  return rows;
}
