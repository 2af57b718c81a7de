import type { Server } from 'node:http';
import path from 'node:path';
import { localDiskStorage } from './core/storage/storage.js';
import { createApp, DASHBOARD_PROCEDURES, type Lifecycle } from './app.js';
import { configureLogger, logger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { buildIfMissing } from './build.js';
import { DatabaseConnectError, openDatabase } from './db/connect.js';
import { handleSignalsOurselves } from './db/embedded.js';
import { openReadReplica } from './db/replica.js';
import { answerMalformedRequests } from './http/client-error.js';
import { drainServer } from './http/drain.js';
import { EnvError, httpConfig, loadEnv } from './env.js';
import { startWorkers } from './jobs/index.js';
import { createMailer } from './core/mail/mailer.js';
import { DEMO_LOGIN, seedDemoIfEmpty } from './seed/demo.js';

const log = (line: string) => logger.info(line);

async function main() {
  const started = Date.now();
  const env = loadEnv();
  configureLogger({
    level: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info'),
    format: env.LOG_FORMAT ?? (env.NODE_ENV === 'development' && process.stdout.isTTY ? 'pretty' : 'json'),
  });
  if (process.argv.includes('--build-if-missing') && !buildIfMissing(log)) throw new Error('The web build failed; see the output above.');

  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, log });
  const mailer = createMailer({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM ?? `PaymentFlow <no-reply@${new URL(env.APP_URL).hostname}>`, log });
  const workerOnly = process.argv.includes('--worker');
  // Jobs write; only the HTTP instances read from the replica.
  const replica = env.DATABASE_REPLICA_URL && !workerOnly ? openReadReplica(env.DATABASE_REPLICA_URL) : undefined;
  const deps = { db: database.db, secret: env.APP_SECRET, appUrl: env.APP_URL, mailer, storage: localDiskStorage(path.join(env.DATA_DIR, 'files')), replica };
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

  const lifecycle: Lifecycle = { draining: false };
  let stopping = false;
  const stop = async (signal: string, server?: Server) => {
    if (stopping) return;
    stopping = true;
    lifecycle.draining = true;
    log(`${signal}: shutting down…`);
    // Stops accepting; requests in flight finish (up to 30 s) while the load balancer sends new ones elsewhere.
    if (server) await drainServer(server);
    // Jobs in flight finish (or, after a timeout, are unlocked for another worker) before the pools close.
    await workers.stop().catch(() => {});
    await replica?.close().catch(() => {});
    await database.close().catch(() => {});
    log('Stopped.');
    process.exit(0);
  };

  if (workerOnly) {
    log(`Workers ready in ${((Date.now() - started) / 1000).toFixed(1)} s (concurrency ${env.WORKER_CONCURRENCY}, no HTTP)`);
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    handleSignalsOurselves();
    return;
  }

  const http = httpConfig(env);
  const metrics = createMetrics({ db: deps.db, replicaDb: replica?.db, token: env.METRICS_TOKEN, procedures: DASHBOARD_PROCEDURES });
  const app = createApp(deps, {
    api: { rateLimits: http.apiRateLimits, logRequests: http.logRequests },
    dashboardRateLimit: http.dashboardRateLimit,
    metrics,
    lifecycle,
    workerStaleMs: env.WORKER_STALE_MS,
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(env.PORT, env.HOST, () => resolve(s));
    s.on('error', reject);
  });
  answerMalformedRequests(server);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const url = env.APP_URL_GIVEN ? env.APP_URL : `http://localhost:${port}`;
  log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${url}`);
  log(`Database: ${database.embedded ? `embedded PostgreSQL (data in ${env.DATA_DIR})` : 'DATABASE_URL'}${replica ? ', reads that may lag from DATABASE_REPLICA_URL' : ''}`);
  if (env.SEED_DEMO) log(`Demo login: ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}`);

  process.on('SIGINT', () => void stop('SIGINT', server));
  process.on('SIGTERM', () => void stop('SIGTERM', server));
  handleSignalsOurselves();
}

main().catch((error) => {
  if (error instanceof EnvError || error instanceof DatabaseConnectError) {
    console.error(error.message);
  } else {
    console.error('PaymentFlow could not start:', error);
  }
  process.exit(1);
});
