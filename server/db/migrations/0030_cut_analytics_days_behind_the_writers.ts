import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here; later changes go in a new migration.
// Issue 13: the daily layer no longer costs the payment path a second set of rows (decision 023).
//
// Until now every rollup delta was written twice: a 15-minute row and a day row (0025). Now the merchant's
// days are cut up to an instant, `analytics_day_cuts.cut_until` (a local midnight in the zone the days were
// cut in): day rows exist only for days before it. A write whose instant is before the cut (a late change to an
// old payment: a capture, a refund's failure, a backdated import) still adds its day row in the same statement;
// a write at or after the cut (every new payment) adds only its 15-minute row. A read of whole local days takes
// the days before the cut from the daily layer and the rest of the range from the 15-minute buckets, in the
// same statement, so read-after-write holds and no figure is counted twice.
//
// The cut moves forward once a local day has passed (`analytics_advance_days`, run by the compact-analytics
// job): it folds the 15-minute rows of the days passed into day rows and moves the cut, holding the merchant's
// rollup lock exclusive (as the zone recut of 0025 does), so it waits for in-flight writers that read the old
// cut and later writers see the new one. A merchant without a cut row (new) reads every day from the 15-minute
// buckets until the job first cuts its days.
const FIGURES = [
  'payments', 'attempted_payments', 'succeeded_payments', 'gross_amount', 'refunds', 'refunded_amount',
  'attempts', 'succeeded_attempts', 'failed_attempts', 'fee_amount', 'disputes', 'disputed_amount',
];
const figureList = FIGURES.join(', ');
const figureArgs = FIGURES.map((f) => `d_${f} bigint`).join(', ');
const figureArgList = FIGURES.map((f) => `d_${f}`).join(', ');
const figureSums = FIGURES.map((f) => `sum(${f})`).join(', ');
const LOCK = 1311;

