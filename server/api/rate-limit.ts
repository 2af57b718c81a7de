import { takeRateLimitToken } from '../core/api-keys/api-keys.service.js';
import type { BucketLimit, RateLimitConfig, RateLimitDecision } from '../core/api-keys/rate-limit.js';
import type { Db } from '../db/database.js';

export type { BucketLimit, RateLimitConfig, RateLimitDecision };

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
 * Takes one token from any bucket (API requests take theirs while the key is authenticated, in
 * authenticateApiRequest); the statement and the bucket rules live in server/core/api-keys.
 */
export async function takeToken(db: Db, bucket: string, limit: BucketLimit): Promise<RateLimitDecision> {
  return takeRateLimitToken(db, bucket, limit);
}
