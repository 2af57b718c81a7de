import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../test/db.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

it('prepares data-modifying statements but never a read-only WITH (whose generic plan would ignore its parameters)', async () => {
  const { merchant } = await createTestMerchant(t.db);
  const statements = await t.db.connection().execute(async (c) => {
    for (let i = 0; i < 6; i++) {
      await sql`with m as materialized (select id from payment_intents where merchant_id = ${merchant.id} and amount > ${i} limit 5001) select count(*) from m`.execute(c);
      await sql`with d as (delete from rate_limits where bucket = ${`probe-${i}`} returning 1) select count(*) from d`.execute(c);
    }
    const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(c);
    return rows.map((r) => r.statement);
  });
  expect(statements.some((s) => s.includes('delete from rate_limits'))).toBe(true);
  expect(statements.filter((s) => s.includes('materialized'))).toEqual([]);
});
