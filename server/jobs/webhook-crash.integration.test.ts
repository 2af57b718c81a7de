import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../core/customers/customers.service.js';
import { createWebhookEndpoint } from '../core/webhook-endpoints/webhook-endpoints.service.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../test/db.js';

let t: TestDatabase;
let receiver: Server;
let base: string;
/** Every request the receiver got, by event id (a redelivery adds to the count). */
const arrivals = new Map<string, number>();
const children: ChildProcess[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const id = (JSON.parse(body) as { id: string }).id;
      arrivals.set(id, (arrivals.get(id) ?? 0) + 1);
      // A little work per request, so a kill always lands with deliveries in flight.
      setTimeout(() => res.writeHead(200).end('ok'), 5);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
  await t?.drop();
});

async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startWorkerProcess() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/jobs/webhook-worker.fixture.ts', t.url], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  await until('the worker process to start', () => output.includes('ready') || (child.exitCode !== null && Promise.reject(new Error(output))), 90_000);
  return { child, exited };
}

const TOTAL = 1000;

describe('webhook delivery under crashes', { timeout: 600_000 }, () => {
  it('a worker SIGKILLed three times while 1,000 events go out: every event arrives, none is stranded beyond 60 s', async () => {
    // 5 merchants with an endpoint each (5 queues side by side), 200 events each, all written before any worker runs.
    const merchants = [];
    for (let i = 0; i < 5; i++) {
      const m = await createTestMerchant(t.db);
      const scope = { merchantId: m.merchant.id, livemode: false };
      await createWebhookEndpoint(t.deps, scope, { url: `${base}/m${i}`, enabled_events: ['customer.created'] });
      merchants.push(scope);
    }
    for (let n = 0; n < TOTAL / 5; n += 10) {
      await Promise.all(merchants.flatMap((scope) => Array.from({ length: 10 }, (_, k) => createCustomer(t.deps, scope, { name: `c${n + k}` }))));
    }
    const stranded: { ids: string[]; killedAt: number }[] = [];
    const pending = () => t.db.selectFrom('webhook_deliveries').select(({ fn }) => fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
    expect((await pending()).n).toBe(TOTAL);

    for (let kill = 0; kill < 3; kill++) {
      const worker = await startWorkerProcess();
      const before = arrivals.size;
      await until('some deliveries to go out', () => arrivals.size >= Math.min(TOTAL, before + 120));
      worker.child.kill('SIGKILL');
      await worker.exited;
      const killedAt = Date.now();
      // What the killed process had in flight (leased, not finished): the next process must get these
      // through within 60 s of the crash.
      const inFlight = await t.db.selectFrom('webhook_deliveries').select('id').where('status', '=', 'pending').where('lease_until', '>', new Date()).execute();
      stranded.push({ ids: inFlight.map((r) => r.id), killedAt });
    }

    const last = await startWorkerProcess();
    try {
      await until('every event to arrive', () => arrivals.size === TOTAL, 240_000);
      await until('every delivery to be recorded', async () => (await pending()).n === 0 && true);
      const rows = await t.db.selectFrom('webhook_deliveries').select(['id', 'status', 'updated_at']).execute();
      expect(rows.filter((r) => r.status !== 'succeeded')).toEqual([]);
      // Deliveries in flight at each crash went out again within a minute of it (their leases lapse first).
      const byId = new Map(rows.map((r) => [r.id, r.updated_at.getTime()]));
      for (const { ids, killedAt } of stranded) {
        for (const id of ids) expect(byId.get(id)! - killedAt).toBeLessThan(60_000);
      }
      expect(stranded.some((s) => s.ids.length > 0)).toBe(true);
      expect([...arrivals.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(TOTAL);
    } finally {
      last.child.kill('SIGTERM');
      await last.exited;
    }
  });
});
