import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database } from './schema.js';

// Amounts are bigint in PostgreSQL but always within Number.MAX_SAFE_INTEGER (the API caps them), so they
// are parsed to number; counts (int8 from count(*)) likewise.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${value} exceeds the safe integer range`);
  return n;
});
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => value);

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Repositories take either the pool-backed instance or a transaction as their first argument. */
export type Executor = Kysely<Database>;

/** A node-postgres pool; an idle client that dies (e.g. the server restarts) must not crash the process. */
export function createPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000 });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

const pools = new WeakMap<object, pg.Pool>();

export function createDb(url: string, options: { max?: number; prepareWrites?: boolean } = {}): Db {
  const pool = createPool(url, options.max ?? 20);
  if (options.prepareWrites !== false) preparingWrites(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

/** The connection pool behind a database made by createDb (for the pool-use metrics). */
export function poolOf(db: object): pg.Pool | undefined {
  return pools.get(db);
}

const MAX_PREPARED_PER_CONNECTION = 200;

/** Statement names by text: hashing a few kilobytes of SQL on every write showed in the API's profile. */
const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `pf_${createHash('sha1').update(text).digest('base64url')}`;
    // Bounded like the per-connection cache; shapes beyond it are still named, just not remembered.
    if (statementNames.size < MAX_PREPARED_PER_CONNECTION * 5) statementNames.set(text, name);
  }
  return name;
}

/**
 * INSERT, UPDATE, DELETE, or a WITH statement with one of them inside. A read-only WITH (a search's
 * materialized matches, an analytics series) is a SELECT: prepared, it would switch to a generic plan after
 * five runs and lose its parameters' selectivity (a search for an amount no payment has went from
 * milliseconds to a second that way).
 */
export function isWrite(text: string): boolean {
  if (/^\s*(insert|update|delete)\b/i.test(text)) return true;
  return /^\s*with\b/i.test(text) && /\b(insert\s+into|update\s+("[^"]+"|\w+)(\s+as\s+\w+)?\s+set|delete\s+from)\b/i.test(text);
}

/**
 * The mark that a read runs prepared, as writes do: only for a read whose every filter is the leading key of
 * its index by merchant (Home's rollup statement), so its generic plan is the right plan for every merchant.
 * Home's 10 KB statement spent longer in parsing and planning than in reading its rows.
 */
export const PREPARED_READ = '/* prepared read */ ';

/** Whether a statement runs as a named prepared statement: a write, or a read marked PREPARED_READ. */
export function runsPrepared(text: string): boolean {
  return text.startsWith(PREPARED_READ) || isWrite(text);
}

/**
 * Writes (INSERT/UPDATE/DELETE and data-modifying WITH statements) run as named prepared statements, so
 * PostgreSQL plans each shape once per connection instead of on every request; on the API's create+confirm
 * path planning was the largest single cost. SELECTs are left unprepared: a generic plan could suit one
 * merchant's data and not another's. Each connection prepares at most MAX_PREPARED_PER_CONNECTION shapes.
 */
function preparingWrites(pool: pg.Pool) {
  pool.on('connect', (client) => {
    const prepared = new Set<string>();
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
      if (typeof config !== 'string' || !Array.isArray(values) || callback !== undefined || !runsPrepared(config)) {
        return query(config, values, callback);
      }
      const name = statementName(config);
      if (!prepared.has(name)) {
        if (prepared.size >= MAX_PREPARED_PER_CONNECTION) return query(config, values);
        prepared.add(name);
      }
      return query({ name, text: config, values });
    };
  });
}

/** "PostgreSQL 18.1" for the health check. */
export async function databaseVersion(db: Executor): Promise<string> {
  const { rows } = await sql<{ version: string }>`select version() as version`.execute(db);
  return rows[0].version.split(' on ')[0];
}
