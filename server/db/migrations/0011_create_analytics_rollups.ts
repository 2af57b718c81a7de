import { type Kysely, sql } from 'kysely';

// Frozen. Home analytics rollups in 15-minute UTC buckets (every IANA offset in use is a multiple of 15 minutes,
// so any zone's day, week or month is a whole number of buckets). They are maintained by row triggers on the
// base tables, so every write path (the core's one-statement writes, jobs, seeds) updates them in the same
// transaction as the change: read-after-write holds and no path can forget them. The triggers only append
// delta rows (a plain insert: no primary key, no upsert), so concurrent writers never lock a shared bucket row
// and their order does not matter: a bucket's figures are the sum of its rows, which every read takes. The
// compaction job (compactRollups in server/core/analytics) folds a bucket's rows into one now and then.
//
// What is counted where:
// - analytics_payment_buckets by the payment intent's created_at: payments, payments with at least one
//   attempt, succeeded payments and gross volume (amount_received of succeeded intents); by the refund's
//   created_at: refunds that count against the payment (pending or succeeded) and their amount.
//   By the attempt's created_at: attempts, authorised (succeeded or authorized) and failed attempts.
// - analytics_attempt_buckets by the attempt's created_at, per outcome, decline code, card brand and 3-D
//   Secure outcome ('' when absent), in the intent's currency.
// - analytics_customer_buckets by the customer's created_at: new customers.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table analytics_payment_buckets (
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      currency text not null,
      bucket timestamptz not null,
      payments bigint not null default 0,
      attempted_payments bigint not null default 0,
      succeeded_payments bigint not null default 0,
      gross_amount bigint not null default 0,
      refunds bigint not null default 0,
      refunded_amount bigint not null default 0,
      attempts bigint not null default 0,
      succeeded_attempts bigint not null default 0,
      failed_attempts bigint not null default 0
    );
    create index analytics_payment_buckets_key on analytics_payment_buckets (merchant_id, livemode, currency, bucket);

    create table analytics_attempt_buckets (
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      currency text not null,
      bucket timestamptz not null,
      outcome text not null,
      decline_code text not null,
      card_brand text not null,
      three_d_secure text not null,
      attempts bigint not null default 0
    );
    create index analytics_attempt_buckets_key on analytics_attempt_buckets (merchant_id, livemode, currency, bucket);

    create table analytics_customer_buckets (
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      bucket timestamptz not null,
      new_customers bigint not null default 0
    );
    create index analytics_customer_buckets_key on analytics_customer_buckets (merchant_id, livemode, bucket);

    create function analytics_bucket(ts timestamptz) returns timestamptz
      language sql immutable parallel safe
      as $$ select date_bin('15 minutes', ts, timestamptz '2000-01-01 00:00:00+00') $$;

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

    -- A payment counts as attempted once its card snapshot is set, which the core does on every attempt.
    create function analytics_on_payment_intent() returns trigger language plpgsql as $$
    begin
      -- A bulk load (the benchmark seeder) defers the rollups and rebuilds them once at the end.
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
    create trigger analytics_payment_intents_insert after insert or delete on payment_intents
      for each row execute function analytics_on_payment_intent();
    create trigger analytics_payment_intents_update after update on payment_intents
      for each row when (old.status is distinct from new.status or old.amount_received is distinct from new.amount_received
        or old.currency is distinct from new.currency or (old.card_brand is null) <> (new.card_brand is null)
        or old.created_at is distinct from new.created_at)
      execute function analytics_on_payment_intent();

    create function analytics_on_refund() returns trigger language plpgsql as $$
    begin
      -- A bulk load (the benchmark seeder) defers the rollups and rebuilds them once at the end.
      if current_setting('paymentflow.defer_rollups', true) = 'on' then return null; end if;
      if tg_op in ('UPDATE', 'DELETE') and old.status in ('pending', 'succeeded') then
        perform analytics_add_payment(old.merchant_id, old.livemode, old.currency, old.created_at, 0, 0, 0, 0, -1, -old.amount);
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.status in ('pending', 'succeeded') then
        perform analytics_add_payment(new.merchant_id, new.livemode, new.currency, new.created_at, 0, 0, 0, 0, 1, new.amount);
      end if;
      return null;
    end $$;
    create trigger analytics_refunds_insert after insert or delete on refunds
      for each row execute function analytics_on_refund();
    create trigger analytics_refunds_update after update on refunds
      for each row when ((old.status in ('pending', 'succeeded')) <> (new.status in ('pending', 'succeeded'))
        or old.amount is distinct from new.amount or old.created_at is distinct from new.created_at)
      execute function analytics_on_refund();

    create function analytics_on_attempt() returns trigger language plpgsql as $$
    declare cur text;
    begin
      -- A bulk load (the benchmark seeder) defers the rollups and rebuilds them once at the end.
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
    create trigger analytics_payment_attempts_change after insert or update or delete on payment_attempts
      for each row execute function analytics_on_attempt();

    create function analytics_on_customer() returns trigger language plpgsql as $$
    begin
      -- A bulk load (the benchmark seeder) defers the rollups and rebuilds them once at the end.
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
    create trigger analytics_customers_change after insert or delete on customers
      for each row execute function analytics_on_customer();
    create trigger analytics_customers_update after update on customers
      for each row when (old.created_at is distinct from new.created_at) execute function analytics_on_customer();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger if exists analytics_customers_update on customers;
    drop trigger if exists analytics_customers_change on customers;
    drop trigger if exists analytics_payment_attempts_change on payment_attempts;
    drop trigger if exists analytics_refunds_update on refunds;
    drop trigger if exists analytics_refunds_insert on refunds;
    drop trigger if exists analytics_payment_intents_update on payment_intents;
    drop trigger if exists analytics_payment_intents_insert on payment_intents;
    drop function if exists analytics_on_customer, analytics_on_attempt, analytics_on_refund, analytics_on_payment_intent,
      analytics_add_payment, analytics_bucket;
    drop table if exists analytics_customer_buckets, analytics_attempt_buckets, analytics_payment_buckets;
  `.execute(db);
}