/** Inserts the day rows of merchant `m` cut in zone `z` from its 15-minute rows with `bucket >= lo and bucket < hi`. */
const cutDays = (lo: string, hi: string) => `
      insert into analytics_daily_payment_buckets (merchant_id, livemode, time_zone, currency, day, ${figureList})
      select merchant_id, livemode, z, currency, (bucket at time zone z)::date, ${figureSums}
      from analytics_payment_buckets where merchant_id = m and bucket >= ${lo} and bucket < ${hi} group by 1, 2, 3, 4, 5;
      insert into analytics_daily_attempt_buckets (merchant_id, livemode, time_zone, currency, day, outcome, decline_code, card_brand, three_d_secure, attempts)
      select merchant_id, livemode, z, currency, (bucket at time zone z)::date, outcome, decline_code, card_brand, three_d_secure, sum(attempts)
      from analytics_attempt_buckets where merchant_id = m and bucket >= ${lo} and bucket < ${hi} group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
      insert into analytics_daily_customer_buckets (merchant_id, livemode, time_zone, day, new_customers)
      select merchant_id, livemode, z, (bucket at time zone z)::date, sum(new_customers)
      from analytics_customer_buckets where merchant_id = m and bucket >= ${lo} and bucket < ${hi} group by 1, 2, 3, 4;`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `
    create table analytics_day_cuts (
      merchant_id text primary key references merchants(id) on delete cascade,
      time_zone text not null,
      cut_until timestamptz not null
    );

    create or replace function analytics_add(m text, lm boolean, cur text, b timestamptz, ${figureArgs})
      returns void language plpgsql as $$
    begin
      perform analytics_hold(m);
      insert into analytics_payment_buckets (merchant_id, livemode, currency, bucket, ${figureList})
      values (m, lm, cur, analytics_bucket(b), ${figureArgList});
      insert into analytics_daily_payment_buckets (merchant_id, livemode, time_zone, currency, day, ${figureList})
      select m, lm, c.time_zone, cur, (b at time zone c.time_zone)::date, ${figureArgList}
      from analytics_day_cuts c where c.merchant_id = m and b < c.cut_until;
    end $$;

    create or replace function analytics_add_attempt(m text, lm boolean, cur text, b timestamptz, o text, dc text, cb text, tds text, d bigint)
      returns void language plpgsql as $$
    begin
      perform analytics_hold(m);
      insert into analytics_attempt_buckets (merchant_id, livemode, currency, bucket, outcome, decline_code, card_brand, three_d_secure, attempts)
      values (m, lm, cur, analytics_bucket(b), o, coalesce(dc, ''), coalesce(cb, ''), coalesce(tds, ''), d);
      insert into analytics_daily_attempt_buckets (merchant_id, livemode, time_zone, currency, day, outcome, decline_code, card_brand, three_d_secure, attempts)
      select m, lm, c.time_zone, cur, (b at time zone c.time_zone)::date, o, coalesce(dc, ''), coalesce(cb, ''), coalesce(tds, ''), d
      from analytics_day_cuts c where c.merchant_id = m and b < c.cut_until;
    end $$;

    create or replace function analytics_add_customer(m text, lm boolean, b timestamptz, d bigint)
      returns void language plpgsql as $$
    begin
      perform analytics_hold(m);
      insert into analytics_customer_buckets (merchant_id, livemode, bucket, new_customers) values (m, lm, analytics_bucket(b), d);
      insert into analytics_daily_customer_buckets (merchant_id, livemode, time_zone, day, new_customers)
      select m, lm, c.time_zone, (b at time zone c.time_zone)::date, d from analytics_day_cuts c where c.merchant_id = m and b < c.cut_until;
    end $$;

    -- The merchant's days recut in a zone (its Settings zone changed, or its first cut): up to today's local midnight.
    create or replace function analytics_recut_days(m text, zone text) returns void language plpgsql as $$
    declare z text := zone; cut timestamptz := date_trunc('day', now(), zone);
    begin
      perform pg_advisory_xact_lock(${LOCK}, hashtext(m));
      delete from analytics_daily_payment_buckets where merchant_id = m;
      delete from analytics_daily_attempt_buckets where merchant_id = m;
      delete from analytics_daily_customer_buckets where merchant_id = m;
      ${cutDays(`'-infinity'::timestamptz`, 'cut')}
      insert into analytics_day_cuts (merchant_id, time_zone, cut_until) values (m, zone, cut)
        on conflict (merchant_id) do update set time_zone = excluded.time_zone, cut_until = excluded.cut_until;
    end $$;

    -- Moves the merchant's cut to today's local midnight, folding the days passed; true when it moved.
    create function analytics_advance_days(m text) returns boolean language plpgsql as $$
    declare c analytics_day_cuts; z text; target timestamptz;
    begin
      select * into c from analytics_day_cuts where merchant_id = m;
      if not found then
        perform analytics_recut_days(m, (select timezone from merchants where id = m));
        return true;
      end if;
      if date_trunc('day', now(), c.time_zone) <= c.cut_until then return false; end if;
      perform pg_advisory_xact_lock(${LOCK}, hashtext(m));
      -- Read again under the lock: a zone recut may have moved it meanwhile.
      select * into c from analytics_day_cuts where merchant_id = m;
      z := c.time_zone;
      target := date_trunc('day', now(), z);
      if target <= c.cut_until then return false; end if;
      ${cutDays('c.cut_until', 'target')}
      update analytics_day_cuts set cut_until = target where merchant_id = m;
      return true;
    end $$;

    -- Every merchant's days, cut anew: day rows at or after the cut go (the 15-minute buckets answer for them).
    select analytics_recut_days(id, timezone) from merchants;
  `,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `
    create or replace function analytics_add(m text, lm boolean, cur text, b timestamptz, ${figureArgs})
      returns void language plpgsql as $$
    begin
      perform analytics_hold(m);
      insert into analytics_payment_buckets (merchant_id, livemode, currency, bucket, ${figureList})
      values (m, lm, cur, analytics_bucket(b), ${figureArgList});
      insert into analytics_daily_payment_buckets (merchant_id, livemode, time_zone, currency, day, ${figureList})
      select m, lm, z.timezone, cur, (b at time zone z.timezone)::date, ${figureArgList} from merchants z where z.id = m;
    end $$;
    create or replace function analytics_add_attempt(m text, lm boolean, cur text, b timestamptz, o text, dc text, cb text, tds text, d bigint)
      returns void language plpgsql as $$
    begin
      perform analytics_hold(m);
      insert into analytics_attempt_buckets (merchant_id, livemode, currency, bucket, outcome, decline_code, card_brand, three_d_secure, attempts)
      values (m, lm, cur, analytics_bucket(b), o, coalesce(dc, ''), coalesce(cb, ''), coalesce(tds, ''), d);
      insert into analytics_daily_attempt_buckets (merchant_id, livemode, time_zone, currency, day, outcome, decline_code, card_brand, three_d_secure, attempts)
      select m, lm, z.timezone, cur, (b at time zone z.timezone)::date, o, coalesce(dc, ''), coalesce(cb, ''), coalesce(tds, ''), d
      from merchants z where z.id = m;
    end $$;
    create or replace function analytics_add_customer(m text, lm boolean, b timestamptz, d bigint)
      returns void language plpgsql as $$
    begin
      perform analytics_hold(m);
      insert into analytics_customer_buckets (merchant_id, livemode, bucket, new_customers) values (m, lm, analytics_bucket(b), d);
      insert into analytics_daily_customer_buckets (merchant_id, livemode, time_zone, day, new_customers)
      select m, lm, z.timezone, (b at time zone z.timezone)::date, d from merchants z where z.id = m;
    end $$;
    create or replace function analytics_recut_days(m text, zone text) returns void language plpgsql as $$
    declare z text := zone;
    begin
      perform pg_advisory_xact_lock(${LOCK}, hashtext(m));
      delete from analytics_daily_payment_buckets where merchant_id = m;
      delete from analytics_daily_attempt_buckets where merchant_id = m;
      delete from analytics_daily_customer_buckets where merchant_id = m;
      ${cutDays(`'-infinity'::timestamptz`, `'infinity'::timestamptz`)}
    end $$;
    drop function analytics_advance_days;
    drop table analytics_day_cuts;
    select analytics_recut_days(id, timezone) from merchants;
  `,
    )
    .execute(db);
}
