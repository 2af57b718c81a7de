import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Scope } from '../shared/deps.js';
import { likeNeedle } from './dashboard.repository.js';

/** The palette reads at most this many matching customers before ranking them: a bounded heap read. */
export const LOOKUP_CANDIDATES = 500;

/**
 * Customers whose "email name" contains the needle, through customers_lookup_trgm_idx (0009). The matches
 * are collected first (capped, in a subquery the planner cannot merge with the ordering) so PostgreSQL
 * cannot trade the trigram index for a walk of the merchant's whole list in created order; then exact
 * email or name matches and the newest come first.
 */
export async function findCustomersByText(db: Executor, scope: Scope, needle: string, limit: number) {
  const value = needle.trim().toLowerCase();
  // A subquery with LIMIT, not a WITH: it fences the match collection just the same, and statements starting
  // with WITH would run as prepared writes (server/db/database.ts) with a generic plan.
  const { rows } = await sql<{ id: string; email: string | null; name: string | null }>`
    select id, email, name from (
      select id, email, name, created_at from customers
      where merchant_id = ${scope.merchantId} and livemode = ${scope.livemode} and deleted_at is null
        and lower(coalesce(email, '') || ' ' || coalesce(name, '')) like ${likeNeedle(value)}
      limit ${LOOKUP_CANDIDATES}
    ) matches
    order by lower(email) = ${value} desc, lower(name) = ${value} desc, created_at desc, id desc
    limit ${limit}`.execute(db);
  return rows;
}
