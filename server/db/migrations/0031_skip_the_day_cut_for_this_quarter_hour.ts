import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here; later changes go in a new migration.
// Issue 13: a write in the current quarter hour does not look for the day cut (decision 025).
//
// Each analytics_add* ran, after its 15-minute row, an insert-select of the day row from analytics_day_cuts
// (0030). For a new payment it inserted nothing, yet it cost an executor run of an INSERT (its table and index
// opened and locked) four times per create+confirm. It is now skipped when the instant is at or after the start
// of the current UTC quarter hour, read after the lock is held:
// - a cut is a local midnight (of the merchant's zone, or of the zone a recut used) taken from the mover's now(),
//   and the mover committed before this writer got the lock (it holds the lock exclusive), so cut <= clock;
// - every offset in use is a multiple of 15 minutes, so every local midnight is on a UTC quarter hour; the last
//   one not after the clock is at or before the current quarter hour's start, hence at or before the instant;
// - so the instant is not before the cut: no day row is due. A mover that comes later waits for this
//   transaction and folds its 15-minute row.
// Anything older (a capture of a payment made yesterday, a backdated import) takes the lookup as before.
const FIGURES = [
  'payments', 'attempted_payments', 'succeeded_payments', 'gross_amount', 'refunds', 'refunded_amount',
  'attempts', 'succeeded_attempts', 'failed_attempts', 'fee_amount', 'disputes', 'disputed_amount',
];
const figureList = FIGURES.join(', ');
const figureArgs = FIGURES.map((f) => `d_${f} bigint`).join(', ');
const figureArgList = FIGURES.map((f) => `d_${f}`).join(', ');

/** The writers, `due` the condition under which the day-row insert runs. */
const writers = (due: string) => `
    create or replace function analytics_add(m text, lm boolean, cur text, b timestamptz, ${figureArgs})
      returns void language plpgsql as $$
    begin
      perform analytics_hold(m);
      insert into analytics_payment_buckets (merchant_id, livemode, currency, bucket, ${figureList})
      values (m, lm, cur, analytics_bucket(b), ${figureArgList});
      if ${due} then
        insert into analytics_daily_payment_buckets (merchant_id, livemode, time_zone, currency, day, ${figureList})
        select m, lm, c.time_zone, cur, (b at time zone c.time_zone)::date, ${figureArgList}
        from analytics_day_cuts c where c.merchant_id = m and b < c.cut_until;
      end if;
    end $$;

    create or replace function analytics_add_attempt(m text, lm boolean, cur text, b timestamptz, o text, dc text, cb text, tds text, d bigint)
      returns void language plpgsql as $$
    begin
      perform analytics_hold(m);
      insert into analytics_attempt_buckets (merchant_id, livemode, currency, bucket, outcome, decline_code, card_brand, three_d_secure, attempts)
      values (m, lm, cur, analytics_bucket(b), o, coalesce(dc, ''), coalesce(cb, ''), coalesce(tds, ''), d);
      if ${due} then
        insert into analytics_daily_attempt_buckets (merchant_id, livemode, time_zone, currency, day, outcome, decline_code, card_brand, three_d_secure, attempts)
        select m, lm, c.time_zone, cur, (b at time zone c.time_zone)::date, o, coalesce(dc, ''), coalesce(cb, ''), coalesce(tds, ''), d
        from analytics_day_cuts c where c.merchant_id = m and b < c.cut_until;
      end if;
    end $$;

    create or replace function analytics_add_customer(m text, lm boolean, b timestamptz, d bigint)
      returns void language plpgsql as $$
    begin
      perform analytics_hold(m);
      insert into analytics_customer_buckets (merchant_id, livemode, bucket, new_customers) values (m, lm, analytics_bucket(b), d);
      if ${due} then
        insert into analytics_daily_customer_buckets (merchant_id, livemode, time_zone, day, new_customers)
        select m, lm, c.time_zone, (b at time zone c.time_zone)::date, d from analytics_day_cuts c where c.merchant_id = m and b < c.cut_until;
      end if;
    end $$;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(writers('b < analytics_bucket(clock_timestamp())')).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(writers('true')).execute(db);
}
