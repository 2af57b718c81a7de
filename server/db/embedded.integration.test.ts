import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.js';

const dirs: string[] = [];
const running: EmbeddedDatabase[] = [];
afterAll(async () => {
  for (const server of running) await server.stop().catch(() => {});
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pf-embedded-'));
  dirs.push(dir);
  return dir;
}

async function start(dir: string) {
  const server = await startEmbeddedPostgres(dir);
  running.push(server);
  return server;
}

function withPassword(url: string, password: string) {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

async function connectError(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

describe('embedded PostgreSQL superuser password', { timeout: 180_000 }, () => {
  it('is generated per data folder, kept in a 0600 file beside it, and reused by later starts and other processes', async () => {
    const dir = dataDir();
    const first = await start(dir);
    const file = path.join(dir, 'postgres.password');
    const password = readFileSync(file, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(24);
    expect(password).not.toBe('paymentflow');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(decodeURIComponent(new URL(first.url).password)).toBe(password);
    expect(await connectError(first.url)).toBeNull();
    // The old constant no longer opens it.
    expect(await connectError(withPassword(first.url, 'paymentflow'))).toBe('28P01');

    // Another process on the same folder (here: a second call while it runs) reuses the server and the password.
    const shared = await start(dir);
    expect(shared.owned).toBe(false);
    expect(shared.url).toBe(first.url);

    await first.stop();
    const again = await start(dir);
    expect(decodeURIComponent(new URL(again.url).password)).toBe(password);
    expect(await connectError(again.url)).toBeNull();

    // A second folder has a password of its own.
    const other = await start(dataDir());
    expect(new URL(other.url).password).not.toBe(new URL(again.url).password);
    await other.stop();

    // A folder from before per-folder passwords (superuser still 'paymentflow', no file) gets a new one.
    const client = new pg.Client({ connectionString: again.url });
    await client.connect();
    await client.query(`alter role postgres with password 'paymentflow'`);
    await client.end();
    await again.stop();
    rmSync(file);
    const migrated = await start(dir);
    const replaced = readFileSync(file, 'utf8').trim();
    expect(replaced).not.toBe('paymentflow');
    expect(decodeURIComponent(new URL(migrated.url).password)).toBe(replaced);
    expect(await connectError(migrated.url)).toBeNull();
    expect(await connectError(withPassword(migrated.url, 'paymentflow'))).toBe('28P01');
    await migrated.stop();
  });
});
