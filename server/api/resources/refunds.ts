import { auditOf } from '../../core/accounts/audit-entries.js';
import { Router } from 'express';
import { retrieveObjectParams } from '../../../shared/contracts/common.js';
import { createRefundApiParams, listRefundsParams, updateRefundParams } from '../../../shared/contracts/refunds.js';
import { createRefund, getRefund, listRefunds, updateRefund } from '../../core/refunds/refunds.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { audited, endpoint, sentParams } from '../route.js';

export function refundRoutes(deps: CoreDeps): Router {
  const router = Router();
  const base = '/refunds';
  router.post(base, endpoint(deps, audited(
    (c) => createRefund(c.deps, c.actor, c.parse(createRefundApiParams), c.tx),
    (refund) => auditOf.refundCreated(refund),
  )));
  router.get(base, endpoint(deps, (c) => listRefunds(c.deps, c.scope, c.parse(listRefundsParams), '/v1/refunds')));
  router.get(`${base}/:id`, endpoint(deps, (c) => (c.parse(retrieveObjectParams), getRefund(c.deps, c.scope, c.id))));
  router.post(`${base}/:id`, endpoint(deps, audited(
    (c) => updateRefund(c.deps, c.actor, c.id, c.parse(updateRefundParams), c.tx),
    (refund, c) => auditOf.refundUpdated(refund, sentParams(c)),
  )));
  return router;
}
