import { type Kysely, sql } from 'kysely';

// "How often has this card been used / declined here?" (dashboard fraud hints) counts attempts by
// fingerprint; without this index that is a scan of the merchant's attempts.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index payment_attempts_fingerprint_idx on payment_attempts (merchant_id, livemode, card_fingerprint);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists payment_attempts_fingerprint_idx`.execute(db);
}
