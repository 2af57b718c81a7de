import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here; later changes go in a new migration.
// Two rows every payment of a merchant touched, which queued a merchant's concurrent payments (decision 022):
// - The merchants row. Each of the ~14 rows a confirmation writes (intent, card, attempt, charge, ledger row and
//   total, events, rollup deltas) had a foreign key to it, and each check takes FOR KEY SHARE on that one row:
//   with many payments in flight PostgreSQL keeps rewriting its lock word as a growing MultiXact. The tables
//   written on the payment path drop their foreign key to merchants. Their merchant_id still comes only from an
//   authenticated key or session, merchants are never deleted, and rows that hang off another tenant row keep
//   their composite foreign key to it (attempt and charge to the intent, delivery to the event and endpoint).
// - The running balance totals. 0027 spread each over 16 slots by backend pid; with a pool of 40 connections,
//   slots were shared by two or three connections and a captured charge waited for another's commit. 64 slots.
const PAYMENT_PATH_TABLES = [
  'payment_methods', 'payment_intents', 'payment_attempts', 'charges', 'refunds', 'events', 'webhook_deliveries',
  'balance_transactions', 'balance_totals',
  'analytics_payment_buckets', 'analytics_attempt_buckets', 'analytics_customer_buckets',
  'analytics_daily_payment_buckets', 'analytics_daily_attempt_buckets', 'analytics_daily_customer_buckets',
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    do $$
    declare r record;
    begin
      for r in
        select c.conrelid::regclass::text as tbl, c.conname
        from pg_constraint c
        where c.contype = 'f' and c.confrelid = 'merchants'::regclass
          and c.conrelid::regclass::text = any(${sql.lit(`{${PAYMENT_PATH_TABLES.join(',')}}`)}::text[])
      loop
        execute format('alter table %I drop constraint %I', r.tbl, r.conname);
      end loop;
    end $$;
    alter table balance_totals drop constraint if exists balance_totals_slot_check;
    alter table balance_totals add constraint balance_totals_slot_check check (slot between 0 and 63);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Slots 16..63 fold into slot (n % 16); the totals keep their sums.
  await sql`
    create temporary table balance_totals_folded on commit drop as
      select merchant_id, livemode, currency, status, (slot % 16)::smallint as slot, sum(amount)::bigint as amount
      from balance_totals group by merchant_id, livemode, currency, status, slot % 16;
    delete from balance_totals;
    insert into balance_totals (merchant_id, livemode, currency, status, slot, amount) select * from balance_totals_folded;
    alter table balance_totals drop constraint if exists balance_totals_slot_check;
    alter table balance_totals add constraint balance_totals_slot_check check (slot between 0 and 15);
  `.execute(db);
  for (const table of PAYMENT_PATH_TABLES) {
    await sql`alter table ${sql.table(table)} add foreign key (merchant_id) references merchants(id) on delete cascade`.execute(db);
  }
}
