/** Token-bucket rules for API keys; the bucket itself is one row in rate_limits (api-keys.repository.ts). */

export interface BucketLimit {
  /** Tokens added per second. */
  rate: number;
  /** Bucket capacity: how many requests may arrive at once after a quiet period. */
  burst: number;
}

interface PublishableLimits {
  /** Per publishable key and client IP address: one browser (or one script) cannot exhaust the others'. */
  ip: BucketLimit;
  /** Per publishable key and payment intent: a flood on one intent cannot exhaust other buyers'. */
  intent: BucketLimit;
}

export interface RateLimitConfig {
  /** Per secret key, by mode. */
  live: BucketLimit;
  test: BucketLimit;
  /**
   * The publishable key is public (every checkout page carries it), so its traffic never touches the
   * merchant's secret-key bucket: it is limited per client IP and per intent instead.
   */
  publishable?: PublishableLimits;
}

export const DEFAULT_PUBLISHABLE_LIMITS: PublishableLimits = {
  ip: { rate: 10, burst: 20 },
  intent: { rate: 5, burst: 10 },
};

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds when the bucket is full again. */
  reset: number;
  /** Seconds to wait before the next request can succeed (only when refused). */
  retryAfter: number;
}

/** What the bucket row said after taking a token; null when it held less than one token (the refusal). */
export interface TakenToken {
  tokens: number;
  now_ms: number;
}

export function apiKeyBucket(keyId: string) {
  return `api_key:${keyId}`;
}

export function publishableIpBucket(keyId: string, ip: string) {
  return `pk_ip:${keyId}:${ip}`;
}

export function publishableIntentBucket(keyId: string, intentId: string) {
  return `pk_intent:${keyId}:${intentId}`;
}

/** `now`: the clock the bucket was read with (tests inject one; the database's clock otherwise). */
export function rateLimitDecision(taken: TakenToken | null, limit: BucketLimit, now: Date = new Date()): RateLimitDecision {
  const { rate, burst } = limit;
  if (!taken) {
    // Refused: the bucket had less than one token; one token arrives within 1/rate seconds.
    return {
      allowed: false,
      limit: burst,
      remaining: 0,
      reset: Math.ceil(now.getTime() / 1000 + burst / rate),
      retryAfter: Math.max(1, Math.ceil(1 / rate)),
    };
  }
  const tokens = Number(taken.tokens);
  return {
    allowed: true,
    limit: burst,
    remaining: Math.max(0, Math.floor(tokens)),
    reset: Math.ceil(Number(taken.now_ms) / 1000 + (burst - tokens) / rate),
    retryAfter: 0,
  };
}
