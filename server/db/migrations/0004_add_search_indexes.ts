import { type Kysely, sql } from 'kysely';

// Issue 8 item 12: every field of the search language answered by an index (server/core/shared/search.repository.ts).
// - an amount range applies to one currency (issue 8 item 7): (currency, amount) serves the range and the
//   list sorted by amount within that currency;
// - customers' `phone:"..."` and refunds' `currency:"..."` had no index.
// The bulk seeder rebuilds payment_intents' secondary indexes from the catalogue, so these are covered.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index payment_intents_currency_amount_idx on payment_intents (merchant_id, livemode, currency, amount desc, id desc);
    create index customers_phone_idx on customers (merchant_id, livemode, phone) where deleted_at is null;
    create index refunds_currency_idx on refunds (merchant_id, livemode, currency, created_at desc, id desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index if exists refunds_currency_idx;
    drop index if exists customers_phone_idx;
    drop index if exists payment_intents_currency_amount_idx;
  `.execute(db);
}
