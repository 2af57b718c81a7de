import { timingSafeEqual, createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import client from 'prom-client';
import { exportDurations, jobQueueFigures, webhookDeliveryFigures, type ExportDurationFigures } from '../core/operations/operations.service.js';
import type { Db } from '../db/database.js';
import { poolOf } from '../db/database.js';

/**
 * Prometheus metrics (prom-client), one registry per app: request latency per route, the job queue's depth
 * and age, webhook delivery lag and failures, export durations, database pool use, and Node's own process figures. Queue and
 * webhook figures are read from PostgreSQL when scraped, so every instance reports the same cluster-wide
 * values (scrape one, or take max()).
 */
export interface Metrics {
  registry: client.Registry;
  /** Express middleware timing every request by route template (never by raw path: ids would explode the series). */
  timeRequests: RequestHandler;
  /** GET /metrics, behind `Authorization: Bearer <METRICS_TOKEN>`. */
  endpoint: RequestHandler;
  /** For other modules' own figures (e.g. export durations): a histogram in this registry. */
  histogram(name: string, help: string, labelNames?: string[], buckets?: number[]): client.Histogram<string>;
}

export function createMetrics(options: { db: Db; replicaDb?: Db; token?: string; procedures?: ReadonlySet<string> }): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'paymentflow_' });

  const requests = new client.Histogram({
    name: 'paymentflow_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const queue = new client.Gauge({ name: 'paymentflow_job_queue_jobs', help: 'Jobs in the queue by state (ready, locked = running, scheduled).', labelNames: ['state'], registers: [registry] });
  const queueAge = new client.Gauge({ name: 'paymentflow_job_queue_oldest_ready_seconds', help: 'How long the oldest ready job has waited for a worker.', registers: [registry] });
  const webhooks = new client.Gauge({ name: 'paymentflow_webhook_deliveries', help: 'Webhook deliveries by status (pending, failed = gave up).', labelNames: ['status'], registers: [registry] });
  const webhookLag = new client.Gauge({ name: 'paymentflow_webhook_delivery_lag_seconds', help: 'Age of the oldest webhook delivery that is due and not yet delivered.', registers: [registry] });
  const webhookFailures = new client.Gauge({ name: 'paymentflow_webhook_failed_attempts', help: 'Webhook attempts that did not get a 2xx (all time).', registers: [registry] });
  const pool = new client.Gauge({ name: 'paymentflow_db_pool_connections', help: "This instance's database connections by pool (primary, replica) and state.", labelNames: ['pool', 'state'], registers: [registry] });
  // A histogram read from report_runs at each scrape (see exportDurationFigures): prom-client's Histogram only
  // counts what this process observed, and exports run in the worker processes, which serve no /metrics.
  let exports: ExportDurationFigures[] = [];
  const exportMetric = {
    name: EXPORT_DURATION, help: 'Report export durations (last attempt) by report type, format and outcome.', type: 'histogram', aggregator: 'max',
    get: async () => ({ name: EXPORT_DURATION, help: exportMetric.help, type: 'histogram', aggregator: 'max', values: exportHistogramValues(exports) }),
    reset: () => { exports = []; },
  };
  registry.registerMetric(exportMetric as unknown as client.Metric);
  const scrapeErrors = new client.Counter({ name: 'paymentflow_metrics_collect_errors_total', help: 'Scrapes whose database figures could not be read.', registers: [registry] });

  const collect = async () => {
    for (const [name, db] of [['primary', options.db], ['replica', options.replicaDb]] as const) {
      const p = db ? poolOf(db) : undefined;
      if (!p) continue;
      pool.set({ pool: name, state: 'total' }, p.totalCount);
      pool.set({ pool: name, state: 'idle' }, p.idleCount);
      pool.set({ pool: name, state: 'waiting' }, p.waitingCount);
    }
    try {
      const [q, w, e] = await Promise.all([jobQueueFigures(options.db), webhookDeliveryFigures(options.db), exportDurations(options.db, EXPORT_BUCKETS)]);
      exports = e;
      queue.set({ state: 'ready' }, q.ready);
      queue.set({ state: 'locked' }, q.locked);
      queue.set({ state: 'scheduled' }, q.scheduled);
      queueAge.set(q.oldestReadySeconds);
      webhooks.set({ status: 'pending' }, w.pending);
      webhooks.set({ status: 'failed' }, w.failed);
      webhookLag.set(w.oldestDueSeconds);
      webhookFailures.set(w.failedAttempts);
    } catch {
      scrapeErrors.inc();
    }
  };

  const tokenDigest = options.token ? createHash('sha256').update(options.token).digest() : null;
  const authorised = (req: Request) => {
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    return Boolean(tokenDigest && given && timingSafeEqual(createHash('sha256').update(given).digest(), tokenDigest));
  };

  return {
    registry,
    timeRequests: (req: Request, res: Response, next: NextFunction) => {
      const end = requests.startTimer();
      res.on('finish', () => end({ method: req.method, route: routeLabel(req, options.procedures), status_code: String(res.statusCode) }));
      next();
    },
    endpoint: async (req, res) => {
      if (!tokenDigest) {
        res.status(404).json({ error: { message: 'Metrics are off: set METRICS_TOKEN to turn them on.' } });
        return;
      }
      if (!authorised(req)) {
        res.status(401).setHeader('WWW-Authenticate', 'Bearer').json({ error: { message: 'Send Authorization: Bearer <METRICS_TOKEN>.' } });
        return;
      }
      await collect();
      res.setHeader('Content-Type', registry.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.end(await registry.metrics());
    },
    histogram: (name, help, labelNames = [], buckets) => new client.Histogram({ name, help, labelNames, ...(buckets ? { buckets } : {}), registers: [registry] }),
  };
}

const EXPORT_DURATION = 'paymentflow_report_export_duration_seconds';
const EXPORT_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

function exportHistogramValues(figures: ExportDurationFigures[]) {
  return figures.flatMap((f) => {
    const labels = { report_type: f.reportType, format: f.format, status: f.status };
    return [
      ...EXPORT_BUCKETS.map((le, i) => ({ metricName: `${EXPORT_DURATION}_bucket`, labels: { ...labels, le }, value: f.atMost[i] ?? 0 })),
      { metricName: `${EXPORT_DURATION}_bucket`, labels: { ...labels, le: '+Inf' }, value: f.count },
      { metricName: `${EXPORT_DURATION}_sum`, labels, value: f.sumSeconds },
      { metricName: `${EXPORT_DURATION}_count`, labels, value: f.count },
    ];
  });
}

/**
 * The route template Express matched (`/v1/payment_intents/:id`), the tRPC procedure (`/trpc/payments.list`,
 * only names the router has), or a fixed label for everything else (static files, 404s).
 */
export function routeLabel(req: Request, procedures?: ReadonlySet<string>): string {
  const route = (req as { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  const original = req.originalUrl.split('?')[0];
  if (original.startsWith('/trpc/')) {
    const names = original.slice('/trpc/'.length).split(',');
    if (names.length > 1) return '/trpc (batch)';
    return procedures?.has(names[0]) ? `/trpc/${names[0]}` : '/trpc (unknown)';
  }
  if (original.startsWith('/assets/')) return '/assets';
  if (original.startsWith('/v1/')) return '/v1 (unmatched)';
  return 'other';
}
