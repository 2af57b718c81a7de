import { type Kysely, sql } from 'kysely';

// Frozen. Issue 11's money-movement gaps:
// - charges.receipt_token: the random part of a succeeded charge's hosted receipt URL (receipt_url), so the
//   receipt is reachable only by who was given the link, never by guessing ids. Unique per merchant (the
//   receipt page looks it up by merchant and token). Existing succeeded charges get one (gen_random_uuid is
//   built in and draws from the strong random source).
// - charges.disputed: set in the transaction that opens a dispute on the charge (Stripe's charge.disputed).
// - payouts.itemized: whether the payout settles a definite set of balance transactions (whole-balance and
//   automatic payouts) or not (a partial manual payout, which Stripe does not itemize either: decision 009).
// - An index for the Balances page's transaction list filtered by currency.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table charges add column receipt_token text, add column disputed boolean not null default false;
    update charges set receipt_token = replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '') where status = 'succeeded';
    update charges c set disputed = true from disputes d where d.merchant_id = c.merchant_id and d.charge_id = c.id;
    create unique index charges_receipt_token_idx on charges (merchant_id, receipt_token) where receipt_token is not null;

    alter table payouts add column itemized boolean not null default true;

    create index balance_transactions_currency_idx on balance_transactions (merchant_id, livemode, currency, created_at desc, id desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index if exists balance_transactions_currency_idx;
    alter table payouts drop column if exists itemized;
    drop index if exists charges_receipt_token_idx;
    alter table charges drop column if exists receipt_token, drop column if exists disputed;
  `.execute(db);
}
