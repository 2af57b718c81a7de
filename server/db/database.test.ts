import { describe, expect, it } from 'vitest';
import { isWrite, PREPARED_READ, runsPrepared } from './database.js';

describe('isWrite (which statements run prepared)', () => {
  it('prepares writes, including data-modifying WITH statements', () => {
    expect(isWrite('insert into payment_intents (id) values ($1)')).toBe(true);
    expect(isWrite('  UPDATE "api_keys" set last_used_at = $1')).toBe(true);
    expect(isWrite('delete from rate_limits where updated_at < $1')).toBe(true);
    expect(isWrite('with d as (delete from analytics_payment_buckets where ctid in (select ctid from x)) select 1')).toBe(true);
    expect(isWrite('with found as (select id from api_keys), touched as (update api_keys set last_used_at = $1) select 1')).toBe(true);
    expect(isWrite('with x as (select 1) insert into "events" ("id") values ($1)')).toBe(true);
    expect(isWrite('with t as (update "payment_intents" as pi set status = $1 returning *) select * from t')).toBe(true);
  });

  it('leaves SELECTs unprepared, read-only WITH included, whatever their column names say', () => {
    expect(isWrite('select * from payment_intents where id = $1')).toBe(false);
    expect(isWrite('with "payment_intents" as materialized (select "payment_intents".* from "payment_intents" where "amount" > $1 limit $2) select * from "payment_intents" order by "created_at" desc')).toBe(false);
    expect(isWrite('with periods as (select p from generate_series($1::timestamptz, $2, $3::interval) p) select updated_at, deleted_at, inserted from periods')).toBe(false);
  });
});

describe('runsPrepared', () => {
  it('prepares writes and reads marked as prepared, and no other read', () => {
    expect(runsPrepared('insert into events (id) values ($1)')).toBe(true);
    expect(runsPrepared(`${PREPARED_READ}with recursive used as (select 1) select * from used`)).toBe(true);
    expect(runsPrepared('with recursive used as (select 1) select * from used')).toBe(false);
    expect(runsPrepared(`select 1 /* prepared read */`)).toBe(false);
  });
});
