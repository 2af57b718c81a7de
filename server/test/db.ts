import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { inject } from 'vitest';
import { createApp } from '../app.js';
import { answerMalformedRequests } from '../http/client-error.js';
import { createMerchantWithOwner, type CreatedMerchant } from '../core/accounts/accounts.service.js';
import { createDb, type Db } from '../db/database.js';
import { withDatabase } from '../db/embedded.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { localDiskStorage } from '../core/storage/storage.js';
import { randomString } from '../../shared/ids.js';

import { TEMPLATE_DATABASE } from './global-setup.js';

export interface TestDatabase {
  db: Db;
  url: string;
  deps: CoreDeps;
  drop(): Promise<void>;
}

/** A fresh database for one test file, cloned from the migrated template. Call in beforeAll; drop in afterAll. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `pf_test_${randomString(10).toLowerCase()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Cloning needs the template to have no other connections; retry briefly if another file is cloning too.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`create database ${name} template ${TEMPLATE_DATABASE}`);
      break;
    } catch (error) {
      if (attempt > 50 || (error as { code?: string }).code !== '55006') throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const db = createDb(url, { max: 30 });
  const storageDir = mkdtempSync(path.join(os.tmpdir(), 'pf-test-files-'));
  const deps: CoreDeps = { db, secret: 'test-secret-that-is-long-enough-0123456789', appUrl: 'http://127.0.0.1:0', storage: localDiskStorage(storageDir) };
  return {
    db,
    url,
    deps,
    drop: async () => {
      await db.destroy();
      rmSync(storageDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

let counter = 0;
/** A merchant with an owner and API keys, unique per call; tests never share tenant state. */
export async function createTestMerchant(db: Db, overrides: Partial<{ email: string; name: string; businessName: string; password: string }> = {}): Promise<CreatedMerchant & { password: string }> {
  const password = overrides.password ?? 'a-long-test-passphrase';
  const created = await createMerchantWithOwner(db, {
    email: overrides.email ?? `owner-${Date.now()}-${counter++}-${randomString(4).toLowerCase()}@example.test`,
    name: overrides.name ?? 'Test Owner',
    businessName: overrides.businessName ?? 'Test Shop',
    password,
  });
  return { ...created, password };
}

export interface TestServer {
  baseUrl: string;
  close(): Promise<void>;
}

/** The real Express app on a free loopback port; deps.appUrl is updated to the bound origin. */
export async function startTestServer(deps: CoreDeps): Promise<TestServer> {
  const app = createApp(deps, { logErrors: true });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  answerMalformedRequests(server);
  const { port } = server.address() as AddressInfo;
  deps.appUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl: deps.appUrl,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
