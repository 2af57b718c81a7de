import { type Kysely, sql } from 'kysely';

// Frozen. Issue 13: a daily rollup layer for speed, and the money figures (fees, disputes).
//
// Money figures on analytics_payment_buckets (15-minute UTC buckets, as in 0011):
// - fee_amount: the fees of the balance transactions (the charge's processing fee, the dispute fee and its
//   return, any refund fee; payouts are not sales activity and are left out), by the transaction's created_at;
// - disputed_amount: what chargebacks withdrew, less what won disputes reinstated (the 'dispute' and
//   'dispute_reversal' balance transactions' amounts, sign flipped), by the transaction's created_at;
// - disputes: disputes opened (inquiries included), by the dispute's created_at.
//
// The daily layer (analytics_daily_*) holds the same figures per local calendar day in the merchant's time zone
// (merchants.timezone, Settings): a 12-month daily chart reads 365 rows instead of 35,040 quarter hours. It is
// written by the same triggers, in the same statement as the 15-minute rows, so both always agree. Each row
// carries the zone it was cut in; a read uses it only for that zone (any other zone reads the 15-minute buckets).
// When the merchant's zone changes, the trigger on merchants recuts the merchant's days from the 15-minute
// buckets in the same transaction. The race with concurrent writers (one that read the old zone and commits
// after the recut) is closed by a per-merchant advisory lock: every rollup write holds it shared for its
// transaction, the recut takes it exclusive before cutting, so it waits for in-flight writers and later
// writers see the new zone.
const FIGURES = [
  'payments', 'attempted_payments', 'succeeded_payments', 'gross_amount', 'refunds', 'refunded_amount',
  'attempts', 'succeeded_attempts', 'failed_attempts', 'fee_amount', 'disputes', 'disputed_amount',
];
const figureColumns = FIGURES.map((f) => `${f} bigint not null default 0`).join(',\n      ');
const figureList = FIGURES.join(', ');
const figureArgs = FIGURES.map((f) => `d_${f} bigint`).join(', ');
const figureArgList = FIGURES.map((f) => `d_${f}`).join(', ');
const figureSums = FIGURES.map((f) => `sum(${f})`).join(', ');

