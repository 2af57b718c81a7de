import { Router } from 'express';
import { retrieveObjectParams } from '../../../shared/contracts/common.js';
import { closeDisputeParams, listDisputesParams, updateDisputeParams } from '../../../shared/contracts/disputes.js';
import { closeDispute, getDispute, listDisputes, updateDispute } from '../../core/disputes/disputes.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { endpoint } from '../route.js';

export function disputeRoutes(deps: CoreDeps): Router {
  const router = Router();
  const base = '/disputes';
  router.get(base, endpoint(deps, (c) => listDisputes(c.deps, c.scope, c.parse(listDisputesParams), '/v1/disputes')));
  router.get(`${base}/:id`, endpoint(deps, (c) => (c.parse(retrieveObjectParams), getDispute(c.deps, c.scope, c.id))));
  router.post(`${base}/:id`, endpoint(deps, (c) => updateDispute(c.deps, c.actor, c.id, c.parse(updateDisputeParams), c.tx)));
  router.post(`${base}/:id/close`, endpoint(deps, (c) => closeDispute(c.deps, c.actor, c.id, c.parse(closeDisputeParams), c.tx)));
  return router;
}
