import path from 'node:path';
import express, { Router } from 'express';
import type { CoreDeps } from '../core/shared/deps.js';
import { CHECKOUT_DIST } from './checkout-assets.js';
import { challengeRoutes } from './challenge.routes.js';
import { payPageRoutes } from './pay-page.routes.js';
import { receiptRoutes } from './receipt.routes.js';
import { checkoutErrorHandler, linkNotValid } from './responses.js';

/**
 * Hosted checkout (the HTTP edge; its rules are in server/core/payment-intents/checkout.service.ts): the
 * client bundle, the simulated 3-D Secure challenge (challenge.routes.ts) and the pay page (pay-page.routes.ts).
 */
export function createCheckoutRouter(deps: CoreDeps) {
  const router = Router();

  // The page URL carries the client secret: it must never leak through a Referer header.
  router.use((_req, res, next) => {
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });

  // Hashed file names never change content.
  router.use(
    '/assets',
    express.static(path.join(CHECKOUT_DIST, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: false }),
  );
  router.use(challengeRoutes(deps));
  router.use(payPageRoutes(deps));
  router.use(receiptRoutes(deps));
  router.use((_req, res) => linkNotValid(res));
  router.use(checkoutErrorHandler);
  return router;
}
