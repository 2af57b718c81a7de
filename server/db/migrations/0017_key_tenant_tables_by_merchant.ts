import { type Kysely, sql } from 'kysely';

// Citus-ready keys (issue 16): every tenant table is distributed by merchant_id, so its primary key and
// unique constraints must include merchant_id, and foreign keys between tenant tables must carry it on
// both sides (co-located shards enforce them locally). Read from the catalogue, so tables that earlier
// migrations added are converted the same way. webhook_attempts gains the merchant_id (and livemode) it
// lacked. The checkout pages look an intent up by id alone: a plain index on id keeps that lookup cheap.
//
// Frozen copy of server/db/distribution.ts's global tables at the time of writing (migrations never import app code).
const GLOBAL = ['merchants', 'users', 'memberships', 'api_keys', 'invitations', 'sessions', 'login_throttle', 'rate_limits', 'worker_heartbeats', 'kysely_migration', 'kysely_migration_lock', 'mail_outbox', 'user_tokens'];

interface ForeignKey { table: string; name: string; columns: string[]; ref_table: string; ref_columns: string[]; on_delete: string }
interface KeyConstraint { table: string; name: string; kind: 'p' | 'u'; columns: string[] }

const ident = (name: string) => sql.id(name);
const list = (names: string[]) => sql.join(names.map(ident));

async function tenantTables(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ table: string }>`
    select c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
      and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'merchant_id' and not a.attisdropped)
      and c.relname <> all(${GLOBAL}::text[])`.execute(db);
  return rows.map((r) => r.table);
}

async function constraints(db: Kysely<any>, tables: string[]) {
  const { rows } = await sql<{ table: string; name: string; kind: 'p' | 'u' | 'f'; columns: string[]; ref_table: string | null; ref_columns: string[] | null; on_delete: string }>`
    select rel.relname as table, con.conname as name, con.contype as kind,
      array(select a.attname::text from unnest(con.conkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.i) as columns,
      ref.relname as ref_table,
      case when con.confrelid <> 0 then array(select a.attname::text from unnest(con.confkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n order by k.i) end as ref_columns,
      con.confdeltype::text as on_delete
    from pg_constraint con join pg_class rel on rel.oid = con.conrelid join pg_namespace n on n.oid = rel.relnamespace
    left join pg_class ref on ref.oid = con.confrelid
    where n.nspname = 'public' and con.contype in ('p', 'u', 'f') and rel.relname = any(${tables}::text[])
    order by 1, 2`.execute(db);
  const foreign = rows.filter((r) => r.kind === 'f' && r.ref_table && tables.includes(r.ref_table)) as ForeignKey[];
  const keys = rows.filter((r) => r.kind === 'p' || r.kind === 'u') as KeyConstraint[];
  return { foreign, keys };
}

function onDelete(fk: ForeignKey, columns: string[]) {
  switch (fk.on_delete) {
    case 'c': return sql`on delete cascade`;
    // Only the referencing column is cleared; merchant_id stays (PostgreSQL 15+ column list).
    case 'n': return sql`on delete set null (${list(columns.filter((c) => c !== 'merchant_id'))})`;
    case 'r': return sql`on delete restrict`;
    default: return sql`on delete no action`;
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table webhook_attempts add column merchant_id text, add column livemode boolean;
    update webhook_attempts a set merchant_id = d.merchant_id, livemode = d.livemode from webhook_deliveries d where d.id = a.delivery_id;
    alter table webhook_attempts
      alter column merchant_id set not null,
      alter column livemode set not null,
      add foreign key (merchant_id) references merchants(id) on delete cascade;
  `.execute(db);

  const tables = await tenantTables(db);
  const { foreign, keys } = await constraints(db, tables);
  const carries = (fk: ForeignKey) => {
    const at = fk.columns.indexOf('merchant_id');
    return at >= 0 && fk.ref_columns[at] === 'merchant_id';
  };
  const moving = foreign.filter((fk) => !carries(fk));
  // Foreign keys first: they depend on the unique indexes about to be replaced.
  for (const fk of moving) await sql`alter table ${ident(fk.table)} drop constraint ${ident(fk.name)}`.execute(db);
  for (const key of keys.filter((k) => !k.columns.includes('merchant_id'))) {
    const columns = ['merchant_id', ...key.columns];
    await sql`alter table ${ident(key.table)} drop constraint ${ident(key.name)}`.execute(db);
    await sql`alter table ${ident(key.table)} add constraint ${ident(key.name)} ${key.kind === 'p' ? sql`primary key` : sql`unique`} (${list(columns)})`.execute(db);
  }
  for (const fk of moving) {
    const columns = ['merchant_id', ...fk.columns];
    const refColumns = ['merchant_id', ...fk.ref_columns];
    await sql`alter table ${ident(fk.table)} add constraint ${ident(fk.name)} foreign key (${list(columns)}) references ${ident(fk.ref_table)} (${list(refColumns)}) ${onDelete(fk, columns)}`.execute(db);
  }
  // Unique indexes that are not constraints: one on the id alone (a page that knows an object by its id) becomes
  // a plain index, ids being random; any other gains merchant_id in front.
  const { rows: uniqueIndexes } = await sql<{ name: string; definition: string }>`
    select i.relname as name, pg_get_indexdef(i.oid) as definition
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = 'public' and x.indisunique and t.relname = any(${tables}::text[])
      and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
      and not exists (select 1 from pg_attribute a where a.attrelid = t.oid and a.attnum = any(x.indkey) and a.attname = 'merchant_id')`.execute(db);
  for (const index of uniqueIndexes) {
    const definition = /USING btree \(id\)$/.test(index.definition)
      ? index.definition.replace(/^CREATE UNIQUE INDEX/, 'CREATE INDEX')
      : index.definition.replace(/USING (\w+) \(/, 'USING $1 (merchant_id, ');
    await sql`drop index ${ident(index.name)}`.execute(db);
    await sql.raw(definition).execute(db);
  }
  // Hosted checkout and 3-D Secure pages know an intent only by its id (the client secret is checked after).
  await sql`create index if not exists payment_intents_id_idx on payment_intents (id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists payment_intents_id_idx`.execute(db);
  const tables = await tenantTables(db);
  const { foreign, keys } = await constraints(db, tables);
  const composite = foreign.filter((fk) => fk.columns[0] === 'merchant_id' && fk.ref_columns[0] === 'merchant_id' && fk.columns.length > 1);
  for (const fk of composite) await sql`alter table ${ident(fk.table)} drop constraint ${ident(fk.name)}`.execute(db);
  for (const key of keys.filter((k) => k.columns[0] === 'merchant_id' && k.columns.length > 1 && k.columns[1] === 'id')) {
    await sql`alter table ${ident(key.table)} drop constraint ${ident(key.name)}`.execute(db);
    await sql`alter table ${ident(key.table)} add constraint ${ident(key.name)} ${key.kind === 'p' ? sql`primary key` : sql`unique`} (${list(key.columns.slice(1))})`.execute(db);
  }
  for (const fk of composite) {
    const columns = fk.columns.slice(1);
    await sql`alter table ${ident(fk.table)} add constraint ${ident(fk.name)} foreign key (${list(columns)}) references ${ident(fk.ref_table)} (${list(fk.ref_columns.slice(1))}) ${fk.on_delete === 'n' ? sql`on delete set null` : onDelete(fk, columns)}`.execute(db);
  }
  await sql`alter table webhook_attempts drop column merchant_id, drop column livemode`.execute(db);
}
