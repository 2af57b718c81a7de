import { Router } from 'express';
import { retrieveObjectParams, searchParams } from '../../../shared/contracts/common.js';
import { listChargesParams } from '../../../shared/contracts/charges.js';
import { getCharge, listCharges, searchCharges } from '../../core/charges/charges.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { endpoint } from '../route.js';

export function chargeRoutes(deps: CoreDeps): Router {
  const router = Router();
  const base = '/charges';
  router.get(base, endpoint(deps, (c) => listCharges(c.deps, c.scope, c.parse(listChargesParams), '/v1/charges')));
  router.get(`${base}/search`, endpoint(deps, (c) => searchCharges(c.deps, c.scope, c.parse(searchParams), '/v1/charges/search')));
  router.get(`${base}/:id`, endpoint(deps, (c) => (c.parse(retrieveObjectParams), getCharge(c.deps, c.scope, c.id))));
  return router;
}
