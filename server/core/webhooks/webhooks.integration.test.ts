import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../../jobs/index.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { createCustomer, updateCustomer } from '../customers/customers.service.js';
import type { Actor } from '../shared/deps.js';
import { checkEndpointUrl, createWebhookEndpoint, getWebhookEndpoint, rollWebhookEndpointSecret } from '../webhook-endpoints/webhook-endpoints.service.js';
import { isPublicAddress } from './webhook-target.js';
import { defaultDeliveryOptions, deliverWebhook, drainEndpoint, getRecovery, nextDelay, parseRetryAfter, resendDelivery, RETRY_SCHEDULE_MS, runRecovery, startRecovery, type DeliveryOptions } from './webhooks.service.js';

let t: TestDatabase;
const stripe = new Stripe('sk_test_unused');

/** A real receiver: each path answers with its own handler; every request is kept. */
interface Received { path: string; headers: IncomingMessage['headers']; body: string }
let server: Server;
let base: string;
const received: Received[] = [];
const handlers = new Map<string, (req: Received, res: ServerResponse) => void>();

beforeAll(async () => {
  t = await createTestDatabase();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const r = { path: req.url ?? '', headers: req.headers, body };
      received.push(r);
      const handler = handlers.get(r.path);
      if (handler) handler(r, res);
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await t?.drop();
});

const lines: string[] = [];
const options = (extra: Partial<DeliveryOptions> = {}): DeliveryOptions => ({
  retryScheduleMs: [200, 400, 600], jitter: 0, timeoutMs: 1000, disableAfterMs: 5 * 86_400_000, log: (l) => lines.push(l), ...extra,
});

async function setup(path: string, events: string[] = ['*']) {
  const m = await createTestMerchant(t.db);
  const actor: Actor = { merchantId: m.merchant.id, livemode: false };
  const endpoint = await createWebhookEndpoint(t.deps, actor, { url: `${base}${path}`, enabled_events: events });
  return { actor, endpoint };
}
const deliveriesOf = (endpointId: string) =>
  t.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).orderBy('created_at').orderBy('id').execute();
const attemptsOf = (deliveryId: string) => t.db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('id').execute();
const jobsFor = async (deliveryId: string) =>
  (await sql<{ run_at: Date; queue_name: string | null }>`
    select j.run_at, q.queue_name from graphile_worker._private_jobs j
    left join graphile_worker._private_job_queues q on q.id = j.job_queue_id
    where j.payload->>'deliveryId' = ${deliveryId}`.execute(t.db)).rows;
