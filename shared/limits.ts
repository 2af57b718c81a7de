/** Numbers and names the server and the web must agree on, defined once. */

/** Declined confirmations after which an intent is canceled as `abandoned` (DESIGN §4). */
export const MAX_FAILED_ATTEMPTS = 5;

/** How long an Idempotency-Key is remembered. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** Header every dashboard tRPC request carries (value "1"); the server refuses mutations without it. */
export const CSRF_HEADER = 'x-paymentflow-csrf';

/** Page sizes a dashboard list offers, and the one it starts with. */
export const PAGE_SIZES = [10, 25, 50, 100] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export const DEFAULT_PAGE_SIZE = 25 satisfies PageSize;

/** Page sizes of the public API's list and search endpoints, as Stripe's (`limit` 1 to 100, 10 when omitted). */
export const API_PAGE_LIMIT = { max: 100, default: 10 } as const;
