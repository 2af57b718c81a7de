import { auditOf } from '../../core/accounts/audit-entries.js';
import { Router } from 'express';
import { retrieveObjectParams } from '../../../shared/contracts/common.js';
import { closeDisputeParams, listDisputesParams, updateDisputeParams } from '../../../shared/contracts/disputes.js';
import { closeDispute, getDispute, listDisputes, updateDispute } from '../../core/disputes/disputes.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { audited, endpoint, sentParams } from '../route.js';

export function disputeRoutes(deps: CoreDeps): Router {
  const router = Router();
  const base = '/disputes';
  router.get(base, endpoint(deps, (c) => listDisputes(c.deps, c.scope, c.parse(listDisputesParams), '/v1/disputes')));
  router.get(`${base}/:id`, endpoint(deps, (c) => (c.parse(retrieveObjectParams), getDispute(c.deps, c.scope, c.id))));
  router.post(`${base}/:id`, endpoint(deps, audited(
    (c) => updateDispute(c.deps, c.actor, c.id, c.parse(updateDisputeParams), c.tx),
    (dispute, c) => auditOf.disputeUpdated(dispute, sentParams(c)),
  )));
  router.post(`${base}/:id/close`, endpoint(deps, audited(
    (c) => closeDispute(c.deps, c.actor, c.id, c.parse(closeDisputeParams), c.tx),
    (dispute) => auditOf.disputeClosed(dispute),
  )));
  return router;
}
