import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../core/customers/customers.service.js';
import { createSession, pruneExpiredSessions, resolveSession } from '../core/accounts/accounts.service.js';
import { pruneIdempotencyKeys, runIdempotent, type IdempotentRequest } from '../core/idempotency/idempotency.service.js';
import { sha256Hex } from '../core/shared/crypto.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../test/db.js';
import { createPaymentIntent, getPaymentIntent } from '../core/payment-intents/payment-intents.service.js';
import { expireIntents } from '../core/payment-intents/expiry.service.js';
import { createRefund, getRefund, processPendingRefunds } from '../core/refunds/refunds.service.js';
import type { Actor } from '../core/shared/deps.js';
import { startWorkers, type WorkerOptions } from './index.js';

let t: TestDatabase;
let actor: Actor;

beforeAll(async () => {
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  actor = { merchantId: m.merchant.id, livemode: false };
});
afterAll(async () => t?.drop());

const HOUR = 3_600_000;
const noErrors = () => {
  throw new Error('not expected');
};
/** Fast intervals so crash recovery takes seconds; no crontab, so periodic runs do not interfere. */
const fast = (lines: string[], extra: Partial<WorkerOptions> = {}): WorkerOptions => ({
  databaseUrl: t.url, concurrency: 2, poolSize: 4, heartbeatMs: 200, staleAfterMs: 2000, pollIntervalMs: 200, crontab: false,
  log: (l) => lines.push(l), ...extra,
});
const jobs = async (task: string) =>
  (await sql<{ id: string; locked_by: string | null; attempts: number }>`select id, locked_by, attempts from graphile_worker.jobs where task_identifier = ${task}`.execute(t.db)).rows;
