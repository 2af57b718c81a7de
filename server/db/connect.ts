import pg from 'pg';
import { createDb, type Db } from './database.js';
import { startEmbeddedPostgres, withDatabase } from './embedded.js';
import { migrateJobQueue, migrateToLatest } from './migrate.js';

export interface OpenDatabase {
  db: Db;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

export class DatabaseConnectError extends Error {}

const EMBEDDED_DATABASE = 'paymentflow';

function describe(url: string) {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'the configured server';
  }
}

async function check(url: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const reason =
      e.code === 'ECONNREFUSED' ? 'the connection was refused (is PostgreSQL running there?)'
      : e.code === 'ENOTFOUND' ? 'the host name could not be resolved'
      : e.code === '28P01' ? 'the password was rejected'
      : e.code === '3D000' ? 'that database does not exist'
      : e.message;
    throw new DatabaseConnectError(`Could not connect to PostgreSQL at ${describe(url)}: ${reason}.`);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function ensureDatabase(adminUrl: string, name: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name}"`).catch((e) => {
      if ((e as { code?: string }).code !== '42P04') throw e; // created concurrently by another process
    });
  } finally {
    await client.end();
  }
}

/**
 * DATABASE_URL when given; otherwise the embedded PostgreSQL under DATA_DIR (reused if another process
 * already runs it). Migrations run before the database is handed out.
 */
export async function openDatabase(options: { databaseUrl?: string; dataDir: string; log?: (line: string) => void; migrate?: boolean; poolSize?: number }): Promise<OpenDatabase> {
  const log = options.log ?? (() => {});
  let url: string;
  let stopServer = async () => {};
  if (options.databaseUrl) {
    url = options.databaseUrl;
    await check(url);
  } else {
    const server = await startEmbeddedPostgres(options.dataDir, log);
    stopServer = server.stop;
    await ensureDatabase(server.url, EMBEDDED_DATABASE);
    url = withDatabase(server.url, EMBEDDED_DATABASE);
  }
  const db = createDb(url, { max: options.poolSize });
  try {
    if (options.migrate !== false) {
      const applied = await migrateToLatest(db);
      if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);
      await migrateJobQueue(url);
    }
  } catch (error) {
    await db.destroy();
    await stopServer();
    throw error;
  }
  return {
    db,
    url,
    embedded: !options.databaseUrl,
    close: async () => {
      await db.destroy();
      await stopServer();
    },
  };
}
