/**
 * Webhook delivery to one local endpoint, as ratios to baselines measured in the same run (ADR 021):
 * - throughput: N events written first, then drained by the workers to one endpoint with C calls in flight
 *   (the drain's default), vs C bare loops POSTing the same signed payloads to the same receiver (measured
 *   before and after; the ratio is to the faster of the two); target >= 25 % of the baseline;
 * - lag at a steady 100 events/s to that endpoint (written open loop, one event per commit): from the
 *   writer's commit (emitEvents returning) to the receiver reading the request, p50/p95; target p95 < 1 s.
 *   Beside it, the bare POST's own round trip and the rate the writes were actually issued at.
 * The workers, the writer and the receiver share this process and the machine: absolute times under load
 * are not meaningful, the ratios and the load average printed with them are.
 * Usage: npm run bench:webhooks [-- <events>]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { emitEvents } from '../server/core/events/events.service.js';
import { createWebhookEndpoint } from '../server/core/webhook-endpoints/webhook-endpoints.service.js';
import { signatureHeaders } from '../server/core/webhooks/webhook-signing.js';
import { startWorkers } from '../server/jobs/index.js';
import { createBenchMerchant, log, percentile, Report, startBenchDatabase } from './harness.js';

/** Calls in flight: the bare loops, and the drain of the one endpoint (DeliveryOptions.inFlight). */
const CONCURRENCY = 4;
const RATE = 100;

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

