import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here; later changes go in a new migration.
// Issue 13: an attempt writes one rollup row, not two (decision 026).
//
// Since 0011 each attempt wrote a row to analytics_attempt_buckets (per outcome, decline code, card brand and
// 3-D Secure outcome) and a second one to analytics_payment_buckets with its attempts, authorised and failed
// attempts. The second holds nothing the first lacks: those three figures are the attempt rows' sums (all,
// outcome succeeded or authorized, outcome failed) over the same bucket and currency. A create+confirm wrote four
// rollup rows (the intent's, the attempt's two, the fee's); it now writes three. The payment tables (both layers)
// drop the three columns, every function that names the payment figures is redefined without them, and Home
// reads the attempt figures from the attempt layer.
//
// down() puts the columns back and refills them from the attempt rows (both layers), so the figures are unchanged.
const SUCCEEDED = `('succeeded', 'authorized')`;
const ATTEMPT_FIGURES = ['attempts', 'succeeded_attempts', 'failed_attempts'];
const LOCK = 1311;

/** Every function that names the payment figures, with or without the attempt figures on the payment rows. */
function functions(attemptsOnPayments: boolean) {
  const figures = [
    'payments', 'attempted_payments', 'succeeded_payments', 'gross_amount', 'refunds', 'refunded_amount',
    ...(attemptsOnPayments ? ATTEMPT_FIGURES : []), 'fee_amount', 'disputes', 'disputed_amount',
  ];
  const list = figures.join(', ');
  const args = figures.map((f) => `d_${f} bigint`).join(', ');
  const argList = figures.map((f) => `d_${f}`).join(', ');
  const sums = figures.map((f) => `sum(${f})`).join(', ');
  /** A call of analytics_add for row `r` (old or new) in currency `cur`, the figures not named being 0. */
  const add = (r: string, cur: string, values: Record<string, string>) =>
    `perform analytics_add(${r}.merchant_id, ${r}.livemode, ${cur}, ${r}.created_at, ${figures.map((f) => values[f] ?? '0').join(', ')});`;
  const cutDays = (lo: string, hi: string) => `
      insert into analytics_daily_payment_buckets (merchant_id, livemode, time_zone, currency, day, ${list})
      select merchant_id, livemode, z, currency, (bucket at time zone z)::date, ${sums}
      from analytics_payment_buckets where merchant_id = m and bucket >= ${lo} and bucket < ${hi} group by 1, 2, 3, 4, 5;
      insert into analytics_daily_attempt_buckets (merchant_id, livemode, time_zone, currency, day, outcome, decline_code, card_brand, three_d_secure, attempts)
      select merchant_id, livemode, z, currency, (bucket at time zone z)::date, outcome, decline_code, card_brand, three_d_secure, sum(attempts)
      from analytics_attempt_buckets where merchant_id = m and bucket >= ${lo} and bucket < ${hi} group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
      insert into analytics_daily_customer_buckets (merchant_id, livemode, time_zone, day, new_customers)
      select merchant_id, livemode, z, (bucket at time zone z)::date, sum(new_customers)
      from analytics_customer_buckets where merchant_id = m and bucket >= ${lo} and bucket < ${hi} group by 1, 2, 3, 4;`;
  const attemptFigures = (r: string, sign: string) => ({
    attempts: `${sign}1`,
    succeeded_attempts: `${sign}(${r}.outcome in ${SUCCEEDED})::int`,
    failed_attempts: `${sign}(${r}.outcome = 'failed')::int`,
  });
  return `
    create or replace function analytics_add(m text, lm boolean, cur text, b timestamptz, ${args})
      returns void language plpgsql as $$
    begin
      perform analytics_hold(m);
      insert into analytics_payment_buckets (merchant_id, livemode, currency, bucket, ${list})
      values (m, lm, cur, analytics_bucket(b), ${argList});
      if b < analytics_bucket(clock_timestamp()) then
        insert into analytics_daily_payment_buckets (merchant_id, livemode, time_zone, currency, day, ${list})
        select m, lm, c.time_zone, cur, (b at time zone c.time_zone)::date, ${argList}
        from analytics_day_cuts c where c.merchant_id = m and b < c.cut_until;
      end if;
    end $$;

    create or replace function analytics_on_payment_intent() returns trigger language plpgsql as $$
    declare d_attempted int; d_succeeded int; d_gross bigint;
    begin
      if current_setting('paymentflow.defer_rollups', true) = 'on' then return null; end if;
      if tg_op = 'UPDATE' and old.merchant_id = new.merchant_id and old.livemode = new.livemode
          and old.currency = new.currency and old.created_at = new.created_at then
        d_attempted := (new.card_brand is not null)::int - (old.card_brand is not null)::int;
        d_succeeded := (new.status = 'succeeded')::int - (old.status = 'succeeded')::int;
        d_gross := (case when new.status = 'succeeded' then new.amount_received else 0 end)
          - (case when old.status = 'succeeded' then old.amount_received else 0 end);
        if d_attempted <> 0 or d_succeeded <> 0 or d_gross <> 0 then
          ${add('new', 'new.currency', { attempted_payments: 'd_attempted', succeeded_payments: 'd_succeeded', gross_amount: 'd_gross' })}
        end if;
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then
        ${add('old', 'old.currency', {
          payments: '-1',
          attempted_payments: '-(old.card_brand is not null)::int',
          succeeded_payments: `-(old.status = 'succeeded')::int`,
          gross_amount: `-(case when old.status = 'succeeded' then old.amount_received else 0 end)`,
        })}
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        ${add('new', 'new.currency', {
          payments: '1',
          attempted_payments: '(new.card_brand is not null)::int',
          succeeded_payments: `(new.status = 'succeeded')::int`,
          gross_amount: `(case when new.status = 'succeeded' then new.amount_received else 0 end)`,
        })}
      end if;
      return null;
    end $$;

    create or replace function analytics_on_refund() returns trigger language plpgsql as $$
    begin
      if current_setting('paymentflow.defer_rollups', true) = 'on' then return null; end if;
      if tg_op in ('UPDATE', 'DELETE') and old.status in ('pending', 'succeeded') then
        ${add('old', 'old.currency', { refunds: '-1', refunded_amount: '-old.amount' })}
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.status in ('pending', 'succeeded') then
        ${add('new', 'new.currency', { refunds: '1', refunded_amount: 'new.amount' })}
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
          ${attemptsOnPayments ? add('old', 'cur', attemptFigures('old', '-')) : ''}
        end if;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        select currency into cur from payment_intents where id = new.payment_intent_id;
        perform analytics_add_attempt(new.merchant_id, new.livemode, cur, new.created_at, new.outcome, new.decline_code, new.card_brand, new.three_d_secure, 1);
        ${attemptsOnPayments ? add('new', 'cur', attemptFigures('new', '')) : ''}
      end if;
      return null;
    end $$;

    create or replace function analytics_on_balance_transaction() returns trigger language plpgsql as $$
    begin
      if current_setting('paymentflow.defer_rollups', true) = 'on' then return null; end if;
      if tg_op in ('UPDATE', 'DELETE') and old.reporting_category not in ('payout', 'payout_reversal')
          and (old.fee <> 0 or old.reporting_category in ('dispute', 'dispute_reversal')) then
        ${add('old', 'old.currency', { fee_amount: '-old.fee', disputed_amount: `case when old.reporting_category in ('dispute', 'dispute_reversal') then old.amount else 0 end` })}
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.reporting_category not in ('payout', 'payout_reversal')
          and (new.fee <> 0 or new.reporting_category in ('dispute', 'dispute_reversal')) then
        ${add('new', 'new.currency', { fee_amount: 'new.fee', disputed_amount: `case when new.reporting_category in ('dispute', 'dispute_reversal') then -new.amount else 0 end` })}
      end if;
      return null;
    end $$;

    create or replace function analytics_on_dispute() returns trigger language plpgsql as $$
    begin
      if current_setting('paymentflow.defer_rollups', true) = 'on' then return null; end if;
      if tg_op in ('UPDATE', 'DELETE') then
        ${add('old', 'old.currency', { disputes: '-1' })}
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        ${add('new', 'new.currency', { disputes: '1' })}
      end if;
      return null;
    end $$;

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

    create or replace function analytics_advance_days(m text) returns boolean language plpgsql as $$
    declare c analytics_day_cuts; z text; target timestamptz;
    begin
      select * into c from analytics_day_cuts where merchant_id = m;
      if not found then
        perform analytics_recut_days(m, (select timezone from merchants where id = m));
        return true;
      end if;
      if date_trunc('day', now(), c.time_zone) <= c.cut_until then return false; end if;
      perform pg_advisory_xact_lock(${LOCK}, hashtext(m));
      select * into c from analytics_day_cuts where merchant_id = m;
      z := c.time_zone;
      target := date_trunc('day', now(), z);
      if target <= c.cut_until then return false; end if;
      ${cutDays('c.cut_until', 'target')}
      update analytics_day_cuts set cut_until = target where merchant_id = m;
      return true;
    end $$;
`;
}

