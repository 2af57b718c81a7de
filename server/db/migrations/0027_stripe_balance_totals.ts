import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here; later changes go in a new migration.
// The running balance totals were one row per (merchant, mode, currency, status): every captured charge of a
// merchant updated the same row and held its lock until commit, so a merchant's confirmations committed one at a
// time. Each total is now spread over up to 16 rows (`slot`, chosen per database connection by the writer), read
// as their sum; a payout locks every slot of its currency (server/core/payouts/payouts.repository.ts).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table balance_totals add column slot smallint not null default 0 check (slot between 0 and 15);
    alter table balance_totals drop constraint balance_totals_pkey;
    alter table balance_totals add constraint balance_totals_pkey primary key (merchant_id, livemode, currency, status, slot);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create temporary table balance_totals_summed on commit drop as
      select merchant_id, livemode, currency, status, sum(amount)::bigint as amount from balance_totals
      group by merchant_id, livemode, currency, status;
    delete from balance_totals;
    alter table balance_totals drop constraint balance_totals_pkey;
    alter table balance_totals drop column slot;
    alter table balance_totals add constraint balance_totals_pkey primary key (merchant_id, livemode, currency, status);
    insert into balance_totals (merchant_id, livemode, currency, status, amount) select * from balance_totals_summed;
  `.execute(db);
}
