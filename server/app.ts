import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { MAX_TRPC_BATCH } from '../shared/contracts/dashboard.js';
import { createApiRouter, type ApiRouterOptions } from './api/router.js';
import { createCheckoutRouter } from './checkout/router.js';
import type { CoreDeps } from './core/shared/deps.js';
import { databaseVersion } from './db/database.js';
import type { BucketLimit } from './core/api-keys/rate-limit.js';
import { httpConfig } from './env.js';
import { boundedJson } from './http/json-body.js';
import { baseHeaders, dashboardHeaders, noStore } from './http/security-headers.js';
import { contextFactory } from './trpc/context.js';
import { checkReadiness } from './core/operations/operations.service.js';
import { logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { assignRequestId, requestIdOf } from './observability/requests.js';
import { appRouter } from './trpc/routers/_app.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_DIST = path.join(root, 'dist', 'web');
/** The dashboard's procedure names: the only tRPC paths that get a metrics series of their own. */
export const DASHBOARD_PROCEDURES: ReadonlySet<string> = new Set(Object.keys(appRouter._def.procedures));

export interface AppOptions {
  logErrors?: boolean;
  /** Defaults from server/env.ts (RATE_LIMIT_TEST / RATE_LIMIT_LIVE, LOG_REQUESTS). */
  api?: ApiRouterOptions;
  /** Dashboard requests per session; default from server/env.ts (RATE_LIMIT_DASHBOARD). */
  dashboardRateLimit?: BucketLimit;
  /** The built SPA; default dist/web. */
  webDist?: string;
  /** Prometheus metrics (server/observability/metrics.ts); one is made here when not given (METRICS_TOKEN unset: /metrics answers 404). */
  metrics?: Metrics;
  /** Set `draining` when SIGTERM arrives: /health/ready answers 503 so the load balancer stops sending. */
  lifecycle?: Lifecycle;
  /** A worker heartbeat older than this is not "heartbeating" for /health/ready (WORKER_STALE_MS). */
  workerStaleMs?: number;
}

export interface Lifecycle {
  draining: boolean;
}

/** One origin: the SPA, /trpc (dashboard BFF), /v1 (public API), hosted checkout and /health. */
export function createApp(deps: CoreDeps, options: AppOptions = {}) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('etag', false);
  const webDist = options.webDist ?? WEB_DIST;
  const metrics = options.metrics ?? createMetrics({ db: deps.db, replicaDb: deps.replica?.db, procedures: DASHBOARD_PROCEDURES });
  const lifecycle = options.lifecycle ?? { draining: false };

  // An id per request and its latency by route, for every request (one layer: /v1's stays first).
  const observe = (req: Request, res: Response, next: NextFunction) => assignRequestId(req, res, () => metrics.timeRequests(req, res, next));

  // First, so the public API's requests skip the app's other layers: its pipeline writes the same base
  // headers (baseHeaderPairs) and its own Cache-Control with all its others, in one writeHead.
  app.use('/v1', observe, createApiRouter(deps, { logErrors: options.logErrors, ...options.api }));
  app.use(observe);

  app.use(baseHeaders(() => deps.appUrl));
  app.use((_req, res, next) => {
    const id = requestIdOf(res);
    if (id) res.setHeader('X-Request-Id', id);
    next();
  });

  // For load balancers and orchestrators: live = the process answers; ready = send it traffic.
  app.get('/health/live', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', async (_req, res) => {
    const readiness = await checkReadiness(deps, { workerStaleMs: options.workerStaleMs ?? 30_000, draining: lifecycle.draining });
    res.setHeader('Cache-Control', 'no-store');
    res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ready' : 'unavailable', ...readiness });
  });
  app.get('/metrics', metrics.endpoint);

  app.get('/health', async (_req, res) => {
    try {
      res.json({ status: 'ok', database: { reachable: true, version: await databaseVersion(deps.db) } });
    } catch (error) {
      res.status(503).json({ status: 'unavailable', database: { reachable: false, error: (error as Error).message } });
    }
  });

  app.use('/checkout', createCheckoutRouter(deps));

  app.use(
    '/trpc',
    noStore,
    boundedJson,
    createExpressMiddleware({
      router: appRouter,
      maxBatchSize: MAX_TRPC_BATCH,
      createContext: contextFactory(deps, { rateLimit: options.dashboardRateLimit ?? httpConfig().dashboardRateLimit }),
      onError: ({ error, path: procedure, req }) => {
        if (options.logErrors !== false && error.code === 'INTERNAL_SERVER_ERROR') {
          logger.error({ req_id: req.res ? requestIdOf(req.res) : undefined, procedure: procedure ?? null, err: error.cause ?? error }, 'tRPC procedure failed');
        }
      },
    }),
  );

  if (existsSync(webDist)) {
    // Hashed assets never change under the same name.
    app.use('/assets', express.static(path.join(webDist, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
    app.use(express.static(webDist, { index: false, maxAge: 0, setHeaders: (res, file) => { if (file.endsWith('.html')) dashboardHeaders(res); } }));
    app.get(/^\/(?!v1\/|trpc\/|checkout\/|health$|health\/|metrics$).*/, (req, res, next) => {
      if (req.method !== 'GET' || !req.accepts('html')) return next();
      res.setHeader('Cache-Control', 'no-cache');
      dashboardHeaders(res);
      res.sendFile(path.join(webDist, 'index.html'));
    });
  }

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status ?? 500;
    if (status >= 500) logger.error({ req_id: requestIdOf(res), err }, 'Unhandled error');
    res.status(status).json({ error: { message: status >= 500 ? 'Internal error' : (err as Error).message } });
  });
  return app;
}