const bigints = (n: number) => Array.from({ length: n }, () => 'bigint').join(', ');
const PAYMENT_TABLES = ['analytics_payment_buckets', 'analytics_daily_payment_buckets'];

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `
    ${functions(false)}
    drop function analytics_add(text, boolean, text, timestamptz, ${bigints(12)});
    ${PAYMENT_TABLES.map((t) => `alter table ${t} ${ATTEMPT_FIGURES.map((f) => `drop column ${f}`).join(', ')};`).join('\n')}
  `,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const refill = (payments: string, attempts: string, keys: string) => `
    insert into ${payments} (${keys}, ${ATTEMPT_FIGURES.join(', ')})
    select ${keys}, sum(attempts), coalesce(sum(attempts) filter (where outcome in ${SUCCEEDED}), 0),
      coalesce(sum(attempts) filter (where outcome = 'failed'), 0)
    from ${attempts} group by ${keys};`;
  await sql
    .raw(
      `
    ${PAYMENT_TABLES.map((t) => `alter table ${t} ${ATTEMPT_FIGURES.map((f) => `add column ${f} bigint not null default 0`).join(', ')};`).join('\n')}
    ${refill('analytics_payment_buckets', 'analytics_attempt_buckets', 'merchant_id, livemode, currency, bucket')}
    ${refill('analytics_daily_payment_buckets', 'analytics_daily_attempt_buckets', 'merchant_id, livemode, time_zone, currency, day')}
    ${functions(true)}
    drop function analytics_add(text, boolean, text, timestamptz, ${bigints(9)});
  `,
    )
    .execute(db);
}
