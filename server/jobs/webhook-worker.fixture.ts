/**
 * Test fixture (webhook-crash.integration.test.ts): a real worker process delivering webhooks, to be
 * SIGKILLed mid-run. Usage: tsx server/jobs/webhook-worker.fixture.ts <databaseUrl>
 */
import { startWorkers } from './index.js';

const [databaseUrl] = process.argv.slice(2);
const workers = await startWorkers(
  { secret: 'test-secret-that-is-long-enough-0123456789', appUrl: 'http://127.0.0.1:0' },
  {
    databaseUrl,
    concurrency: 6,
    poolSize: 10,
    heartbeatMs: 300,
    staleAfterMs: 2000,
    pollIntervalMs: 200,
    shutdownTimeoutMs: 500,
    crontab: false,
    webhooks: { timeoutMs: 2000, leaseSlackMs: 3000, retryScheduleMs: [200, 200, 200, 200, 200], jitter: 0 },
    log: (line) => console.error(line),
  },
);
process.on('SIGTERM', () => void workers.stop().then(() => process.exit(0)));
console.log('ready');
