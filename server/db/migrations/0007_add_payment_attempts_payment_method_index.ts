import { type Kysely, sql } from 'kysely';

// A payment method without a customer is single-use: every confirmation that names an existing one asks
// whether an attempt already used it; without this index that is a scan of the merchant's attempts.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index payment_attempts_payment_method_idx on payment_attempts (merchant_id, livemode, payment_method_id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists payment_attempts_payment_method_idx`.execute(db);
}
