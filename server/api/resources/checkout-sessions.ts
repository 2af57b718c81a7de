import { Router } from 'express';
import { retrieveObjectParams } from '../../../shared/contracts/common.js';
import { createCheckoutSessionParams, expireCheckoutSessionParams, listCheckoutSessionsParams, listLineItemsParams } from '../../../shared/contracts/checkout-sessions.js';
import {
  createCheckoutSession,
  expireCheckoutSession,
  getCheckoutSession,
  listCheckoutSessions,
  listLineItems,
} from '../../core/checkout-sessions/checkout-sessions.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { endpoint } from '../route.js';

export function checkoutSessionRoutes(deps: CoreDeps): Router {
  const router = Router();
  const base = '/checkout/sessions';
  router.post(base, endpoint(deps, (c) => createCheckoutSession(c.deps, c.actor, c.parse(createCheckoutSessionParams), c.tx)));
  router.get(base, endpoint(deps, (c) => listCheckoutSessions(c.deps, c.scope, c.parse(listCheckoutSessionsParams), '/v1/checkout/sessions')));
  router.get(`${base}/:id`, endpoint(deps, (c) => getCheckoutSession(c.deps, c.scope, c.id, c.parse(retrieveObjectParams))));
  router.get(`${base}/:id/line_items`, endpoint(deps, (c) => listLineItems(c.deps, c.scope, c.id, c.parse(listLineItemsParams))));
  router.post(`${base}/:id/expire`, endpoint(deps, (c) => expireCheckoutSession(c.deps, c.actor, c.id, c.parse(expireCheckoutSessionParams), c.tx)));
  return router;
}
