import { sql } from 'kysely';
import type { Db } from '../db/database.js';

export interface BucketLimit {
  /** Tokens added per second. */
  rate: number;
  /** Bucket capacity: how many requests may arrive at once after a quiet period. */
  burst: number;
}

export interface RateLimitConfig {
  live: BucketLimit;
  test: BucketLimit;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds when the bucket is full again. */
  reset: number;
  /** Seconds to wait before the next request can succeed (only when refused). */
  retryAfter: number;
}

function positiveNumber(raw: string | undefined, fallback: number): number {
  const n = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** RATE_LIMIT_LIVE / RATE_LIMIT_TEST are requests per second; the burst is twice that. */
export function rateLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitConfig {
  const live = positiveNumber(env.RATE_LIMIT_LIVE, 100);
  const test = positiveNumber(env.RATE_LIMIT_TEST, 25);
  return { live: { rate: live, burst: live * 2 }, test: { rate: test, burst: test * 2 } };
}

/**
 * Takes one token from the key's bucket in one statement, so every server instance shares the same
 * bucket and two requests cannot both take the last token. The refill is computed from the time since the
 * last update; when the bucket holds less than one token the conditional DO UPDATE leaves the row alone and
 * returns nothing, which is the refusal.
 */
export async function takeToken(db: Db, bucket: string, limit: BucketLimit): Promise<RateLimitDecision> {
  const { rate, burst } = limit;
  const { rows } = await sql<{ tokens: number; now_ms: number }>`
    insert into rate_limits as b (bucket, tokens, updated_at)
    values (${bucket}, ${burst - 1}::double precision, clock_timestamp())
    on conflict (bucket) do update
      set tokens = least(${burst}::double precision, b.tokens + extract(epoch from clock_timestamp() - b.updated_at) * ${rate}::double precision) - 1,
          updated_at = clock_timestamp()
      where least(${burst}::double precision, b.tokens + extract(epoch from clock_timestamp() - b.updated_at) * ${rate}::double precision) >= 1
    returning b.tokens, (extract(epoch from b.updated_at) * 1000)::float8 as now_ms
  `.execute(db);
  const row = rows[0];
  if (!row) {
    // Refused: the bucket had less than one token; one token arrives within 1/rate seconds.
    return {
      allowed: false,
      limit: burst,
      remaining: 0,
      reset: Math.ceil(Date.now() / 1000 + burst / rate),
      retryAfter: Math.max(1, Math.ceil(1 / rate)),
    };
  }
  const tokens = Number(row.tokens);
  return {
    allowed: true,
    limit: burst,
    remaining: Math.max(0, Math.floor(tokens)),
    reset: Math.ceil(Number(row.now_ms) / 1000 + (burst - tokens) / rate),
    retryAfter: 0,
  };
}
