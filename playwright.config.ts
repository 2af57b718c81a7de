import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

/**
 * One built app and one embedded PostgreSQL for every spec; tests isolate themselves by creating their own
 * merchant (e2e/fixtures.ts), never by starting a server. `npm run test:e2e` (scripts/e2e.ts) chooses the
 * port, the data folder and the browser; running `npx playwright test` directly works too, because the
 * values chosen here go into process.env and so reach the worker processes, which load this file again.
 */

function freePortSync(): number {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

if (!process.env.E2E_PORT) process.env.E2E_PORT = String(freePortSync());
if (!process.env.E2E_DATA_DIR) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pf-e2e-'));
  // PostgreSQL runs as the `postgres` user when we are root; it must be able to enter the folder.
  process.env.E2E_DATA_DIR = dir;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}

const port = Number(process.env.E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;
const isCI = Boolean(process.env.CI);
const jsonReport = process.env.PLAYWRIGHT_JSON_OUTPUT_NAME;

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  outputDir: './test-results',
  // Generous: the machine has two cores shared with other work; a passing test does not take longer for it.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: isCI,
  workers: 2,
  retries: isCI ? 1 : 0,
  reporter: [['list'], ...(jsonReport ? [['json', { outputFile: jsonReport }] as const] : [])],
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 15_000,
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH || undefined,
          args: CHROMIUM_FLAGS,
        },
      },
    },
  ],
  webServer: {
    // node --import tsx keeps it to one process, so the shutdown signal reaches main.ts directly.
    command: 'node --import tsx server/main.ts --build-if-missing',
    url: `${baseURL}/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    // SIGTERM lets main.ts close the HTTP server, the workers and the embedded PostgreSQL it started.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    env: {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_URL: baseURL,
      DATA_DIR: process.env.E2E_DATA_DIR!,
      SEED_DEMO: process.env.E2E_SEED_DEMO ?? 'false',
      // Specs sign in through the UI many times from one address; keep API rate limits out of their way.
      RATE_LIMIT_TEST: '1000',
      RATE_LIMIT_LIVE: '1000',
      RATE_LIMIT_PUBLISHABLE_IP: '1000',
      RATE_LIMIT_PUBLISHABLE_INTENT: '1000',
    },
  },
});