async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('webhook delivery', () => {
  it('adds a delivery job in the transaction that writes the event, in the endpoint\'s own queue', async () => {
    const { actor, endpoint } = await setup('/tx');
    await t.db.transaction().execute(async (tx) => {
      await createCustomer(t.deps, actor, { name: 'rolled back' }, tx);
      throw new Error('roll back');
    }).catch((e) => expect((e as Error).message).toBe('roll back'));
    expect(await deliveriesOf(endpoint.id)).toEqual([]);
    await createCustomer(t.deps, actor, { name: 'kept' });
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(await jobsFor(delivery.id)).toEqual([expect.objectContaining({ queue_name: `webhooks:${endpoint.id}` })]);
  });

  it('signs every delivery so the stripe SDK and standardwebhooks verify it, and records the attempt', async () => {
    const { actor, endpoint } = await setup('/signed');
    const customer = await createCustomer(t.deps, actor, { name: 'Ada' });
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(await deliverWebhook(t.deps, actor, delivery.id, options())).toBe('succeeded');
    const got = received.filter((r) => r.path === '/signed');
    expect(got).toHaveLength(1);
    const event = stripe.webhooks.constructEvent(got[0].body, got[0].headers['stripe-signature'] as string, endpoint.secret);
    expect(event).toMatchObject({ type: 'customer.created', data: { object: { id: customer.id } } });
    expect(stripe.webhooks.constructEvent(got[0].body, got[0].headers['pf-signature'] as string, endpoint.secret).id).toBe(event.id);
    expect(new Webhook(endpoint.secret.slice('whsec_'.length)).verify(got[0].body, got[0].headers as Record<string, string>)).toMatchObject({ id: event.id });
    expect(() => stripe.webhooks.constructEvent(got[0].body, got[0].headers['stripe-signature'] as string, 'whsec_' + Buffer.alloc(32).toString('base64'))).toThrow();

    const [attempt] = await attemptsOf(delivery.id);
    expect(attempt).toMatchObject({ status_code: 200, error: null, response_excerpt: 'ok', request_body: got[0].body });
    expect(attempt.request_headers).toMatchObject({ 'webhook-id': event.id });
    expect(attempt.response_headers).toMatchObject({ 'content-type': 'text/plain' });
    expect(attempt.latency_ms).toBeGreaterThanOrEqual(0);
    expect((await deliveriesOf(endpoint.id))[0]).toMatchObject({ status: 'succeeded', attempt_count: 1, last_status_code: 200, lease_until: null });
    // Delivered once: the job run again finds nothing to do.
    expect(await deliverWebhook(t.deps, actor, delivery.id, options())).toBe('skipped');
  });

  it('signs with both secrets while a rolled secret overlaps, then with the new one only', async () => {
    const { actor, endpoint } = await setup('/rolled');
    const rolled = await rollWebhookEndpointSecret(t.deps, actor, endpoint.id, 24);
    expect(rolled.secret).not.toBe(endpoint.secret);
    await createCustomer(t.deps, actor, { name: 'During the roll' });
    let [delivery] = await deliveriesOf(endpoint.id);
    await deliverWebhook(t.deps, actor, delivery.id, options());
    const during = received.filter((r) => r.path === '/rolled').at(-1)!;
    expect((during.headers['stripe-signature'] as string).match(/v1=/g)).toHaveLength(2);
    expect((during.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
    for (const secret of [endpoint.secret, rolled.secret]) {
      expect(stripe.webhooks.constructEvent(during.body, during.headers['stripe-signature'] as string, secret).type).toBe('customer.created');
      expect(new Webhook(secret.slice(6)).verify(during.body, during.headers as Record<string, string>)).toBeTruthy();
    }
    const again = await rollWebhookEndpointSecret(t.deps, actor, endpoint.id, 0);
    await expect(rollWebhookEndpointSecret(t.deps, actor, endpoint.id, 25)).rejects.toThrow(/between 0 and 24 hours/);
    await updateCustomer(t.deps, actor, (await createCustomer(t.deps, actor, { name: 'x' })).id, { name: 'After' });
    delivery = (await deliveriesOf(endpoint.id)).at(-1)!;
    await deliverWebhook(t.deps, actor, delivery.id, options());
    const after = received.filter((r) => r.path === '/rolled').at(-1)!;
    expect((after.headers['stripe-signature'] as string).match(/v1=/g)).toHaveLength(1);
    expect(stripe.webhooks.constructEvent(after.body, after.headers['stripe-signature'] as string, again.secret).type).toBe('customer.updated');
    expect(() => stripe.webhooks.constructEvent(after.body, after.headers['stripe-signature'] as string, rolled.secret)).toThrow();
  });

  it('retries failures on the schedule, then gives up; 3xx is a failure', async () => {
    const { actor, endpoint } = await setup('/failing');
    let answers = [500, 302, 500, 500];
    handlers.set('/failing', (_r, res) => res.writeHead(answers.shift() ?? 500, { location: 'https://elsewhere.test/' }).end('broken'));
    await createCustomer(t.deps, actor, { name: 'Retry me' });
    const [delivery] = await deliveriesOf(endpoint.id);
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await deliverWebhook(t.deps, actor, delivery.id, options()));
    expect(outcomes).toEqual(['retrying', 'retrying', 'retrying', 'failed']);
    const attempts = await attemptsOf(delivery.id);
    expect(attempts.map((a) => a.status_code)).toEqual([500, 302, 500, 500]);
    expect(attempts[0].response_excerpt).toBe('broken');
    // One rescheduled job per retry, each in the endpoint's queue at the schedule's delay after its attempt.
    const jobs = (await jobsFor(delivery.id)).map((j) => j.run_at.getTime()).sort();
    expect(jobs).toHaveLength(4); // the original plus three retries
    const row = (await deliveriesOf(endpoint.id))[0];
    expect(row).toMatchObject({ status: 'failed', attempt_count: 4, last_status_code: 500, next_attempt_at: null });
    expect((await t.db.selectFrom('webhook_endpoints').select('failing_since').where('id', '=', endpoint.id).executeTakeFirstOrThrow()).failing_since).not.toBeNull();
    answers = [200];
    await resendDelivery(t.deps, actor, delivery.id);
    expect(await deliverWebhook(t.deps, actor, delivery.id, options())).toBe('succeeded');
    // A success ends the failing streak.
    expect((await t.db.selectFrom('webhook_endpoints').select('failing_since').where('id', '=', endpoint.id).executeTakeFirstOrThrow()).failing_since).toBeNull();
  });

  it('the schedule is immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 24 h, 24 h with jitter; Retry-After wins where it applies', () => {
    expect(RETRY_SCHEDULE_MS.map((ms) => ms / 1000)).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000, 86400, 86400]);
    // A call times out at 15 s and an endpoint failing for 5 days is disabled, unless a test says otherwise.
    expect(defaultDeliveryOptions()).toMatchObject({ retryScheduleMs: RETRY_SCHEDULE_MS, timeoutMs: 15_000, disableAfterMs: 5 * 86_400_000, jitter: 0.1 });
    const o = { retryScheduleMs: RETRY_SCHEDULE_MS, jitter: 0.1 };
    expect(nextDelay(1, null, o, () => 0)).toBe(4500);
    expect(nextDelay(1, null, o, () => 1)).toBe(5500);
    expect(nextDelay(9, null, o, () => 0.5)).toBe(86_400_000);
    expect(nextDelay(10, null, o)).toBeNull();
    expect(nextDelay(2, 120_000, o)).toBe(120_000);
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(50_000);
    expect(parseRetryAfter('soon')).toBeNull();
  });

  it('honours Retry-After on 503 (and not on a plain 500)', async () => {
    const { actor, endpoint } = await setup('/busy');
    const answers: Array<[number, string]> = [[503, '3600'], [500, '3600']];
    handlers.set('/busy', (_r, res) => {
      const [status, after] = answers.shift() ?? [200, '0'];
      res.writeHead(status, { 'retry-after': after }).end();
    });
    await createCustomer(t.deps, actor, { name: 'Busy' });
    const [delivery] = await deliveriesOf(endpoint.id);
    await deliverWebhook(t.deps, actor, delivery.id, options());
    let [attempt] = await attemptsOf(delivery.id);
    let row = (await deliveriesOf(endpoint.id))[0];
    expect(row.next_attempt_at!.getTime() - attempt.created_at.getTime()).toBeGreaterThan(3_500_000);
    await deliverWebhook(t.deps, actor, delivery.id, options());
    attempt = (await attemptsOf(delivery.id))[1];
    row = (await deliveriesOf(endpoint.id))[0];
    expect(row.next_attempt_at!.getTime() - attempt.created_at.getTime()).toBeLessThan(60_000);
  });

  it('410 Gone disables the endpoint; so does failing continuously for 5 days, with an operator log line', async () => {
    const gone = await setup('/gone');
    handlers.set('/gone', (_r, res) => res.writeHead(410).end());
    await createCustomer(t.deps, gone.actor, { name: 'Gone' });
    const [d1] = await deliveriesOf(gone.endpoint.id);
    expect(await deliverWebhook(t.deps, gone.actor, d1.id, options())).toBe('failed');
    expect((await getWebhookEndpoint(t.deps, gone.actor, gone.endpoint.id)).status).toBe('disabled');
    expect(lines.some((l) => l.includes(gone.endpoint.id) && l.includes('410'))).toBe(true);

    const stale = await setup('/stale');
    handlers.set('/stale', (_r, res) => res.writeHead(500).end());
    await t.db.updateTable('webhook_endpoints').set({ failing_since: new Date(Date.now() - 5 * 86_400_000 - 60_000) }).where('id', '=', stale.endpoint.id).execute();
    await createCustomer(t.deps, stale.actor, { name: 'Stale' });
    const [d2] = await deliveriesOf(stale.endpoint.id);
    expect(await deliverWebhook(t.deps, stale.actor, d2.id, options())).toBe('failed');
    expect((await getWebhookEndpoint(t.deps, stale.actor, stale.endpoint.id)).status).toBe('disabled');
    expect(lines.some((l) => l.includes(stale.endpoint.id) && l.includes('failed continuously'))).toBe(true);
    // Later deliveries to a disabled endpoint are not sent.
    const sent = received.length;
    await t.db.updateTable('webhook_deliveries').set({ status: 'pending' }).where('id', '=', d2.id).execute();
    expect(await deliverWebhook(t.deps, stale.actor, d2.id, options())).toBe('skipped');
    expect(received.length).toBe(sent);
  });

  it('a receiver that hangs times out and is retried; a held lease is left alone', async () => {
    const { actor, endpoint } = await setup('/hang');
    handlers.set('/hang', () => {});
    await createCustomer(t.deps, actor, { name: 'Hang' });
    const [delivery] = await deliveriesOf(endpoint.id);
    const first = deliverWebhook(t.deps, actor, delivery.id, options({ timeoutMs: 500, retryScheduleMs: [60_000, 60_000] }));
    await until('the call to start', async () => received.some((r) => r.path === '/hang'));
    // A second job meanwhile (a resend, or the rescue of a killed worker's job) waits for the lease to lapse.
    expect(await deliverWebhook(t.deps, actor, delivery.id, options())).toBe('deferred');
    const held = await t.db.selectFrom('webhook_deliveries').select('lease_until').where('id', '=', delivery.id).executeTakeFirstOrThrow();
    expect((await jobsFor(delivery.id)).some((j) => Math.abs(j.run_at.getTime() - held.lease_until!.getTime() - 500) < 5)).toBe(true);
    expect(await first).toBe('retrying');
    // The deferred job, run early, leaves the retry to its own schedule.
    expect(await deliverWebhook(t.deps, actor, delivery.id, options(), { deferred: true })).toBe('skipped');
    const [attempt] = await attemptsOf(delivery.id);
    expect(attempt).toMatchObject({ status_code: null, error: 'Timed out after 0.5 s' });
  });

  it('a resend while an attempt is in flight waits for it instead of calling a second time at once', async () => {
    const { actor, endpoint } = await setup('/busy-resend');
    const held: ServerResponse[] = [];
    handlers.set('/busy-resend', (_r, res) => held.push(res));
    await createCustomer(t.deps, actor, { name: 'In flight' });
    const [delivery] = await deliveriesOf(endpoint.id);
    const first = deliverWebhook(t.deps, actor, delivery.id, options({ timeoutMs: 60_000 }));
    await until('the call to start', async () => held.length === 1);
    await resendDelivery(t.deps, actor, delivery.id);
    // The resend's job: the delivery is leased by the call in flight, so it waits for the lease.
    expect(await drainEndpoint(t.deps, actor, delivery.id, options())).toBe('deferred');
    expect(received.filter((r) => r.path === '/busy-resend')).toHaveLength(1);
    held[0].writeHead(200).end();
    expect(await first).toBe('succeeded');
    expect(await attemptsOf(delivery.id)).toHaveLength(1);
  });

  it('"Recover failed since" also sends again the deliveries still waiting for a retry (a receiver down for an hour)', async () => {
    const { actor, endpoint } = await setup('/down-an-hour');
    let up = false;
    handlers.set('/down-an-hour', (_r, res) => res.writeHead(up ? 200 : 502).end());
    const since = new Date(Date.now() - 1000);
    for (let i = 0; i < 2; i++) await createCustomer(t.deps, actor, { name: `d${i}` });
    const rows = await deliveriesOf(endpoint.id);
    // Next try in an hour; nothing has been given up on yet.
    for (const d of rows) expect(await deliverWebhook(t.deps, actor, d.id, options({ retryScheduleMs: [3_600_000, 3_600_000] }))).toBe('retrying');
    const recovery = await startRecovery(t.deps, { ...actor, userId: null }, endpoint.id, since);
    await runRecovery(t.deps, actor, recovery.id);
    expect(await getRecovery(t.deps, actor, recovery.id)).toMatchObject({ status: 'succeeded', total: 2, queued: 2 });
    up = true;
    // Due now: the recovery's job sends both at once, oldest first, not in an hour.
    expect(await drainEndpoint(t.deps, actor, rows[0].id, options())).toBe('succeeded');
    expect((await deliveriesOf(endpoint.id)).map((d) => [d.status, d.attempt_count])).toEqual([['succeeded', 2], ['succeeded', 2]]);
    expect(await getRecovery(t.deps, actor, recovery.id)).toMatchObject({ delivered: 2 });
  });

  it('"Recover failed" follows the log\'s filter: one event, or created before an end; an end before the start is refused', async () => {
    const { actor, endpoint } = await setup('/filtered-recovery');
    handlers.set('/filtered-recovery', (_r, res) => res.writeHead(500).end());
    const since = new Date(Date.now() - 1000);
    for (let i = 0; i < 3; i++) await createCustomer(t.deps, actor, { name: `f${i}` });
    const rows = await deliveriesOf(endpoint.id);
    expect(rows).toHaveLength(3);
    for (const d of rows) expect(await deliverWebhook(t.deps, actor, d.id, options({ retryScheduleMs: [3_600_000] }))).toBe('retrying');
    const member = { ...actor, userId: null };

    const one = await startRecovery(t.deps, member, endpoint.id, since, { eventId: rows[1].event_id });
    await runRecovery(t.deps, actor, one.id);
    expect(await getRecovery(t.deps, actor, one.id)).toMatchObject({ status: 'succeeded', total: 1, queued: 1 });

    // Only the first delivery was created before the end (exclusive).
    const { rows: [second] } = await sql<{ created_at: Date }>`select created_at from webhook_deliveries where merchant_id = ${actor.merchantId} and id = ${rows[1].id}`.execute(t.db);
    const untilSecond = await startRecovery(t.deps, member, endpoint.id, since, { until: second.created_at });
    await runRecovery(t.deps, actor, untilSecond.id);
    expect(await getRecovery(t.deps, actor, untilSecond.id)).toMatchObject({ status: 'succeeded', total: 1, queued: 1 });

    await expect(startRecovery(t.deps, member, endpoint.id, since, { until: since })).rejects.toMatchObject({ param: 'until' });
  });

  it('a drain keeps at most inFlight calls open to an endpoint, leased and started oldest first; with 1, strictly in order', async () => {
    const { actor, endpoint } = await setup('/window');
    const held: ServerResponse[] = [];
    handlers.set('/window', (_r, res) => held.push(res));
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await createCustomer(t.deps, actor, { name: `w${i}` })).id);
    const [first] = await deliveriesOf(endpoint.id);
    const drained = drainEndpoint(t.deps, actor, first.id, options({ inFlight: 3 }));
    // Three calls open at the receiver, none answered: the drain has leased those three and no more.
    await until('three calls open', async () => held.length === 3);
    const leased = (await deliveriesOf(endpoint.id)).filter((d) => d.lease_until && d.status === 'pending');
    expect(leased.map((d) => d.event_id)).toEqual((await deliveriesOf(endpoint.id)).slice(0, 3).map((d) => d.event_id));
    expect(held).toHaveLength(3);
    // From now on the receiver answers at once; the rest go out as slots free.
    handlers.delete('/window');
    for (const res of held.splice(0)) res.writeHead(200).end('ok');
    expect(await drained).toBe('succeeded');
    const order = received.filter((r) => r.path === '/window').map((r) => ids.indexOf(JSON.parse(r.body).data.object.id));
    expect([...order].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expectStartedInOrder(order, 3);
    const sent = await deliveriesOf(endpoint.id);
    expect(sent.every((d) => d.status === 'succeeded' && d.attempt_count === 1)).toBe(true);
    // The jobs of the deliveries it sent for the others are gone with their attempt; its own job is the caller's.
    expect((await Promise.all(sent.map((d) => jobsFor(d.id)))).map((jobs) => jobs.length)).toEqual([1, 0, 0, 0, 0, 0, 0]);

    const strict = await setup('/strict');
    const strictIds: string[] = [];
    for (let i = 0; i < 6; i++) strictIds.push((await createCustomer(t.deps, strict.actor, { name: `s${i}` })).id);
    const [head] = await deliveriesOf(strict.endpoint.id);
    expect(await drainEndpoint(t.deps, strict.actor, head.id, options({ inFlight: 1 }))).toBe('succeeded');
    expect(received.filter((r) => r.path === '/strict').map((r) => JSON.parse(r.body).data.object.id)).toEqual(strictIds);
  });

  it('the workers deliver each endpoint\'s events in order, and recover once the receiver does', { timeout: 300_000 }, async () => {
    const a = await setup('/ordered');
    const b = await setup('/recovers');
    // Down for its first two attempts, whatever the pace of the machine, then up.
    let recoversCalls = 0;
    handlers.set('/recovers', (_r, res) => res.writeHead(++recoversCalls <= 2 ? 503 : 200).end());
    // An endpoint that hangs until the test lets go (well within the timeout): the others must not wait for it.
    const stuck = await setup('/stuck');
    const stuckHeld: ServerResponse[] = [];
    handlers.set('/stuck', (_r, res) => stuckHeld.push(res));
    for (let i = 0; i < 2; i++) await createCustomer(t.deps, stuck.actor, { name: `stuck${i}` });
    const workers = await startWorkers(t.deps, {
      databaseUrl: t.url, concurrency: 4, poolSize: 8, heartbeatMs: 200, staleAfterMs: 2000, pollIntervalMs: 100, crontab: false,
      webhooks: { retryScheduleMs: [100, 100, 100, 100, 100, 100, 100, 100, 100], jitter: 0, timeoutMs: 200_000 }, log: (l) => lines.push(l),
    });
    try {
      await until('the stuck endpoint\'s calls to hang', async () => stuckHeld.length === 2, 240_000);
      const ids: string[] = [];
      for (let i = 0; i < 15; i++) ids.push((await createCustomer(t.deps, a.actor, { name: `c${i}` })).id);
      await createCustomer(t.deps, b.actor, { name: 'later' });
      await until('the ordered deliveries', async () => received.filter((r) => r.path === '/ordered').length >= 15, 240_000);
      const order = received.filter((r) => r.path === '/ordered').map((r) => ids.indexOf(JSON.parse(r.body).data.object.id));
      expect([...order].sort((x, y) => x - y)).toEqual(ids.map((_, i) => i));
      expectStartedInOrder(order, defaultDeliveryOptions().inFlight!);
      await until('the recovery', async () => (await deliveriesOf(b.endpoint.id))[0].status === 'succeeded', 240_000);
      expect(recoversCalls).toBe(3);
      await until('every ordered delivery to be recorded', async () => (await deliveriesOf(a.endpoint.id)).every((d) => d.status === 'succeeded'), 240_000);
      // All that while, the stuck endpoint's calls were still open.
      const stuckDeliveries = await deliveriesOf(stuck.endpoint.id);
      expect(stuckHeld).toHaveLength(2);
      expect((await Promise.all(stuckDeliveries.map((d) => attemptsOf(d.id)))).flat()).toEqual([]);
      for (const res of stuckHeld.splice(0)) res.writeHead(200).end();
      await until('the stuck endpoint\'s deliveries', async () => (await deliveriesOf(stuck.endpoint.id)).every((d) => d.status === 'succeeded'), 240_000);
    } finally {
      for (const res of stuckHeld.splice(0)) res.writeHead(200).end();
      await workers.stop();
    }
    expect((await deliveriesOf(a.endpoint.id)).every((d) => d.status === 'succeeded')).toBe(true);
  });
});

