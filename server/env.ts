import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_PUBLISHABLE_LIMITS, type BucketLimit, type RateLimitConfig } from './core/api-keys/rate-limit.js';

const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const requestsPerSecond = z.coerce.number({ error: 'must be a number of requests per second' }).positive('must be a number of requests per second above 0');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number({ error: 'must be a port number from 0 to 65535' }).int('must be a whole number').min(0, 'must be 0 or more').max(65535, 'must be at most 65535').default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** A streaming replica for analytics, search and list reads (read-your-writes for the dashboard member who wrote). */
  DATABASE_REPLICA_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  APP_URL: z.string().url().optional(),
  APP_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Seed the demo merchant on an empty database; on unless NODE_ENV=production, where it must be set to true explicitly. */
  SEED_DEMO: boolish.optional(),
  RATE_LIMIT_LIVE: requestsPerSecond.default(100),
  RATE_LIMIT_TEST: requestsPerSecond.default(25),
  RATE_LIMIT_PUBLISHABLE_IP: requestsPerSecond.default(DEFAULT_PUBLISHABLE_LIMITS.ip.rate),
  RATE_LIMIT_PUBLISHABLE_INTENT: requestsPerSecond.default(DEFAULT_PUBLISHABLE_LIMITS.intent.rate),
  /** Dashboard (/trpc) requests per second per session (or per IP when signed out); the burst is three times that. */
  RATE_LIMIT_DASHBOARD: requestsPerSecond.default(20),
  LOG_REQUESTS: boolish.default(false),
  /** pino's levels; default info (warn under NODE_ENV=test). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** json (one JSON object per line, for log shippers) or pretty (coloured text); default pretty in development, json otherwise. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** Bearer token that GET /metrics requires (Prometheus scrape config: authorization.credentials); unset, /metrics is off. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  WORKERS: boolish.default(true),
  WORKER_CONCURRENCY: z.coerce.number({ error: 'must be a number of jobs' }).int().min(1).max(100).default(4),
  WORKER_DB_POOL: z.coerce.number({ error: 'must be a number of connections' }).int().min(3).max(200).default(10),
  WORKER_HEARTBEAT_MS: z.coerce.number({ error: 'must be milliseconds' }).int().min(100).default(10_000),
  /** Mail goes out through this SMTP server (smtp://user:pass@host:587 or smtps://...); unset: mail is logged and kept (`npm run cli -- mail list`). */
  SMTP_URL: z.string().refine((v) => /^smtps?:\/\//.test(v), 'must be an smtp:// or smtps:// URL').optional(),
  /** The From of every mail; default no-reply at APP_URL's host. */
  MAIL_FROM: z.string().min(3).optional(),
  /** Report files (exports) are removed this many days after they were made. */
  REPORT_FILE_TTL_DAYS: z.coerce.number({ error: 'must be a number of days' }).int('must be a whole number of days').min(1, 'must be at least 1').max(3650).default(7),
  WORKER_STALE_MS: z.coerce.number({ error: 'must be milliseconds' }).int().min(1000).max(50_000, 'must be at most 50000 (a dead worker\'s jobs are retried within a minute)').default(30_000),
});

export type ParsedEnv = Omit<z.infer<typeof envSchema>, 'SEED_DEMO'> & { SEED_DEMO: boolean };
export type Env = ParsedEnv & {
  APP_URL: string; APP_SECRET: string; DATA_DIR: string;
  /** False when APP_URL is the default (http://localhost:PORT), which a PORT of 0 makes a guess. */
  APP_URL_GIVEN: boolean;
};

export class EnvError extends Error {}

/**
 * The one reader of process.env: validates every variable (one message naming each bad one) without
 * touching the disk. loadEnv adds what start-up derives (data folder, secret, public URL).
 */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): ParsedEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (env.WORKER_STALE_MS < 2 * env.WORKER_HEARTBEAT_MS) {
    // A live worker beating slower than this would be taken for dead and its jobs run twice.
    throw new EnvError(`Invalid environment configuration:\n  WORKER_STALE_MS: must be at least twice WORKER_HEARTBEAT_MS (${env.WORKER_HEARTBEAT_MS})`);
  }
  // Production never gets demo data (and its known login) by surprise.
  return { ...env, SEED_DEMO: env.SEED_DEMO ?? env.NODE_ENV !== 'production' };
}

/** Reads process.env once at start-up; a bad value becomes one clear message (the caller exits with code 1). */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const env = parseEnv(source);
  const dataDir = path.resolve(env.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  return {
    ...env,
    DATA_DIR: dataDir,
    APP_URL: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    APP_URL_GIVEN: env.APP_URL !== undefined,
    APP_SECRET: env.APP_SECRET ?? readOrCreateSecret(dataDir),
  };
}

/** The secret for cookies and encryption is generated on first run and kept beside the data. */
function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'app-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

export interface HttpConfig {
  /**
   * Token buckets for /v1, burst twice the rate: per secret key and mode (RATE_LIMIT_LIVE / RATE_LIMIT_TEST),
   * publishable keys per client IP and per intent (RATE_LIMIT_PUBLISHABLE_IP / RATE_LIMIT_PUBLISHABLE_INTENT).
   */
  apiRateLimits: RateLimitConfig;
  /** Token bucket per dashboard session (/trpc): RATE_LIMIT_DASHBOARD per second, burst three times that. */
  dashboardRateLimit: BucketLimit;
  /** One access-log line per API request (LOG_REQUESTS). */
  logRequests: boolean;
}

/** What the HTTP layer reads from the environment, derived in one place. */
export function httpConfig(
  env: Pick<ParsedEnv, 'RATE_LIMIT_LIVE' | 'RATE_LIMIT_TEST' | 'RATE_LIMIT_PUBLISHABLE_IP' | 'RATE_LIMIT_PUBLISHABLE_INTENT' | 'RATE_LIMIT_DASHBOARD' | 'LOG_REQUESTS'> = parseEnv(),
): HttpConfig {
  const twice = (rate: number): BucketLimit => ({ rate, burst: rate * 2 });
  return {
    apiRateLimits: {
      live: twice(env.RATE_LIMIT_LIVE),
      test: twice(env.RATE_LIMIT_TEST),
      publishable: { ip: twice(env.RATE_LIMIT_PUBLISHABLE_IP), intent: twice(env.RATE_LIMIT_PUBLISHABLE_INTENT) },
    },
    dashboardRateLimit: { rate: env.RATE_LIMIT_DASHBOARD, burst: env.RATE_LIMIT_DASHBOARD * 3 },
    logRequests: env.LOG_REQUESTS,
  };
}

/** Whether this is a production run (NODE_ENV=production): built assets never change under a running server. */
export function isProduction(source: NodeJS.ProcessEnv = process.env): boolean {
  return source.NODE_ENV?.trim() === 'production';
}

/** The CLI's client settings for `listen` and `trigger`, used when no flag gives them: which API, with which key. */
export function cliApiEnv(source: NodeJS.ProcessEnv = process.env): { apiKey?: string; apiBase: string } {
  const apiKey = source.PAYMENTFLOW_API_KEY?.trim() || undefined;
  const apiBase = source.PAYMENTFLOW_API_BASE?.trim() || source.APP_URL?.trim() || `http://localhost:${source.PORT?.trim() || 3000}`;
  return { apiKey, apiBase };
}
