import { Router } from 'express';
import type { CoreDeps } from '../core/shared/deps.js';
import { authenticate, cors, errorHandler, parseParameters, requestContext, requestLog, unknownRoute } from './pipeline.js';
import { rateLimitsFromEnv, type RateLimitConfig } from './rate-limit.js';
import { customerRoutes } from './resources/customers.js';
import { eventRoutes } from './resources/events.js';
import { paymentIntentRoutes } from './resources/payment-intents.js';
import { refundRoutes } from './resources/refunds.js';
import { webhookEndpointRoutes } from './resources/webhook-endpoints.js';

export interface ApiRouterOptions {
  /** Token buckets per API key; defaults from RATE_LIMIT_LIVE / RATE_LIMIT_TEST (requests per second, burst 2x). */
  rateLimits?: RateLimitConfig;
  /** The rate limiter's clock (tests inject one); the database's clock by default. */
  clock?: () => Date;
  /** Log unexpected (5xx) errors to stderr; on by default. */
  logErrors?: boolean;
  /** One line per request (method, path, status, time, request id; never bodies or keys). Default: LOG_REQUESTS. */
  logRequests?: boolean;
}

/**
 * Public REST API (/v1), wire-compatible with Stripe's for the resources PaymentFlow has.
 * Order matters: every response gets a Request-Id, then the key is checked (401 before anything else),
 * the key's bucket is charged (one statement for both), the body is parsed, and only then is a route chosen.
 */
export function createApiRouter(deps: CoreDeps, options: ApiRouterOptions = {}): Router {
  const limits = options.rateLimits ?? rateLimitsFromEnv();
  const logRequests = options.logRequests ?? /^(true|1|yes)$/i.test(process.env.LOG_REQUESTS ?? '');
  const router = Router();
  if (logRequests) router.use(requestLog);
  router.use(requestContext, cors, authenticate(deps, limits, options.clock), parseParameters);
  router.use(paymentIntentRoutes(deps));
  router.use(customerRoutes(deps));
  router.use(refundRoutes(deps));
  router.use(eventRoutes(deps));
  router.use(webhookEndpointRoutes(deps));
  router.use(unknownRoute);
  router.use(errorHandler(options.logErrors !== false));
  return router;
}
