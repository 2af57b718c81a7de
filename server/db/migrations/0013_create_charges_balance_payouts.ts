import { type Kysely, sql } from 'kysely';

// Frozen. Charges (one per confirmation attempt that reached the card network), the balance ledger
// (balance_transactions: one row per money movement; balance_totals: its running sums per currency and
// status, kept in the same statement as each ledger write so /v1/balance never sums the history),
// per-merchant fee and payout settings, and payouts.
// Keys lead with merchant_id so the schema distributes by merchant; a balance transaction belongs to at
// most one payout by construction (a single payout_id column, set once: see the trigger).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table charges (
      id text not null,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      payment_intent_id text not null references payment_intents(id) on delete cascade,
      customer_id text,
      payment_method_id text,
      amount bigint not null check (amount > 0),
      amount_captured bigint not null default 0 check (amount_captured >= 0),
      amount_refunded bigint not null default 0 check (amount_refunded >= 0),
      currency text not null,
      status text not null check (status in ('succeeded','pending','failed')),
      captured boolean not null default false,
      failure_code text,
      failure_message text,
      decline_code text,
      card_brand text,
      card_last4 text,
      card_exp_month integer,
      card_exp_year integer,
      card_fingerprint text,
      card_funding text,
      card_country text,
      three_d_secure text,
      balance_transaction_id text,
      description text,
      receipt_email text,
      statement_descriptor text,
      metadata jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (merchant_id, id),
      check (amount_refunded <= amount_captured and amount_captured <= amount)
    );
    create index charges_list_idx on charges (merchant_id, livemode, created_at desc, id desc);
    create index charges_intent_idx on charges (merchant_id, livemode, payment_intent_id, created_at desc);
    create index charges_customer_idx on charges (merchant_id, livemode, customer_id, created_at desc, id desc);
    create index charges_status_idx on charges (merchant_id, livemode, status, created_at desc, id desc);
    create index charges_metadata_idx on charges using gin (metadata jsonb_path_ops);

    alter table payment_intents add column latest_charge_id text;
    alter table refunds add column charge_id text, add column balance_transaction_id text, add column failure_balance_transaction_id text;

    create table balance_settings (
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      fee_percent_bps integer not null default 290 check (fee_percent_bps between 0 and 10000),
      fee_fixed bigint not null default 30 check (fee_fixed >= 0),
      payout_interval text not null default 'daily' check (payout_interval in ('manual','daily','weekly','monthly')),
      payout_weekly_anchor text not null default 'monday'
        check (payout_weekly_anchor in ('monday','tuesday','wednesday','thursday','friday','saturday','sunday')),
      payout_monthly_anchor integer not null default 1 check (payout_monthly_anchor between 1 and 31),
      payout_delay_days integer not null default 2 check (payout_delay_days between 0 and 30),
      updated_at timestamptz not null default now(),
      primary key (merchant_id, livemode)
    );

    create table payouts (
      id text not null,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      amount bigint not null check (amount > 0),
      currency text not null,
      status text not null check (status in ('pending','in_transit','paid','failed','canceled')),
      automatic boolean not null,
      arrival_date timestamptz not null,
      description text,
      statement_descriptor text,
      metadata jsonb not null default '{}',
      failure_code text,
      failure_message text,
      balance_transaction_id text not null,
      failure_balance_transaction_id text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (merchant_id, id)
    );
    create index payouts_list_idx on payouts (merchant_id, livemode, created_at desc, id desc);
    create index payouts_open_idx on payouts (status, arrival_date) where status in ('pending','in_transit');

    create table balance_transactions (
      id text not null,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      type text not null,
      reporting_category text not null,
      amount bigint not null,
      fee bigint not null default 0,
      net bigint not null,
      currency text not null,
      fee_details jsonb not null default '[]',
      source_id text,
      description text,
      status text not null check (status in ('pending','available')),
      available_on timestamptz not null,
      -- The payout that settles this transaction (for a payout's own transaction: that payout).
      payout_id text,
      created_at timestamptz not null default now(),
      primary key (merchant_id, id),
      foreign key (merchant_id, payout_id) references payouts (merchant_id, id),
      check (net = amount - fee)
    );
    create index balance_transactions_list_idx on balance_transactions (merchant_id, livemode, created_at desc, id desc);
    create index balance_transactions_type_idx on balance_transactions (merchant_id, livemode, type, created_at desc, id desc);
    create index balance_transactions_source_idx on balance_transactions (merchant_id, livemode, source_id);
    create index balance_transactions_payout_idx on balance_transactions (merchant_id, livemode, payout_id, created_at desc, id desc) where payout_id is not null;
    create index balance_transactions_pending_idx on balance_transactions (available_on) where status = 'pending';
    create index balance_transactions_unsettled_idx on balance_transactions (merchant_id, livemode, currency, created_at)
      where status = 'available' and payout_id is null;

    -- Once settled by a payout, a transaction stays with that payout: no transaction is counted in two.
    create function balance_transactions_keep_payout() returns trigger language plpgsql as $$
    begin
      if old.payout_id is not null and new.payout_id is distinct from old.payout_id then
        raise exception 'balance transaction % is already settled by payout %', old.id, old.payout_id using errcode = '23514';
      end if;
      if old.amount <> new.amount or old.fee <> new.fee or old.currency <> new.currency then
        raise exception 'balance transaction % is immutable', old.id using errcode = '23514';
      end if;
      return new;
    end $$;
    create trigger balance_transactions_keep_payout before update on balance_transactions
      for each row execute function balance_transactions_keep_payout();

    create table balance_totals (
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      currency text not null,
      status text not null check (status in ('pending','available')),
      amount bigint not null default 0,
      primary key (merchant_id, livemode, currency, status)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists balance_totals, balance_transactions, payouts, balance_settings, charges cascade;
    drop function if exists balance_transactions_keep_payout();
    alter table refunds drop column if exists charge_id, drop column if exists balance_transaction_id, drop column if exists failure_balance_transaction_id;
    alter table payment_intents drop column if exists latest_charge_id;
  `.execute(db);
}
