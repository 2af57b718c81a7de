import { Router } from 'express';
import type { CoreDeps } from '../core/shared/deps.js';
import { httpConfig } from '../env.js';
import { apiRequest, errorHandler, requestLog, unknownRoute } from './pipeline.js';
import type { RateLimitConfig } from './rate-limit.js';
import { checkoutSessionRoutes } from './resources/checkout-sessions.js';
import { balanceTransactionRoutes } from './resources/balance-transactions.js';
import { balanceRoutes } from './resources/balance.js';
import { chargeRoutes } from './resources/charges.js';
import { customerRoutes } from './resources/customers.js';
import { disputeRoutes } from './resources/disputes.js';
import { payoutRoutes } from './resources/payouts.js';
import { eventRoutes } from './resources/events.js';
import { fileRoutes } from './resources/files.js';
import { listenSessionRoutes } from './resources/listen-sessions.js';
import { paymentIntentRoutes } from './resources/payment-intents.js';
import { paymentMethodRoutes } from './resources/payment-methods.js';
import { refundRoutes } from './resources/refunds.js';
import { reportingRoutes } from './resources/reporting.js';
import { webhookEndpointRoutes } from './resources/webhook-endpoints.js';

export interface ApiRouterOptions {
  /** Token buckets per API key; defaults from server/env.ts (RATE_LIMIT_LIVE / RATE_LIMIT_TEST). */
  rateLimits?: RateLimitConfig;
  /** The rate limiter's clock (tests inject one); the database's clock by default. */
  clock?: () => Date;
  /** Log unexpected (5xx) errors to stderr; on by default. */
  logErrors?: boolean;
  /** One line per request (method, path, status, time, request id; never bodies or keys). Default: LOG_REQUESTS (server/env.ts). */
  logRequests?: boolean;
}

/**
 * Public REST API (/v1), wire-compatible with Stripe's for the resources PaymentFlow has.
 * Order matters: every response gets a Request-Id, then the key is checked (401 before anything else),
 * the key's bucket is charged (one statement for both), the body is parsed, and only then is a route chosen.
 */
export function createApiRouter(deps: CoreDeps, options: ApiRouterOptions = {}): Router {
  // Defaults come from server/env.ts, which validates RATE_LIMIT_* and LOG_REQUESTS like every variable.
  const defaults = httpConfig();
  const limits = options.rateLimits ?? defaults.apiRateLimits;
  const logRequests = options.logRequests ?? defaults.logRequests;
  const router = Router();
  if (logRequests) router.use(requestLog);
  router.use(apiRequest(deps, limits, options.clock));
  router.use(paymentIntentRoutes(deps));
  router.use(customerRoutes(deps));
  router.use(paymentMethodRoutes(deps));
  router.use(disputeRoutes(deps));
  router.use(refundRoutes(deps));
  router.use(eventRoutes(deps));
  router.use(webhookEndpointRoutes(deps));
  router.use(checkoutSessionRoutes(deps));
  router.use(reportingRoutes(deps));
  router.use(fileRoutes(deps));
  router.use(chargeRoutes(deps));
  router.use(balanceRoutes(deps));
  router.use(balanceTransactionRoutes(deps));
  router.use(payoutRoutes(deps));
  router.use(listenSessionRoutes(deps));
  router.use(unknownRoute);
  router.use(errorHandler(options.logErrors !== false));
  return router;
}
