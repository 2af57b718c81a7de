/**
 * Issue 16, item 2, against a real streaming replica built from the embedded PostgreSQL binaries: a stopped
 * primary's data folder is copied, given `standby.signal` and `primary_conninfo`, and started beside it.
 * Lag is injected with pg_wal_replay_pause().
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentIntent } from '../core/payment-intents/payment-intents.service.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { createInnerContext } from '../trpc/context.js';
import { createCallerFactory } from '../trpc/trpc.js';
import { appRouter } from '../trpc/routers/_app.js';
import { createSession, resolveSession } from '../core/accounts/accounts.service.js';
import { createTestMerchant } from '../test/db.js';
import { startPrimaryWithStandby, type PrimaryWithStandby } from '../test/standby.js';
import { createDb, type Db } from './database.js';
import { openReadReplica, type ReadReplica } from './replica.js';

let dir: string;
let servers: PrimaryWithStandby;
let primaryDb: Db;
let replica: ReadReplica;
let replicaAdmin: Db;
let deps: CoreDeps;

const createCaller = createCallerFactory(appRouter);

async function until(check: () => Promise<boolean>, what: string) {
  for (let i = 0; !(await check()); i++) {
    if (i > 600) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pf-replica-'));
  // The standby: a copy of the stopped primary's folder, told to follow the primary once it runs again.
  servers = await startPrimaryWithStandby(dir, 'pf');
  primaryDb = createDb(servers.primaryUrl, { max: 10 });
  replicaAdmin = createDb(servers.standbyUrl, { max: 2, prepareWrites: false });
  replica = openReadReplica(servers.standbyUrl);
  deps = { db: primaryDb, replica, secret: 'replica-test-secret-that-is-long-enough-0123', appUrl: 'http://127.0.0.1:0' };
  await until(async () => (await sql<{ r: boolean }>`select pg_is_in_recovery() as r`.execute(replicaAdmin)).rows[0].r, 'the standby to be in recovery');
}, 120_000);

afterAll(async () => {
  await sql`select pg_wal_replay_resume()`.execute(replicaAdmin).catch(() => {});
  await replica?.close();
  await replicaAdmin?.destroy();
  await primaryDb?.destroy();
  await servers?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** A dashboard member whose browser keeps the read-after cookie, as contextFactory does with a real one. */
async function member(userId: string, merchantId: string) {
  const { token } = await createSession(primaryDb, userId, merchantId);
  const session = await resolveSession(primaryDb, token);
  const cookie: { readAfter: string | null } = { readAfter: null };
  const caller = () => createCaller(createInnerContext({ deps, session, readAfter: cookie.readAfter, noteWrite: (lsn) => { cookie.readAfter = lsn; } }));
  return { caller, cookie };
}

describe('DATABASE_REPLICA_URL: list reads from a streaming replica, read-your-writes by LSN', () => {
  it('the standby streams from the primary', async () => {
    // The WAL receiver starts a moment after recovery does (later still on a loaded machine): wait for it.
    const status = async () => (await sql<{ status: string }>`select status from pg_stat_wal_receiver`.execute(replicaAdmin)).rows[0]?.status;
    await until(async () => (await status()) === 'streaming', 'the standby to stream from the primary');
    expect(await status()).toBe('streaming');
    await expect(sql`create table nope (id int)`.execute(replicaAdmin)).rejects.toThrow(/read-only/);
  });

  it('a member sees their refund at once while replay is paused; others read the lagging replica; all converge', async () => {
    const m = await createTestMerchant(primaryDb);
    const actor = { merchantId: m.merchant.id, livemode: false };
    const intent = await createPaymentIntent(deps, actor, { amount: 5000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    const owner = await member(m.user.id, m.merchant.id);
    const colleague = await member(m.user.id, m.merchant.id);

    // Before any write of theirs, list reads are the replica's; wait for it to have the payment.
    await until(async () => (await owner.caller().payments.list({})).items.some((p) => p.id === intent.id), 'the payment to reach the replica');

    await sql`select pg_wal_replay_pause()`.execute(replicaAdmin);
    await until(async () => (await sql<{ s: string }>`select pg_get_wal_replay_pause_state() as s`.execute(replicaAdmin)).rows[0].s === 'paused', 'replay to pause');

    const { refund } = await owner.caller().payments.refund({ id: intent.id, amount: 1200, reason: 'requested_by_customer' });
    expect(owner.cookie.readAfter).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(await replica.hasReplayed(owner.cookie.readAfter!)).toBe(false);

    // The member who refunded reads from the primary until the replica has replayed their commit…
    const mine = await owner.caller().refunds.list({ payment: intent.id });
    expect(mine.items.map((r) => r.id)).toContain(refund.id);
    // …while a reader without that write is served by the (paused) replica, which has not got it yet.
    const theirs = await colleague.caller().refunds.list({ payment: intent.id });
    expect(theirs.items).toEqual([]);
    // A read that is not a list (the payment's detail) is always the primary's.
    expect((await colleague.caller().payments.get({ id: intent.id })).refunds.map((r) => r.refund.id)).toContain(refund.id);

    await sql`select pg_wal_replay_resume()`.execute(replicaAdmin);
    await until(() => replica.hasReplayed(owner.cookie.readAfter!), 'the replica to replay the refund');
    expect(await replica.forReads(primaryDb, owner.cookie.readAfter)).toBe(replica.db);
    expect((await colleague.caller().refunds.list({ payment: intent.id })).items.map((r) => r.id)).toContain(refund.id);
    expect((await owner.caller().refunds.list({ payment: intent.id })).items.map((r) => r.id)).toContain(refund.id);
  });

  it('a replica that cannot be reached sends reads to the primary', async () => {
    const gone = openReadReplica('postgres://postgres:x@127.0.0.1:1/pf');
    try {
      expect(await gone.forReads(primaryDb, null)).toBe(primaryDb);
      expect(await gone.hasReplayed('0/0')).toBe(false);
    } finally {
      await gone.close();
    }
  });
});
