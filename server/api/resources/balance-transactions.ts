import { Router } from 'express';
import { listBalanceTransactionsParams } from '../../../shared/contracts/balance.js';
import { retrieveObjectParams } from '../../../shared/contracts/common.js';
import { getBalanceTransaction, listBalanceTransactions } from '../../core/balance/balance.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { endpoint } from '../route.js';

export function balanceTransactionRoutes(deps: CoreDeps): Router {
  const router = Router();
  const base = '/balance_transactions';
  router.get(base, endpoint(deps, (c) => listBalanceTransactions(c.deps, c.scope, c.parse(listBalanceTransactionsParams), '/v1/balance_transactions')));
  router.get(`${base}/:id`, endpoint(deps, (c) => (c.parse(retrieveObjectParams), getBalanceTransaction(c.deps, c.scope, c.id))));
  return router;
}
