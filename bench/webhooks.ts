/**
 * Webhook delivery to a local receiver, as ratios to a baseline measured in the same run:
 * - throughput: N events delivered by the workers (concurrency C, C endpoints so C queues run at once)
 *   vs C bare loops POSTing the same signed payloads to the same receiver; target ≥ 25 % of the baseline;
 * - lag at a steady 100 events/s (commit to receipt, p50/p95); target p95 < 1 s. The baseline for lag is
 *   the bare POST's own round trip at the same rate.
 * Usage: npm run bench:webhooks [-- <events>]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { emitEvents } from '../server/core/events/events.service.js';
import { createWebhookEndpoint, updateWebhookEndpoint } from '../server/core/webhook-endpoints/webhook-endpoints.service.js';
import { signatureHeaders } from '../server/core/webhooks/webhook-signing.js';
import { startWorkers } from '../server/jobs/index.js';
import { createBenchMerchant, log, percentile, Report, startBenchDatabase } from './harness.js';

const CONCURRENCY = 4;

export async function runWebhooksBench(report: Report, events = Number(process.argv[2] ?? 2000)) {
  const bench = await startBenchDatabase(12);
  const arrivals = new Map<string, number>();
  let expected = 0;
  let done: () => void = () => {};
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const id = `${req.url} ${(JSON.parse(body) as { id: string }).id}`;
      if (!arrivals.has(id)) arrivals.set(id, performance.now());
      res.writeHead(200).end();
      if (arrivals.size === expected) done();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const lines: string[] = [];
  try {
    const m = await createBenchMerchant(bench.db);
    const actor = { merchantId: m.merchant.id, livemode: false };
    const endpoints: Awaited<ReturnType<typeof createWebhookEndpoint>>[] = [];
    for (let i = 0; i < CONCURRENCY; i++) endpoints.push(await createWebhookEndpoint(bench.deps, actor, { url: `${url}/${i}`, enabled_events: ['customer.created'] }));
    const secret = endpoints[0].secret;
    const payload = (i: number) => JSON.stringify({ id: `evt_base_${i}`, object: 'event', type: 'customer.created', data: { object: { id: `cus_${i}`, object: 'customer' } } });

    // Baseline: C bare loops, each POSTing signed payloads one after another.
    const post = async (i: number) => {
      const body = payload(i);
      const r = await fetch(`${url}/base`, { method: 'POST', headers: { 'content-type': 'application/json', ...signatureHeaders([secret], `evt_base_${i}`, body, Math.floor(Date.now() / 1000)) }, body });
      await r.arrayBuffer();
    };
    const per = Math.ceil(events / CONCURRENCY);
    let started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async (_, c) => { for (let i = 0; i < per; i++) await post(c * per + i); }));
    const baseline = (per * CONCURRENCY) / ((performance.now() - started) / 1000);
    report.add({ name: 'webhooks.throughput.bare_post', value: baseline, unit: 'deliveries/s' });

    // Throughput: the events are written (with their jobs) first, then the workers drain them.
    arrivals.clear();
    for (let i = 0; i < events; i += 200) {
      await emitEvents(bench.db, actor, Array.from({ length: Math.min(200, events - i) }, (_, j) => ({ type: 'customer.created', object: { id: `cus_${i + j}` } })));
    }
    expected = events * CONCURRENCY;
    const drained = new Promise<void>((r) => (done = r));
    started = performance.now();
    const workers = await startWorkers(bench.deps, {
      databaseUrl: bench.url, concurrency: CONCURRENCY, poolSize: 10, heartbeatMs: 10_000, staleAfterMs: 30_000, crontab: false, pollIntervalMs: 100, log: (l) => lines.push(l),
    });
    await drained;
    const throughput = expected / ((performance.now() - started) / 1000);
    report.add({
      name: 'webhooks.throughput.delivered', value: throughput, unit: 'deliveries/s', ratio: throughput / baseline,
      baseline: { name: 'webhooks.throughput.bare_post', value: baseline }, target: '>= 0.25 of baseline', met: throughput / baseline >= 0.25,
    });

    // Lag at a steady 100 events/s to one endpoint (the others disabled): 100 deliveries/s in one queue.
    for (const e of endpoints.slice(1)) await updateWebhookEndpoint(bench.deps, actor, e.id, { disabled: true });
    arrivals.clear();
    const lagEvents = Math.min(1000, events);
    expected = lagEvents;
    const committed = new Map<string, number>();
    const all = new Promise<void>((r) => (done = r));
    const t0 = performance.now();
    for (let i = 0; i < lagEvents; i++) {
      const wait = t0 + i * 10 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const [e] = await emitEvents(bench.db, actor, [{ type: 'customer.created', object: { id: `cus_lag_${i}` } }]);
      committed.set(e.id, performance.now());
    }
    await all;
    // Every delivery's lag: from its event's commit to its first arrival at its endpoint.
    const lags = [...committed].map(([id, at]) => arrivals.get(`/hook/0 ${id}`)! - at).sort((a, b) => a - b);
    await workers.stop();
    const p50 = percentile(lags, 50);
    const p95 = percentile(lags, 95);
    report.add({ name: 'webhooks.lag.p50', value: p50, unit: 'ms' });
    report.add({ name: 'webhooks.lag.p95', value: p95, unit: 'ms', target: '< 1000 ms at 100 events/s', met: p95 < 1000 });
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
