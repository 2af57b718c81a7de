import { auditOf } from '../../core/accounts/audit-entries.js';
import { Router } from 'express';
import { retrieveObjectParams } from '../../../shared/contracts/common.js';
import { createPayoutParams, listPayoutsParams } from '../../../shared/contracts/payouts.js';
import { createPayout, getPayout, listPayouts } from '../../core/payouts/payouts.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { audited, endpoint } from '../route.js';

export function payoutRoutes(deps: CoreDeps): Router {
  const router = Router();
  const base = '/payouts';
  router.post(base, endpoint(deps, audited(
    (c) => createPayout(c.deps, c.actor, c.parse(createPayoutParams), c.tx),
    (payout) => auditOf.payoutCreated(payout),
  )));
  router.get(base, endpoint(deps, (c) => listPayouts(c.deps, c.scope, c.parse(listPayoutsParams), '/v1/payouts')));
  router.get(`${base}/:id`, endpoint(deps, (c) => (c.parse(retrieveObjectParams), getPayout(c.deps, c.scope, c.id))));
  return router;
}
