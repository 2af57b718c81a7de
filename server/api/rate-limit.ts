import type { Request } from 'express';
import { takeRateLimitToken, type ApiRequestOrigin } from '../core/api-keys/api-keys.service.js';
import { DEFAULT_PUBLISHABLE_LIMITS, type BucketLimit, type RateLimitConfig, type RateLimitDecision } from '../core/api-keys/rate-limit.js';
import type { Db } from '../db/database.js';

export type { BucketLimit, RateLimitConfig, RateLimitDecision };

function positiveNumber(raw: string | undefined, fallback: number): number {
  const n = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/**
 * RATE_LIMIT_LIVE / RATE_LIMIT_TEST are requests per second per secret key; RATE_LIMIT_PUBLISHABLE_IP and
 * RATE_LIMIT_PUBLISHABLE_INTENT per publishable key and client IP, and per publishable key and intent.
 * Each burst is twice its rate.
 */
export function rateLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitConfig {
  const bucket = (name: string, fallback: number): BucketLimit => {
    const rate = positiveNumber(env[name], fallback);
    return { rate, burst: rate * 2 };
  };
  return {
    live: bucket('RATE_LIMIT_LIVE', 100),
    test: bucket('RATE_LIMIT_TEST', 25),
    publishable: {
      ip: bucket('RATE_LIMIT_PUBLISHABLE_IP', DEFAULT_PUBLISHABLE_LIMITS.ip.rate),
      intent: bucket('RATE_LIMIT_PUBLISHABLE_INTENT', DEFAULT_PUBLISHABLE_LIMITS.intent.rate),
    },
  };
}

const INTENT_PATH = /^\/payment_intents\/(pi_[A-Za-z0-9]{1,64})(?:\/|$)/;

/** What the publishable key's buckets are keyed by: the client address (proxies trusted per app.ts) and the intent in the path. */
export function rateLimitOrigin(req: Request, clock?: () => Date): ApiRequestOrigin {
  const intentId = INTENT_PATH.exec(req.path)?.[1];
  return { clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown', ...(intentId ? { intentId } : {}), ...(clock ? { clock } : {}) };
}

export function rateLimitMessage(keyType: string, bucket: BucketLimit, decision: RateLimitDecision): string {
  const scope = keyType === 'publishable' ? 'this publishable key allows, per client and per payment,' : 'this key allows';
  return `Too many requests hit the API too quickly: ${scope} ${bucket.rate} requests per second (bursts up to ${bucket.burst}). Retry after ${decision.retryAfter} second(s), with exponential backoff.`;
}

/**
 * Takes one token from any bucket (API requests take theirs while the key is authenticated, in
 * authenticateApiRequest); the statement and the bucket rules live in server/core/api-keys.
 */
export async function takeToken(db: Db, bucket: string, limit: BucketLimit, now?: Date): Promise<RateLimitDecision> {
  return takeRateLimitToken(db, bucket, limit, now);
}
