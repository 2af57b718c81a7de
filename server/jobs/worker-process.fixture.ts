/**
 * Test fixture (jobs.integration.test.ts): a real worker process running the app's workers plus a
 * `test-hold` task that never finishes, so the test can SIGKILL it mid-job.
 * SIGTERM stops it gracefully, as server/main.ts does, with a 500 ms shutdown timeout.
 * Usage: tsx server/jobs/worker-process.fixture.ts <databaseUrl> <heartbeatMs> <staleAfterMs>
 */
import { startWorkers } from './index.js';

const [databaseUrl, heartbeatMs, staleAfterMs] = process.argv.slice(2);
const workers = await startWorkers(
  { secret: 'test-secret-that-is-long-enough-0123456789', appUrl: 'http://127.0.0.1:0' },
  {
    databaseUrl,
    concurrency: 2,
    poolSize: 4,
    heartbeatMs: Number(heartbeatMs),
    staleAfterMs: Number(staleAfterMs),
    pollIntervalMs: 200,
    shutdownTimeoutMs: 500,
    crontab: false,
    extraTasks: {
      'test-hold': async () => {
        console.log('holding');
        await new Promise(() => {});
      },
    },
    log: (line) => console.error(line),
  },
);
process.on('SIGTERM', () => {
  void workers.stop().then(() => {
    console.log('stopped');
    process.exit(0);
  });
});
console.log('ready');
