import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createApiRouter, type ApiRouterOptions } from './api/router.js';
import { createCheckoutRouter } from './checkout/router.js';
import type { CoreDeps } from './core/shared/deps.js';
import { databaseVersion } from './db/database.js';
import { contextFactory } from './trpc/context.js';
import { appRouter } from './trpc/routers/_app.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_DIST = path.join(root, 'dist', 'web');

/** One origin: the SPA, /trpc (dashboard BFF), /v1 (public API), hosted checkout and /health. */
export function createApp(deps: CoreDeps, options: { logErrors?: boolean; api?: ApiRouterOptions } = {}) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('etag', false);

  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    next();
  });

  app.get('/health', async (_req, res) => {
    try {
      res.json({ status: 'ok', database: { reachable: true, version: await databaseVersion(deps.db) } });
    } catch (error) {
      res.status(503).json({ status: 'unavailable', database: { reachable: false, error: (error as Error).message } });
    }
  });

  app.use('/v1', createApiRouter(deps, { logErrors: options.logErrors, ...options.api }));
  app.use('/checkout', createCheckoutRouter(deps));

  app.use(
    '/trpc',
    express.json({ limit: '1mb' }),
    createExpressMiddleware({
      router: appRouter,
      createContext: contextFactory(deps),
      onError: ({ error, path: procedure }) => {
        if (options.logErrors !== false && error.code === 'INTERNAL_SERVER_ERROR') {
          console.error(`tRPC ${procedure ?? '?'} failed:`, error.cause ?? error);
        }
      },
    }),
  );

  if (existsSync(WEB_DIST)) {
    // Hashed assets never change under the same name.
    app.use('/assets', express.static(path.join(WEB_DIST, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
    app.use(express.static(WEB_DIST, { index: false, maxAge: 0 }));
    app.get(/^\/(?!v1\/|trpc\/|checkout\/|health$).*/, (req, res, next) => {
      if (req.method !== 'GET' || !req.accepts('html')) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(WEB_DIST, 'index.html'));
    });
  }

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status ?? 500;
    if (status >= 500) console.error('Unhandled error:', err);
    res.status(status).json({ error: { message: status >= 500 ? 'Internal error' : (err as Error).message } });
  });
  return app;
}