async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A real worker process (worker-process.fixture.ts) that has locked a `test-hold` job it never finishes. */
async function workerProcessHoldingAJob() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/jobs/worker-process.fixture.ts', t.url, '200', '2000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const state = { output: '' };
  child.stdout.on('data', (d) => (state.output += d));
  child.stderr.on('data', (d) => (state.output += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    await until('the worker process to start', async () => state.output.includes('ready') || (child.exitCode !== null && noErrors()), 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${state.output}`);
  }
  await sql`select graphile_worker.add_job('test-hold', '{}'::json)`.execute(t.db);
  const [held] = await until('the job to be locked', async () => {
    const rows = await jobs('test-hold');
    return rows[0]?.locked_by ? rows : undefined;
  });
  return { child, exited, held, state };
}

describe('background jobs', () => {
  it('prunes idempotency keys once they are past 24 hours, never a request still in flight', async () => {
    const m = await createTestMerchant(t.db);
    const scope = { merchantId: m.merchant.id, livemode: false };
    const request = (key: string): IdempotentRequest => ({ key, method: 'POST', path: '/v1/customers', params: { name: key } });
    const create = (key: string) => runIdempotent(t.deps, scope, request(key), async (tx) => ({ status: 200, body: await createCustomer(t.deps, scope, { name: key }, tx) }), () => undefined);
    const first = await create('kept-then-pruned');

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const inFlight = runIdempotent(t.deps, scope, request('in-flight'), async (tx) => {
      started();
      await held;
      return { status: 200, body: await createCustomer(t.deps, scope, { name: 'in-flight' }, tx) };
    }, () => undefined);
    await running;

    expect(await pruneIdempotencyKeys(t.deps, new Date(Date.now() + 23 * HOUR))).toBe(0);
    expect((await create('kept-then-pruned')).replayed).toBe(true);
    expect(await pruneIdempotencyKeys(t.deps, new Date(Date.now() + 25 * HOUR))).toBe(1);
    release();
    expect((await inFlight).replayed).toBe(false);
    // The pruned key runs again as a new request; the in-flight one committed and replays.
    const again = await create('kept-then-pruned');
    expect(again.replayed).toBe(false);
    expect((again.body as { id: string }).id).not.toBe((first.body as { id: string }).id);
    expect((await runIdempotent(t.deps, scope, request('in-flight'), async () => ({ status: 500, body: null }), () => undefined)).replayed).toBe(true);
  });

  it('prunes sessions past their idle or absolute expiry and keeps live ones', async () => {
    const m = await createTestMerchant(t.db);
    const live = await createSession(t.db, m.user.id, m.merchant.id);
    const idle = await createSession(t.db, m.user.id, m.merchant.id);
    await t.db.updateTable('sessions').set({ last_seen_at: new Date(Date.now() - 25 * 3_600_000) }).where('token_hash', '=', sha256Hex(idle.token)).execute();
    expect(await pruneExpiredSessions(t.db)).toBe(1);
    expect(await resolveSession(t.db, live.token)).not.toBeNull();
    expect(await t.db.selectFrom('sessions').select('token_hash').where('token_hash', '=', sha256Hex(idle.token)).executeTakeFirst()).toBeUndefined();
  });

  it('shares work between concurrent runs without doing anything twice', async () => {
    const intents = await Promise.all(Array.from({ length: 12 }, () => createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd' })));
    const later = new Date(Date.now() + 2 * 3600_000);
    const counts = await Promise.all([expireIntents(t.deps, later, 3), expireIntents(t.deps, later, 3), expireIntents(t.deps, later, 3)]);
    expect(counts.reduce((s, n) => s + n, 0)).toBe(12);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from events where merchant_id = ${actor.merchantId} and type = 'payment_intent.canceled'`.execute(t.db);
    expect(rows[0].n).toBe(12);
    for (const pi of intents) expect((await getPaymentIntent(t.deps, actor, pi.id)).cancellation_reason).toBe('abandoned');

    const paid = await createPaymentIntent(t.deps, actor, { amount: 5000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    for (let i = 0; i < 5; i++) await createRefund(t.deps, actor, { payment_intent: paid.id, amount: 100 });
    const settled = await Promise.all([processPendingRefunds(t.deps, { olderThanMs: 0 }), processPendingRefunds(t.deps, { olderThanMs: 0 })]);
    expect(settled[0] + settled[1]).toBe(5);
    const { rows: updates } = await sql<{ n: number }>`select count(*)::int as n from events where merchant_id = ${actor.merchantId} and type = 'refund.updated'`.execute(t.db);
    expect(updates[0].n).toBe(5);
  });

  it('queues a refund\'s settlement in the refund\'s own transaction', async () => {
    const paid = await createPaymentIntent(t.deps, actor, { amount: 5000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    const before = (await jobs('settle-refund')).length;
    await t.db.transaction().execute(async (tx) => {
      await createRefund(t.deps, actor, { payment_intent: paid.id, amount: 100 }, tx);
      expect((await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'settle-refund'`.execute(tx)).rows[0].n).toBe(before + 1);
      throw new Error('roll back');
    }).catch((e) => expect((e as Error).message).toBe('roll back'));
    expect((await jobs('settle-refund')).length).toBe(before);
    await createRefund(t.deps, actor, { payment_intent: paid.id, amount: 100 });
    expect((await jobs('settle-refund')).length).toBe(before + 1);
  });

  it('the workers settle a refund through its queued job and stop cleanly', async () => {
    const paid = await createPaymentIntent(t.deps, actor, { amount: 5000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    const refund = await createRefund(t.deps, actor, { payment_intent: paid.id, amount: 100 });
    const lines: string[] = [];
    const workers = await startWorkers(t.deps, fast(lines));
    try {
      await until('the refund to settle', async () => (await getRefund(t.deps, actor, refund.id)).status !== 'pending', 20_000);
    } finally {
      await workers.stop();
    }
    expect((await getRefund(t.deps, actor, refund.id)).status).toBe('succeeded');
    expect(await jobs('settle-refund')).toEqual([]);
    expect(await t.db.selectFrom('worker_heartbeats').selectAll().execute()).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('a graceful stop lets the job in flight finish', async () => {
    let finished = false;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const lines: string[] = [];
    const workers = await startWorkers(t.deps, fast(lines, {
      extraTasks: {
        'test-slow': async () => {
          started();
          await new Promise((r) => setTimeout(r, 500));
          finished = true;
        },
      },
    }));
    await sql`select graphile_worker.add_job('test-slow', '{}'::json)`.execute(t.db);
    await running;
    await workers.stop();
    expect(lines).toEqual([]);
    expect(finished).toBe(true);
    expect(await jobs('test-slow')).toEqual([]);
  });

  it('a live worker keeps a job that outlasts the stale limit; no other worker runs it again', async () => {
    let runs = 0;
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const long = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 2500));
      done();
    };
    const lines: string[] = [];
    const opts = fast(lines, { staleAfterMs: 1000, extraTasks: { 'test-long': long } });
    const first = await startWorkers(t.deps, opts);
    const second = await startWorkers(t.deps, opts);
    try {
      await sql`select graphile_worker.add_job('test-long', '{}'::json)`.execute(t.db);
      await finished;
      // Both processes beat (and sweep) several times while the job runs.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    expect(runs).toBe(1);
    expect(await jobs('test-long')).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('a SIGKILLed worker\'s job is picked up by another worker well within 60 s', async () => {
    const { child, exited, held } = await workerProcessHoldingAJob();
    try {
      expect(await t.db.selectFrom('worker_heartbeats').select('worker_id').where('worker_id', '=', held.locked_by!).executeTakeFirst()).toBeDefined();
      child.kill('SIGKILL');
      await exited;
      const killedAt = Date.now();

      let ranBy: string | undefined;
      const lines: string[] = [];
      const rescuer = await startWorkers(t.deps, fast(lines, { extraTasks: { 'test-hold': async () => void (ranBy = 'rescuer') } }));
      try {
        await until('another worker to run the job', async () => ranBy, 60_000);
      } finally {
        await rescuer.stop();
      }
      // Within a minute of the crash, and by the heartbeat rather than graphile-worker's 4-hour lock expiry.
      expect(Date.now() - killedAt).toBeLessThan(60_000);
      expect(lines.some((l) => l.includes(held.locked_by!))).toBe(true);
      expect(await jobs('test-hold')).toEqual([]);
      expect(await t.db.selectFrom('worker_heartbeats').selectAll().execute()).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('SIGTERM releases a job that does not finish in time, for another worker to run', async () => {
    const { child, exited, held, state } = await workerProcessHoldingAJob();
    try {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(state.output).toContain('stopped');
      const [released] = await jobs('test-hold');
      expect(released).toMatchObject({ id: held.id, locked_by: null });
      expect(await t.db.selectFrom('worker_heartbeats').selectAll().execute()).toEqual([]);

      let ran = false;
      const next = await startWorkers(t.deps, fast([], { extraTasks: { 'test-hold': async () => void (ran = true) } }));
      try {
        await until('another worker to run the released job', async () => ran, 30_000);
      } finally {
        await next.stop();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