export async function runWebhooksBench(report: Report, events = Number(process.argv[2] ?? 2000)) {
  const bench = await startBenchDatabase(12);
  const arrivals = new Map<string, number>();
  let expected = 0;
  let done: () => void = () => {};
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const id = (JSON.parse(body) as { id: string }).id;
      if (!arrivals.has(id)) arrivals.set(id, performance.now());
      res.writeHead(200).end();
      if (arrivals.size === expected) done();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const lines: string[] = [];
  log(`load average at start: ${loadAverage()} (${os.cpus().length} CPUs)`);
  try {
    const m = await createBenchMerchant(bench.db);
    const actor = { merchantId: m.merchant.id, livemode: false };
    const endpoint = await createWebhookEndpoint(bench.deps, actor, { url, enabled_events: ['customer.created'] });
    const payload = (i: number) => JSON.stringify({ id: `evt_base_${i}`, object: 'event', type: 'customer.created', data: { object: { id: `cus_${i}`, object: 'customer' } } });
    const post = async (i: number) => {
      const body = payload(i);
      const r = await fetch(`${url}/base`, { method: 'POST', headers: { 'content-type': 'application/json', ...signatureHeaders([endpoint.secret], `evt_base_${i}`, body, Math.floor(Date.now() / 1000)) }, body });
      await r.arrayBuffer();
    };

    // Baseline: C bare loops, each POSTing signed payloads one after another.
    let round = 0;
    const bareLoops = async () => {
      const per = Math.ceil(events / CONCURRENCY);
      const offset = round++ * per * CONCURRENCY;
      const started = performance.now();
      await Promise.all(Array.from({ length: CONCURRENCY }, async (_, c) => { for (let i = 0; i < per; i++) await post(offset + c * per + i); }));
      return (per * CONCURRENCY) / ((performance.now() - started) / 1000);
    };
    const baselineBefore = await bareLoops();

    // Throughput: the events are written (with their jobs) first, then the workers drain them.
    arrivals.clear();
    for (let i = 0; i < events; i += 200) {
      await emitEvents(bench.db, actor, Array.from({ length: Math.min(200, events - i) }, (_, j) => ({ type: 'customer.created', object: { id: `cus_${i + j}` } })));
    }
    expected = events;
    const drained = new Promise<void>((r) => (done = r));
    const started = performance.now();
    const workers = await startWorkers(bench.deps, {
      databaseUrl: bench.url, concurrency: 4, poolSize: 10, heartbeatMs: 10_000, staleAfterMs: 30_000, crontab: false, pollIntervalMs: 100,
      webhooks: { inFlight: CONCURRENCY }, log: (l) => lines.push(l),
    });
    await drained;
    const throughput = expected / ((performance.now() - started) / 1000);

    // Lag at a steady RATE events/s to the same endpoint, one event per commit.
    arrivals.clear();
    const lagEvents = Math.min(RATE * 10, events);
    expected = lagEvents;
    const committed = new Map<string, number>();
    const all = new Promise<void>((r) => (done = r));
    // Open loop, as many API clients would write: each event is written at its time, whether or not the
    // previous write has returned (a closed loop would slow down with the machine and hide the lag).
    const t0 = performance.now();
    const writes: Promise<void>[] = [];
    for (let i = 0; i < lagEvents; i++) {
      const wait = t0 + (i * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      writes.push(emitEvents(bench.db, actor, [{ type: 'customer.created', object: { id: `cus_lag_${i}` } }]).then(([e]) => void committed.set(e.id, performance.now())));
    }
    const writeRate = lagEvents / ((performance.now() - t0) / 1000);
    await Promise.all(writes);
    await all;
    await workers.stop();
    const lags = [...committed].map(([id, at]) => arrivals.get(id)! - at).sort((a, b) => a - b);

    // The bare POST's own round trip at the same rate, and the baseline again (the machine is shared).
    const rtts: number[] = [];
    const b0 = performance.now();
    for (let i = 0; i < Math.min(RATE * 5, events); i++) {
      const wait = b0 + (i * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const s = performance.now();
      await post(1_000_000 + i);
      rtts.push(performance.now() - s);
    }
    rtts.sort((a, b) => a - b);
    const baselineAfter = await bareLoops();
    const baseline = Math.max(baselineBefore, baselineAfter);

    report.add({ name: 'webhooks.throughput.bare_post', value: baseline, unit: 'posts/s' });
    log(`bare loops: ${baselineBefore.toFixed(0)} posts/s before, ${baselineAfter.toFixed(0)} after (the faster is the baseline)`);
    report.add({
      name: 'webhooks.throughput.delivered', value: throughput, unit: 'deliveries/s', ratio: throughput / baseline,
      baseline: { name: 'webhooks.throughput.bare_post', value: baseline }, target: '>= 0.25 of baseline', met: throughput / baseline >= 0.25,
    });
    const p50 = percentile(lags, 50);
    const p95 = percentile(lags, 95);
    const rttP50 = percentile(rtts, 50);
    const rttP95 = percentile(rtts, 95);
    report.add({ name: 'webhooks.lag.bare_post_rtt.p50', value: rttP50, unit: 'ms' });
    report.add({ name: 'webhooks.lag.bare_post_rtt.p95', value: rttP95, unit: 'ms' });
    report.add({ name: 'webhooks.lag.p50', value: p50, unit: 'ms', ratio: p50 / rttP50, baseline: { name: 'webhooks.lag.bare_post_rtt.p50', value: rttP50 } });
    report.add({ name: 'webhooks.lag.p95', value: p95, unit: 'ms', ratio: p95 / rttP95, baseline: { name: 'webhooks.lag.bare_post_rtt.p95', value: rttP95 }, target: `< 1000 ms at ${RATE} events/s`, met: p95 < 1000 });
    report.add({ name: 'webhooks.lag.max', value: lags.at(-1)!, unit: 'ms' });
    report.add({ name: 'webhooks.lag.write_rate', value: writeRate, unit: 'events/s issued', target: `~${RATE} events/s`, met: writeRate >= RATE * 0.9 });
    log(`load average at end: ${loadAverage()}`);
    if (lines.length) log(`worker log:\n${lines.slice(0, 20).join('\n')}`);
  } finally {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = new Report();
  runWebhooksBench(report)
    .then(() => report.write('webhooks'))
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
