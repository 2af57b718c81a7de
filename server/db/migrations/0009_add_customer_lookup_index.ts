import { type Kysely, sql } from 'kysely';

// The command palette finds customers by part of a name or an email (issue 8 item 11). The per-column
// trigram indexes of 0002 lead with neither merchant nor mode, and an OR of two LIKEs let the planner walk
// the merchant's whole customer list when it guessed matches were common. One trigram index over
// "email name", led by (merchant_id, livemode) through btree_gin, answers the lookup for one tenant.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create extension if not exists btree_gin;
    create index customers_lookup_trgm_idx on customers
      using gin (merchant_id, livemode, (lower(coalesce(email, '') || ' ' || coalesce(name, ''))) gin_trgm_ops)
      where deleted_at is null;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // btree_gin stays: other indexes may use it, and an unused extension costs nothing.
  await sql`drop index if exists customers_lookup_trgm_idx`.execute(db);
}
