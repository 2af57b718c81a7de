import { Router } from 'express';
import { retrieveObjectParams } from '../../../shared/contracts/common.js';
import { getBalance } from '../../core/balance/balance.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { endpoint } from '../route.js';

export function balanceRoutes(deps: CoreDeps): Router {
  const router = Router();
  router.get('/balance', endpoint(deps, (c) => (c.parse(retrieveObjectParams), getBalance(c.deps, c.scope))));
  return router;
}
