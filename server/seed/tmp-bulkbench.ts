import pg from 'pg';
import { createDb } from '../db/database.ts';
import { withDatabase } from '../db/embedded.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import { createMerchantWithOwner } from '../core/accounts/accounts.service.ts';
import { seedBulkPayments } from '../seed/bulk.ts';
import { seedDemoHistory } from '../seed/demo-history.ts';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
async function main() {
const dir = mkdtempSync('/tmp/pfbench-'); chmodSync(dir, 0o755);
const server = await startEmbeddedPostgres(dir);
const admin = new pg.Client({ connectionString: server.url }); await admin.connect(); await admin.query('create database b'); await admin.end();
const db = createDb(withDatabase(server.url, 'b'));
try {
  await migrateToLatest(db);
  const deps = { db, secret: 'x'.repeat(40), appUrl: 'http://localhost:3000' };
  const m = await createMerchantWithOwner(db, { email: 'a@b.test', password: 'a-long-password-1', name: 'A', businessName: 'B' });
  let t = Date.now();
  await seedDemoHistory(deps, m.merchant.id, console.log);
  console.log('demo', (Date.now() - t) / 1000);
  const n = Number(process.argv[2] ?? 100000);
  if (n > 0) {
    t = Date.now();
    await seedBulkPayments(deps, m.merchant.id, false, n, console.log);
    console.log('bulk', n, (Date.now() - t) / 1000);
  }
} finally {
  await db.destroy(); await server.stop(); rmSync(dir, { recursive: true, force: true });
}
}
main();
