/**
 * Issue 16, item 3: the schema distributes by merchant on Citus without redesign. Read from the catalogue
 * of the fully migrated database, so tables other migrations add are checked too:
 *   - every tenant table has a NOT NULL merchant_id;
 *   - its primary key and every unique constraint or unique index include merchant_id;
 *   - every foreign key between two tenant tables includes merchant_id on both sides (co-location);
 *   - every table is either a tenant table or named below as a reference/coordinator table, with a reason.
 * docs/scale-out.md gives the create_distributed_table / create_reference_table plan built on this.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/db.js';
import { GLOBAL_TABLES } from './distribution.js';

let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => { await t?.drop(); });

interface Constraint { table: string; name: string; kind: 'p' | 'u' | 'f'; columns: string[]; ref_table: string | null; ref_columns: string[] | null }

async function catalogue() {
  const tables = (await sql<{ table: string; merchant_id: boolean; merchant_not_null: boolean; livemode: boolean }>`
    select c.relname as table,
      exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'merchant_id' and not a.attisdropped) as merchant_id,
      exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'merchant_id' and a.attnotnull and not a.attisdropped) as merchant_not_null,
      exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'livemode' and not a.attisdropped) as livemode
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
    order by 1`.execute(t.db)).rows;
  const constraints = (await sql<Constraint>`
    select rel.relname as table, con.conname as name, con.contype as kind,
      array(select a.attname::text from unnest(con.conkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.i) as columns,
      ref.relname as ref_table,
      case when con.confrelid <> 0 then array(select a.attname::text from unnest(con.confkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n order by k.i) end as ref_columns
    from pg_constraint con
    join pg_class rel on rel.oid = con.conrelid
    join pg_namespace n on n.oid = rel.relnamespace
    left join pg_class ref on ref.oid = con.confrelid
    where n.nspname = 'public' and con.contype in ('p', 'u', 'f')
    order by 1, 2`.execute(t.db)).rows;
  // Unique indexes that are not constraints (expression or partial ones included).
  const uniqueIndexes = (await sql<{ table: string; name: string; definition: string }>`
    select t.relname as table, i.relname as name, pg_get_indexdef(i.oid) as definition
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = 'public' and x.indisunique and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
    order by 1, 2`.execute(t.db)).rows;
  return { tables, constraints, uniqueIndexes };
}

describe('Citus-ready keys (distribution column merchant_id)', () => {
  it('every table is a tenant table with merchant_id or a named reference/coordinator table', async () => {
    const { tables } = await catalogue();
    const problems = tables
      .filter((x) => !GLOBAL_TABLES[x.table])
      .flatMap((x) => [
        ...(!x.merchant_id ? [`${x.table}: a tenant table without merchant_id (add it, or list the table in server/db/distribution.ts with a reason)`] : []),
        ...(x.merchant_id && !x.merchant_not_null ? [`${x.table}: merchant_id may be null`] : []),
      ]);
    expect(problems).toEqual([]);
    // The global list names only tables that exist (a renamed table must not keep a stale exception).
    const names = new Set(tables.map((x) => x.table));
    expect(Object.keys(GLOBAL_TABLES).filter((name) => !names.has(name))).toEqual([]);
  });

  it("every tenant table's primary key and unique constraints include merchant_id", async () => {
    const { constraints, uniqueIndexes } = await catalogue();
    const tenant = (table: string) => !GLOBAL_TABLES[table];
    const problems = [
      ...constraints
        .filter((c) => tenant(c.table) && (c.kind === 'p' || c.kind === 'u') && !c.columns.includes('merchant_id'))
        .map((c) => `${c.table}.${c.name}: ${c.kind === 'p' ? 'primary key' : 'unique'} (${c.columns.join(', ')}) lacks merchant_id`),
      ...uniqueIndexes
        .filter((i) => tenant(i.table) && !/\(([^)]*\b)?merchant_id\b/.test(i.definition))
        .map((i) => `${i.table}.${i.name}: unique index lacks merchant_id: ${i.definition}`),
    ];
    expect(problems).toEqual([]);
  });

  it('every foreign key between tenant tables includes merchant_id on both sides, at the same place', async () => {
    const { constraints } = await catalogue();
    const problems = constraints
      .filter((c) => c.kind === 'f' && !GLOBAL_TABLES[c.table] && c.ref_table && !GLOBAL_TABLES[c.ref_table])
      .filter((c) => {
        const at = c.columns.indexOf('merchant_id');
        return at < 0 || c.ref_columns?.[at] !== 'merchant_id';
      })
      .map((c) => `${c.table}.${c.name}: (${c.columns.join(', ')}) -> ${c.ref_table}(${c.ref_columns?.join(', ')}) does not carry merchant_id`);
    expect(problems).toEqual([]);
  });

  it('a reference table never points at a tenant table (Citus cannot enforce that)', async () => {
    const { constraints } = await catalogue();
    const problems = constraints
      .filter((c) => c.kind === 'f' && GLOBAL_TABLES[c.table]?.kind === 'reference' && c.ref_table && !GLOBAL_TABLES[c.ref_table])
      .map((c) => `${c.table}.${c.name} -> ${c.ref_table}`);
    expect(problems).toEqual([]);
  });
});