// The namespace of the advisory lock (its first key): 1311, for issue 13's rollups.
const LOCK = 1311;

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `
    alter table analytics_payment_buckets
      add column fee_amount bigint not null default 0,
      add column disputes bigint not null default 0,
      add column disputed_amount bigint not null default 0;

    create table analytics_daily_payment_buckets (
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      time_zone text not null,
      currency text not null,
      day date not null,
      ${figureColumns}
    );
    create index analytics_daily_payment_buckets_key on analytics_daily_payment_buckets (merchant_id, livemode, time_zone, currency, day);

    create table analytics_daily_attempt_buckets (
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      time_zone text not null,
      currency text not null,
      day date not null,
      outcome text not null,
      decline_code text not null,
      card_brand text not null,
      three_d_secure text not null,
      attempts bigint not null default 0
    );
    create index analytics_daily_attempt_buckets_key on analytics_daily_attempt_buckets (merchant_id, livemode, time_zone, currency, day);

    create table analytics_daily_customer_buckets (
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      time_zone text not null,
      day date not null,
      new_customers bigint not null default 0
    );
    create index analytics_daily_customer_buckets_key on analytics_daily_customer_buckets (merchant_id, livemode, time_zone, day);

    -- Every rollup write holds the merchant's lock shared until its transaction ends (see above).
    create function analytics_hold(m text) returns void language sql as $$
      select pg_advisory_xact_lock_shared(${LOCK}, hashtext(m))
    $$;

    create function analytics_add(m text, lm boolean, cur text, b timestamptz, ${figureArgs})
      returns void language plpgsql as $$
    begin
      perform analytics_hold(m);
      insert into analytics_payment_buckets (merchant_id, livemode, currency, bucket, ${figureList})
      values (m, lm, cur, analytics_bucket(b), ${figureArgList});
      insert into analytics_daily_payment_buckets (merchant_id, livemode, time_zone, currency, day, ${figureList})
      select m, lm, z.timezone, cur, (b at time zone z.timezone)::date, ${figureArgList} from merchants z where z.id = m;
    end $$;

    create function analytics_add_attempt(m text, lm boolean, cur text, b timestamptz, o text, dc text, cb text, tds text, d bigint)
      returns void language plpgsql as $$
    begin
      perform analytics_hold(m);
      insert into analytics_attempt_buckets (merchant_id, livemode, currency, bucket, outcome, decline_code, card_brand, three_d_secure, attempts)
      values (m, lm, cur, analytics_bucket(b), o, coalesce(dc, ''), coalesce(cb, ''), coalesce(tds, ''), d);
      insert into analytics_daily_attempt_buckets (merchant_id, livemode, time_zone, currency, day, outcome, decline_code, card_brand, three_d_secure, attempts)
      select m, lm, z.timezone, cur, (b at time zone z.timezone)::date, o, coalesce(dc, ''), coalesce(cb, ''), coalesce(tds, ''), d
      from merchants z where z.id = m;
    end $$;

    create function analytics_add_customer(m text, lm boolean, b timestamptz, d bigint)
      returns void language plpgsql as $$
    begin
      perform analytics_hold(m);
      insert into analytics_customer_buckets (merchant_id, livemode, bucket, new_customers) values (m, lm, analytics_bucket(b), d);
      insert into analytics_daily_customer_buckets (merchant_id, livemode, time_zone, day, new_customers)
      select m, lm, z.timezone, (b at time zone z.timezone)::date, d from merchants z where z.id = m;
    end $$;

    -- An update that keeps the payment in its bucket writes one delta row (new minus old), not two.
    create or replace function analytics_on_payment_intent() returns trigger language plpgsql as $$
    declare d_attempted int; d_succeeded int; d_gross bigint;
    begin
      -- A bulk load (the benchmark seeder) defers the rollups and rebuilds them once at the end.
      if current_setting('paymentflow.defer_rollups', true) = 'on' then return null; end if;
      if tg_op = 'UPDATE' and old.merchant_id = new.merchant_id and old.livemode = new.livemode
          and old.currency = new.currency and old.created_at = new.created_at then
        d_attempted := (new.card_brand is not null)::int - (old.card_brand is not null)::int;
        d_succeeded := (new.status = 'succeeded')::int - (old.status = 'succeeded')::int;
        d_gross := (case when new.status = 'succeeded' then new.amount_received else 0 end)
          - (case when old.status = 'succeeded' then old.amount_received else 0 end);
        if d_attempted <> 0 or d_succeeded <> 0 or d_gross <> 0 then
          perform analytics_add(new.merchant_id, new.livemode, new.currency, new.created_at,
            0, d_attempted, d_succeeded, d_gross, 0, 0, 0, 0, 0, 0, 0, 0);
        end if;
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then
        perform analytics_add(old.merchant_id, old.livemode, old.currency, old.created_at,
          -1, -(old.card_brand is not null)::int, -(old.status = 'succeeded')::int,
          -(case when old.status = 'succeeded' then old.amount_received else 0 end), 0, 0, 0, 0, 0, 0, 0, 0);
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        perform analytics_add(new.merchant_id, new.livemode, new.currency, new.created_at,
          1, (new.card_brand is not null)::int, (new.status = 'succeeded')::int,
          (case when new.status = 'succeeded' then new.amount_received else 0 end), 0, 0, 0, 0, 0, 0, 0, 0);
      end if;
      return null;
    end $$;

    create or replace function analytics_on_refund() returns trigger language plpgsql as $$
    begin
      if current_setting('paymentflow.defer_rollups', true) = 'on' then return null; end if;
      if tg_op in ('UPDATE', 'DELETE') and old.status in ('pending', 'succeeded') then
        perform analytics_add(old.merchant_id, old.livemode, old.currency, old.created_at, 0, 0, 0, 0, -1, -old.amount, 0, 0, 0, 0, 0, 0);
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.status in ('pending', 'succeeded') then
        perform analytics_add(new.merchant_id, new.livemode, new.currency, new.created_at, 0, 0, 0, 0, 1, new.amount, 0, 0, 0, 0, 0, 0);
      end if;
      return null;
    end $$;

    create or replace function analytics_on_attempt() returns trigger language plpgsql as $$
    declare cur text;
    begin
      if current_setting('paymentflow.defer_rollups', true) = 'on' then return null; end if;
      if tg_op in ('UPDATE', 'DELETE') then
        select currency into cur from payment_intents where id = old.payment_intent_id;
        if cur is not null then
          perform analytics_add_attempt(old.merchant_id, old.livemode, cur, old.created_at, old.outcome, old.decline_code, old.card_brand, old.three_d_secure, -1);
          perform analytics_add(old.merchant_id, old.livemode, cur, old.created_at, 0, 0, 0, 0, 0, 0,
            -1, -(old.outcome in ('succeeded', 'authorized'))::int, -(old.outcome = 'failed')::int, 0, 0, 0);
        end if;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        select currency into cur from payment_intents where id = new.payment_intent_id;
        perform analytics_add_attempt(new.merchant_id, new.livemode, cur, new.created_at, new.outcome, new.decline_code, new.card_brand, new.three_d_secure, 1);
        perform analytics_add(new.merchant_id, new.livemode, cur, new.created_at, 0, 0, 0, 0, 0, 0,
          1, (new.outcome in ('succeeded', 'authorized'))::int, (new.outcome = 'failed')::int, 0, 0, 0);
      end if;
      return null;
    end $$;
    -- Updates that change nothing the rollups count no longer write rows.
    drop trigger analytics_payment_attempts_change on payment_attempts;
    create trigger analytics_payment_attempts_change after insert or delete on payment_attempts
      for each row execute function analytics_on_attempt();
    create trigger analytics_payment_attempts_update after update on payment_attempts
      for each row when (old.outcome is distinct from new.outcome or old.decline_code is distinct from new.decline_code
        or old.card_brand is distinct from new.card_brand or old.three_d_secure is distinct from new.three_d_secure
        or old.created_at is distinct from new.created_at or old.payment_intent_id is distinct from new.payment_intent_id)
      execute function analytics_on_attempt();

    create or replace function analytics_on_customer() returns trigger language plpgsql as $$
    begin
      if current_setting('paymentflow.defer_rollups', true) = 'on' then return null; end if;
      if tg_op in ('UPDATE', 'DELETE') then perform analytics_add_customer(old.merchant_id, old.livemode, old.created_at, -1); end if;
      if tg_op in ('INSERT', 'UPDATE') then perform analytics_add_customer(new.merchant_id, new.livemode, new.created_at, 1); end if;
      return null;
    end $$;

    drop function analytics_add_payment;

    -- Fees and dispute money, from the ledger (balance transactions are immutable but for their status and payout).
    create function analytics_on_balance_transaction() returns trigger language plpgsql as $$
    begin
      if current_setting('paymentflow.defer_rollups', true) = 'on' then return null; end if;
      if tg_op in ('UPDATE', 'DELETE') and old.reporting_category not in ('payout', 'payout_reversal')
          and (old.fee <> 0 or old.reporting_category in ('dispute', 'dispute_reversal')) then
        perform analytics_add(old.merchant_id, old.livemode, old.currency, old.created_at, 0, 0, 0, 0, 0, 0, 0, 0, 0,
          -old.fee, 0, case when old.reporting_category in ('dispute', 'dispute_reversal') then old.amount else 0 end);
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.reporting_category not in ('payout', 'payout_reversal')
          and (new.fee <> 0 or new.reporting_category in ('dispute', 'dispute_reversal')) then
        perform analytics_add(new.merchant_id, new.livemode, new.currency, new.created_at, 0, 0, 0, 0, 0, 0, 0, 0, 0,
          new.fee, 0, case when new.reporting_category in ('dispute', 'dispute_reversal') then -new.amount else 0 end);
      end if;
      return null;
    end $$;
    create trigger analytics_balance_transactions_change after insert or delete on balance_transactions
      for each row execute function analytics_on_balance_transaction();
    create trigger analytics_balance_transactions_update after update on balance_transactions
      for each row when (old.created_at is distinct from new.created_at or old.reporting_category is distinct from new.reporting_category)
      execute function analytics_on_balance_transaction();

    create function analytics_on_dispute() returns trigger language plpgsql as $$
    begin
      if current_setting('paymentflow.defer_rollups', true) = 'on' then return null; end if;
      if tg_op in ('UPDATE', 'DELETE') then
        perform analytics_add(old.merchant_id, old.livemode, old.currency, old.created_at, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0);
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        perform analytics_add(new.merchant_id, new.livemode, new.currency, new.created_at, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0);
      end if;
      return null;
    end $$;
    create trigger analytics_disputes_change after insert or delete on disputes
      for each row execute function analytics_on_dispute();
    create trigger analytics_disputes_update after update on disputes
      for each row when (old.created_at is distinct from new.created_at or old.currency is distinct from new.currency)
      execute function analytics_on_dispute();

    -- The merchant's days, recut in a zone from the 15-minute buckets (exact: every offset in use is a
    -- multiple of 15 minutes, so each quarter hour lies within one local day).
    create function analytics_recut_days(m text, zone text) returns void language plpgsql as $$
    begin
      perform pg_advisory_xact_lock(${LOCK}, hashtext(m));
      delete from analytics_daily_payment_buckets where merchant_id = m;
      delete from analytics_daily_attempt_buckets where merchant_id = m;
      delete from analytics_daily_customer_buckets where merchant_id = m;
      insert into analytics_daily_payment_buckets (merchant_id, livemode, time_zone, currency, day, ${figureList})
      select merchant_id, livemode, zone, currency, (bucket at time zone zone)::date, ${figureSums}
      from analytics_payment_buckets where merchant_id = m group by 1, 2, 3, 4, 5;
      insert into analytics_daily_attempt_buckets (merchant_id, livemode, time_zone, currency, day, outcome, decline_code, card_brand, three_d_secure, attempts)
      select merchant_id, livemode, zone, currency, (bucket at time zone zone)::date, outcome, decline_code, card_brand, three_d_secure, sum(attempts)
      from analytics_attempt_buckets where merchant_id = m group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
      insert into analytics_daily_customer_buckets (merchant_id, livemode, time_zone, day, new_customers)
      select merchant_id, livemode, zone, (bucket at time zone zone)::date, sum(new_customers)
      from analytics_customer_buckets where merchant_id = m group by 1, 2, 3, 4;
    end $$;

    create function analytics_on_merchant_zone() returns trigger language plpgsql as $$
    begin
      perform analytics_recut_days(new.id, new.timezone);
      return null;
    end $$;
    create trigger analytics_merchants_zone after update of timezone on merchants
      for each row when (old.timezone is distinct from new.timezone) execute function analytics_on_merchant_zone();

    -- Existing history: fees and disputes into the 15-minute buckets, then every merchant's days.
    insert into analytics_payment_buckets (merchant_id, livemode, currency, bucket, fee_amount, disputed_amount)
    select merchant_id, livemode, currency, analytics_bucket(created_at), sum(fee),
      sum(case when reporting_category in ('dispute', 'dispute_reversal') then -amount else 0 end)
    from balance_transactions where reporting_category not in ('payout', 'payout_reversal')
    group by 1, 2, 3, 4;
    insert into analytics_payment_buckets (merchant_id, livemode, currency, bucket, disputes)
    select merchant_id, livemode, currency, analytics_bucket(created_at), count(*) from disputes group by 1, 2, 3, 4;
    select analytics_recut_days(id, timezone) from merchants;
  `,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `
    drop trigger if exists analytics_merchants_zone on merchants;
    drop trigger if exists analytics_disputes_update on disputes;
    drop trigger if exists analytics_disputes_change on disputes;
    drop trigger if exists analytics_balance_transactions_update on balance_transactions;
    drop trigger if exists analytics_balance_transactions_change on balance_transactions;
    drop trigger if exists analytics_payment_attempts_update on payment_attempts;
    drop function if exists analytics_on_merchant_zone, analytics_recut_days, analytics_on_dispute, analytics_on_balance_transaction;
    create function analytics_add_payment(m text, lm boolean, cur text, b timestamptz,
        d_payments bigint, d_attempted bigint, d_succeeded bigint, d_gross bigint, d_refunds bigint, d_refunded bigint,
        d_attempts bigint default 0, d_succeeded_attempts bigint default 0, d_failed_attempts bigint default 0)
      returns void language sql as $$
      insert into analytics_payment_buckets
        (merchant_id, livemode, currency, bucket, payments, attempted_payments, succeeded_payments, gross_amount, refunds, refunded_amount,
         attempts, succeeded_attempts, failed_attempts)
      values (m, lm, cur, analytics_bucket(b), d_payments, d_attempted, d_succeeded, d_gross, d_refunds, d_refunded,
        d_attempts, d_succeeded_attempts, d_failed_attempts)
    $$;
    create or replace function analytics_on_payment_intent() returns trigger language plpgsql as $$
    begin
      if current_setting('paymentflow.defer_rollups', true) = 'on' then return null; end if;
      if tg_op in ('UPDATE', 'DELETE') then
        perform analytics_add_payment(old.merchant_id, old.livemode, old.currency, old.created_at,
          -1, -(old.card_brand is not null)::int, -(old.status = 'succeeded')::int,
          -(case when old.status = 'succeeded' then old.amount_received else 0 end), 0, 0);
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        perform analytics_add_payment(new.merchant_id, new.livemode, new.currency, new.created_at,
          1, (new.card_brand is not null)::int, (new.status = 'succeeded')::int,
          (case when new.status = 'succeeded' then new.amount_received else 0 end), 0, 0);
      end if;
      return null;
    end $$;
    create or replace function analytics_on_refund() returns trigger language plpgsql as $$
    begin
      if current_setting('paymentflow.defer_rollups', true) = 'on' then return null; end if;
      if tg_op in ('UPDATE', 'DELETE') and old.status in ('pending', 'succeeded') then
        perform analytics_add_payment(old.merchant_id, old.livemode, old.currency, old.created_at, 0, 0, 0, 0, -1, -old.amount);
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.status in ('pending', 'succeeded') then
        perform analytics_add_payment(new.merchant_id, new.livemode, new.currency, new.created_at, 0, 0, 0, 0, 1, new.amount);
      end if;
      return null;
    end $$;
    create or replace function analytics_on_attempt() returns trigger language plpgsql as $$
    declare cur text;
    begin
      if current_setting('paymentflow.defer_rollups', true) = 'on' then return null; end if;
      if tg_op in ('UPDATE', 'DELETE') then
        select currency into cur from payment_intents where id = old.payment_intent_id;
        if cur is not null then
          insert into analytics_attempt_buckets
            (merchant_id, livemode, currency, bucket, outcome, decline_code, card_brand, three_d_secure, attempts)
          values (old.merchant_id, old.livemode, cur, analytics_bucket(old.created_at), old.outcome,
            coalesce(old.decline_code, ''), coalesce(old.card_brand, ''), coalesce(old.three_d_secure, ''), -1);
          perform analytics_add_payment(old.merchant_id, old.livemode, cur, old.created_at, 0, 0, 0, 0, 0, 0,
            -1, -(old.outcome in ('succeeded', 'authorized'))::int, -(old.outcome = 'failed')::int);
        end if;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        select currency into cur from payment_intents where id = new.payment_intent_id;
        insert into analytics_attempt_buckets
          (merchant_id, livemode, currency, bucket, outcome, decline_code, card_brand, three_d_secure, attempts)
        values (new.merchant_id, new.livemode, cur, analytics_bucket(new.created_at), new.outcome,
          coalesce(new.decline_code, ''), coalesce(new.card_brand, ''), coalesce(new.three_d_secure, ''), 1);
        perform analytics_add_payment(new.merchant_id, new.livemode, cur, new.created_at, 0, 0, 0, 0, 0, 0,
          1, (new.outcome in ('succeeded', 'authorized'))::int, (new.outcome = 'failed')::int);
      end if;
      return null;
    end $$;
    drop trigger if exists analytics_payment_attempts_change on payment_attempts;
    create trigger analytics_payment_attempts_change after insert or update or delete on payment_attempts
      for each row execute function analytics_on_attempt();
    create or replace function analytics_on_customer() returns trigger language plpgsql as $$
    begin
      if current_setting('paymentflow.defer_rollups', true) = 'on' then return null; end if;
      if tg_op in ('UPDATE', 'DELETE') then
        insert into analytics_customer_buckets (merchant_id, livemode, bucket, new_customers)
        values (old.merchant_id, old.livemode, analytics_bucket(old.created_at), -1);
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        insert into analytics_customer_buckets (merchant_id, livemode, bucket, new_customers)
        values (new.merchant_id, new.livemode, analytics_bucket(new.created_at), 1);
      end if;
      return null;
    end $$;
    drop function if exists analytics_add, analytics_add_attempt, analytics_add_customer, analytics_hold;
    drop table if exists analytics_daily_customer_buckets, analytics_daily_attempt_buckets, analytics_daily_payment_buckets;
    alter table analytics_payment_buckets drop column if exists fee_amount, drop column if exists disputes, drop column if exists disputed_amount;
  `,
    )
    .execute(db);
}
