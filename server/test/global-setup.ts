import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '../db/database.js';
import { startEmbeddedPostgres, withDatabase } from '../db/embedded.js';
import { migrateJobQueue, migrateToLatest } from '../db/migrate.js';

export const TEMPLATE_DATABASE = 'pf_template';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

/**
 * One PostgreSQL server for the whole run (embedded unless DATABASE_URL), and a template database with
 * migrations applied once; each test file clones it (server/test/db.ts), which takes milliseconds.
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  let dir: string | undefined;
  if (!adminUrl) {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pf-vitest-'));
    const server = await startEmbeddedPostgres(dir);
    adminUrl = server.url;
    stop = server.stop;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE_DATABASE}`);
  await admin.query(`create database ${TEMPLATE_DATABASE}`);
  await admin.end();
  const db = createDb(withDatabase(adminUrl, TEMPLATE_DATABASE), { max: 2 });
  await migrateToLatest(db);
  await db.destroy();
  await migrateJobQueue(withDatabase(adminUrl, TEMPLATE_DATABASE));
  project.provide('pgAdminUrl', adminUrl);
  return async () => {
    await stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
