import type { Request } from 'express';
import { takeRateLimitToken, type ApiRequestOrigin } from '../core/api-keys/api-keys.service.js';
import { DEFAULT_PUBLISHABLE_LIMITS, type BucketLimit, type RateLimitConfig, type RateLimitDecision } from '../core/api-keys/rate-limit.js';
import type { Db } from '../db/database.js';

export type { BucketLimit, RateLimitConfig, RateLimitDecision };

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
