import { takeRateLimitToken } from '../core/api-keys/api-keys.service.js';
import type { BucketLimit, RateLimitConfig, RateLimitDecision } from '../core/api-keys/rate-limit.js';
import type { Db } from '../db/database.js';

export type { BucketLimit, RateLimitConfig, RateLimitDecision };

/**
 * Takes one token from any bucket (API requests take theirs while the key is authenticated, in
 * authenticateApiRequest); the statement and the bucket rules live in server/core/api-keys.
 */
export async function takeToken(db: Db, bucket: string, limit: BucketLimit): Promise<RateLimitDecision> {
  return takeRateLimitToken(db, bucket, limit);
}
