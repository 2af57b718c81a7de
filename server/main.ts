import type { Server } from 'node:http';
import path from 'node:path';
import { localDiskStorage } from './core/storage/storage.js';
import { createApp } from './app.js';
import { buildIfMissing } from './build.js';
import { DatabaseConnectError, openDatabase } from './db/connect.js';
import { answerMalformedRequests } from './http/client-error.js';
import { EnvError, httpConfig, loadEnv } from './env.js';
import { startWorkers } from './jobs/index.js';
import { createMailer } from './core/mail/mailer.js';
import { DEMO_LOGIN, seedDemoIfEmpty } from './seed/demo.js';

const log = (line: string) => console.log(`[paymentflow] ${line}`);

async function main() {
  const started = Date.now();
  const env = loadEnv();
  if (process.argv.includes('--build-if-missing') && !buildIfMissing(log)) throw new Error('The web build failed; see the output above.');

  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, log });
  const mailer = createMailer({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM ?? `PaymentFlow <no-reply@${new URL(env.APP_URL).hostname}>`, log });
  const deps = { db: database.db, secret: env.APP_SECRET, appUrl: env.APP_URL, mailer, storage: localDiskStorage(path.join(env.DATA_DIR, 'files')) };
  const workerOnly = process.argv.includes('--worker');
  if (!workerOnly && env.SEED_DEMO) await seedDemoIfEmpty(deps, log);
  const workers = workerOnly || env.WORKERS
    ? await startWorkers(
        { secret: deps.secret, appUrl: deps.appUrl, mailer, storage: deps.storage },
        {
          databaseUrl: database.url,
          concurrency: env.WORKER_CONCURRENCY,
          poolSize: env.WORKER_DB_POOL,
          heartbeatMs: env.WORKER_HEARTBEAT_MS,
          staleAfterMs: env.WORKER_STALE_MS,
          log,
        },
      )
    : { stop: async () => {} };

  let stopping = false;
  const stop = async (signal: string, server?: Server) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down…`);
    if (server) {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    // Jobs in flight finish (or, after a timeout, are unlocked for another worker) before the pools close.
    await workers.stop().catch(() => {});
    await database.close().catch(() => {});
    log('Stopped.');
    process.exit(0);
  };

  if (workerOnly) {
    log(`Workers ready in ${((Date.now() - started) / 1000).toFixed(1)} s (concurrency ${env.WORKER_CONCURRENCY}, no HTTP)`);
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    return;
  }

  const http = httpConfig(env);
  const app = createApp(deps, { api: { rateLimits: http.apiRateLimits, logRequests: http.logRequests }, dashboardRateLimit: http.dashboardRateLimit });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(env.PORT, env.HOST, () => resolve(s));
    s.on('error', reject);
  });
  answerMalformedRequests(server);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const url = env.APP_URL_GIVEN ? env.APP_URL : `http://localhost:${port}`;
  log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${url}`);
  log(`Database: ${database.embedded ? `embedded PostgreSQL (data in ${env.DATA_DIR})` : 'DATABASE_URL'}`);
  if (env.SEED_DEMO) log(`Demo login: ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}`);

  process.on('SIGINT', () => void stop('SIGINT', server));
  process.on('SIGTERM', () => void stop('SIGTERM', server));
}

main().catch((error) => {
  if (error instanceof EnvError || error instanceof DatabaseConnectError) {
    console.error(error.message);
  } else {
    console.error('PaymentFlow could not start:', error);
  }
  process.exit(1);
});
