import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number({ error: 'must be a port number from 0 to 65535' }).int('must be a whole number').min(0, 'must be 0 or more').max(65535, 'must be at most 65535').default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  APP_URL: z.string().url().optional(),
  APP_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SEED_DEMO: boolish.default(true),
  RATE_LIMIT_LIVE: z.coerce.number({ error: 'must be a number of requests per second' }).int().positive().default(100),
  RATE_LIMIT_TEST: z.coerce.number({ error: 'must be a number of requests per second' }).int().positive().default(25),
  RATE_LIMIT_PUBLISHABLE_IP: z.coerce.number({ error: 'must be a number of requests per second' }).int().positive().default(10),
  RATE_LIMIT_PUBLISHABLE_INTENT: z.coerce.number({ error: 'must be a number of requests per second' }).int().positive().default(5),
  LOG_REQUESTS: boolish.default(false),
  WORKERS: boolish.default(true),
  WORKER_CONCURRENCY: z.coerce.number({ error: 'must be a number of jobs' }).int().min(1).max(100).default(4),
  WORKER_DB_POOL: z.coerce.number({ error: 'must be a number of connections' }).int().min(3).max(200).default(10),
  WORKER_HEARTBEAT_MS: z.coerce.number({ error: 'must be milliseconds' }).int().min(100).default(10_000),
  WORKER_STALE_MS: z.coerce.number({ error: 'must be milliseconds' }).int().min(1000).max(50_000, 'must be at most 50000 (a dead worker\'s jobs are retried within a minute)').default(30_000),
});

export type Env = z.infer<typeof envSchema> & { APP_URL: string; APP_SECRET: string; DATA_DIR: string };

export class EnvError extends Error {}

/** Reads process.env once; a bad value becomes one clear message (the caller exits with code 1). */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
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
  const dataDir = path.resolve(env.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  return {
    ...env,
    DATA_DIR: dataDir,
    APP_URL: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
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