/**
 * Deliveries started oldest first with at most `inFlight` open at once, as a receiver that answers at once
 * sees them: when event j arrives, every event before j - inFlight + 1 has already arrived (its call had to
 * end to free the slot j's call took). With inFlight 1, exactly in order.
 */
function expectStartedInOrder(arrivalOrder: number[], inFlight: number) {
  arrivalOrder.forEach((j, position) => {
    const before = new Set(arrivalOrder.slice(0, position));
    for (let i = 0; i <= j - inFlight; i++) expect(before.has(i), `event ${i} arrived before event ${j}`).toBe(true);
  });
}

describe('live-mode targets', () => {
  it('refuses http, loopback, private, link-local and metadata addresses in live mode, including through a DNS name', async () => {
    const m = await createTestMerchant(t.db);
    const live: Actor = { merchantId: m.merchant.id, livemode: true };
    const test: Actor = { merchantId: m.merchant.id, livemode: false };
    const refused = async (url: string) => (await createWebhookEndpoint(t.deps, live, { url, enabled_events: ['*'] }).then(() => null, (e: Error) => e.message));
    expect(await refused('http://hooks.example.com/x')).toMatch(/must use https/);
    for (const url of ['https://127.0.0.1/x', 'https://10.1.2.3/x', 'https://192.168.0.10/x', 'https://172.20.0.1/x', 'https://169.254.169.254/latest', 'https://100.64.0.1/x', 'https://[::1]/x', 'https://[fd00::1]/x', 'https://[::ffff:127.0.0.1]/x', 'https://localhost:4242/x']) {
      expect(await refused(url), url).toMatch(/private, loopback or link-local/);
    }
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('2606:4700::1111')).toBe(true);
    expect(isPublicAddress('224.0.0.1')).toBe(false);
    // Test mode may target the developer's machine.
    await expect(createWebhookEndpoint(t.deps, test, { url: 'http://localhost:4242/x', enabled_events: ['*'] })).resolves.toMatchObject({ url: 'http://localhost:4242/x' });
  });

  it('checks the URL (a DNS lookup) before a transaction opens: inside one, unchecked input is refused and nothing is written', async () => {
    const m = await createTestMerchant(t.db);
    const live: Actor = { merchantId: m.merchant.id, livemode: true };
    const input = { url: 'https://hooks.example.invalid/in-tx', enabled_events: ['*'] };
    const inside = await t.db.transaction().execute((tx) => createWebhookEndpoint(t.deps, live, input, tx)).then(() => null, (e: Error) => e.message);
    expect(inside).toMatch(/checked \(checkEndpointUrl\) before the transaction opens/);
    expect(await t.db.selectFrom('webhook_endpoints').select('id').where('url', '=', input.url).execute()).toEqual([]);
    // Checked first, the same call inside a transaction goes through; a refused URL is refused before it opens.
    const checked = await checkEndpointUrl(live, input);
    const created = await t.db.transaction().execute((tx) => createWebhookEndpoint(t.deps, live, checked, tx));
    expect(created.url).toBe(input.url);
    await expect(checkEndpointUrl(live, { url: ' https://127.0.0.1/x ' })).rejects.toThrow(/private, loopback or link-local/);
    await expect(checkEndpointUrl(live, { url: 'http://hooks.example.com/x' })).rejects.toThrow(/must use https/);
  });

  it('a live endpoint whose name resolves to loopback at delivery time is not called', async () => {
    const m = await createTestMerchant(t.db);
    const live: Actor = { merchantId: m.merchant.id, livemode: true };
    // Saved while it pointed elsewhere; now it resolves to this machine (DNS rebinding).
    const port = (server.address() as AddressInfo).port;
    const endpoint = await createWebhookEndpoint(t.deps, live, { url: 'https://hooks.example.invalid/x', enabled_events: ['*'] });
    await t.db.updateTable('webhook_endpoints').set({ url: `https://localhost:${port}/rebound` }).where('id', '=', endpoint.id).execute();
    await createCustomer(t.deps, live, { name: 'Live' });
    const [delivery] = await deliveriesOf(endpoint.id);
    const sent = received.length;
    expect(await deliverWebhook(t.deps, live, delivery.id, options())).toBe('retrying');
    expect(received.length).toBe(sent);
    expect((await attemptsOf(delivery.id))[0].error).toMatch(/non-public address/);
  });
});
