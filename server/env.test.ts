import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, httpConfig, loadEnv, parseEnv } from './env.js';

const dataDir = () => mkdtempSync(path.join(os.tmpdir(), 'pf-env-'));

describe('loadEnv', () => {
  it('applies defaults and generates a stable secret into DATA_DIR', () => {
    const dir = dataDir();
    const env = loadEnv({ DATA_DIR: dir });
    expect(env.PORT).toBe(3000);
    expect(env.APP_URL).toBe('http://localhost:3000');
    expect(env.APP_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(loadEnv({ DATA_DIR: dir }).APP_SECRET).toBe(env.APP_SECRET);
  });

  it('names every bad variable in one message', () => {
    expect(() => loadEnv({ DATA_DIR: dataDir(), PORT: 'abc', DATABASE_URL: 'mysql://x', APP_SECRET: 'short' })).toThrow(EnvError);
    try {
      loadEnv({ DATA_DIR: dataDir(), PORT: 'abc', DATABASE_URL: 'mysql://x', APP_SECRET: 'short' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT: must be a port number from 0 to 65535');
      expect(message).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
      expect(message).toContain('APP_SECRET: must be at least 32 characters');
    }
  });

  it('reads the worker settings and refuses a stale limit a live worker could reach', () => {
    const env = loadEnv({ DATA_DIR: dataDir() });
    expect(env).toMatchObject({ WORKERS: true, WORKER_CONCURRENCY: 4, WORKER_DB_POOL: 10, WORKER_HEARTBEAT_MS: 10_000, WORKER_STALE_MS: 30_000 });
    expect(loadEnv({ DATA_DIR: dataDir(), WORKERS: 'false', WORKER_HEARTBEAT_MS: '200', WORKER_STALE_MS: '2000' })).toMatchObject({ WORKERS: false, WORKER_STALE_MS: 2000 });
    expect(() => loadEnv({ DATA_DIR: dataDir(), WORKER_HEARTBEAT_MS: '20000', WORKER_STALE_MS: '30000' })).toThrow(/WORKER_STALE_MS: must be at least twice WORKER_HEARTBEAT_MS/);
    expect(() => loadEnv({ DATA_DIR: dataDir(), WORKER_STALE_MS: '90000' })).toThrow(/WORKER_STALE_MS: must be at most 50000/);
  });

  it('seeds the demo merchant by default, but in production only when SEED_DEMO=true is set', () => {
    expect(parseEnv({}).SEED_DEMO).toBe(true);
    expect(parseEnv({ NODE_ENV: 'development', SEED_DEMO: 'false' }).SEED_DEMO).toBe(false);
    expect(parseEnv({ NODE_ENV: 'production' }).SEED_DEMO).toBe(false);
    expect(parseEnv({ NODE_ENV: 'production', SEED_DEMO: '' }).SEED_DEMO).toBe(false);
    expect(parseEnv({ NODE_ENV: 'production', SEED_DEMO: 'true' }).SEED_DEMO).toBe(true);
  });
});

describe('httpConfig: rate limits and request logging come only from server/env.ts', () => {
  it('derives the API and dashboard buckets and LOG_REQUESTS', () => {
    expect(httpConfig(parseEnv({}))).toEqual({
      apiRateLimits: { live: { rate: 100, burst: 200 }, test: { rate: 25, burst: 50 }, publishable: { ip: { rate: 10, burst: 20 }, intent: { rate: 5, burst: 10 } } },
      dashboardRateLimit: { rate: 20, burst: 60 },
      logRequests: false,
    });
    const custom = httpConfig(parseEnv({ RATE_LIMIT_LIVE: '10', RATE_LIMIT_TEST: '2.5', RATE_LIMIT_DASHBOARD: '5', LOG_REQUESTS: 'yes' }));
    expect(custom).toMatchObject({ apiRateLimits: { live: { rate: 10, burst: 20 }, test: { rate: 2.5, burst: 5 } }, dashboardRateLimit: { rate: 5, burst: 15 }, logRequests: true });
  });

  it('refuses bad values with one message, as for every variable (they used to fall back silently)', () => {
    expect(() => parseEnv({ RATE_LIMIT_LIVE: 'lots', RATE_LIMIT_TEST: '-1', LOG_REQUESTS: 'maybe' })).toThrow(EnvError);
    const message = (() => { try { parseEnv({ RATE_LIMIT_LIVE: 'lots', RATE_LIMIT_TEST: '-1', LOG_REQUESTS: 'maybe' }); } catch (e) { return (e as Error).message; } return ''; })();
    expect(message).toContain('RATE_LIMIT_LIVE: must be a number of requests per second');
    expect(message).toContain('RATE_LIMIT_TEST: must be a number of requests per second above 0');
    expect(message).toContain('LOG_REQUESTS');
  });
});

describe('client and build settings', () => {
  it('gives the CLI its API key and base from the environment, the app URL or the port', async () => {
    const { cliApiEnv, isProduction } = await import('./env.js');
    expect(cliApiEnv({ PAYMENTFLOW_API_KEY: ' sk_test_x ', PAYMENTFLOW_API_BASE: 'http://127.0.0.1:9' })).toEqual({ apiKey: 'sk_test_x', apiBase: 'http://127.0.0.1:9' });
    expect(cliApiEnv({ APP_URL: 'https://pay.example' })).toEqual({ apiKey: undefined, apiBase: 'https://pay.example' });
    expect(cliApiEnv({ PORT: '4000' })).toEqual({ apiKey: undefined, apiBase: 'http://localhost:4000' });
    expect(isProduction({ NODE_ENV: 'production' })).toBe(true);
    expect(isProduction({ NODE_ENV: 'test' })).toBe(false);
  });
});
