import { auditOf } from '../../core/accounts/audit-entries.js';
import { Router } from 'express';
import { deleteParams, retrieveObjectParams, searchParams } from '../../../shared/contracts/common.js';
import { createCustomerParams, listCustomersParams, updateCustomerParams } from '../../../shared/contracts/customers.js';
import {
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomers,
  searchCustomers,
  updateCustomer,
} from '../../core/customers/customers.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { audited, endpoint, sentParams } from '../route.js';

export function customerRoutes(deps: CoreDeps): Router {
  const router = Router();
  const base = '/customers';
  router.post(base, endpoint(deps, audited(
    (c) => createCustomer(c.deps, c.actor, c.parse(createCustomerParams), c.tx),
    (customer) => auditOf.customerCreated(customer),
  )));
  router.get(base, endpoint(deps, (c) => listCustomers(c.deps, c.scope, c.parse(listCustomersParams), '/v1/customers')));
  router.get(`${base}/search`, endpoint(deps, (c) => searchCustomers(c.deps, c.scope, c.parse(searchParams), '/v1/customers/search'), { fromReplica: true }));
  router.get(`${base}/:id`, endpoint(deps, (c) => (c.parse(retrieveObjectParams), getCustomer(c.deps, c.scope, c.id))));
  router.post(`${base}/:id`, endpoint(deps, audited(
    (c) => updateCustomer(c.deps, c.actor, c.id, c.parse(updateCustomerParams), c.tx),
    (customer, c) => auditOf.customerUpdated(customer.id, sentParams(c)),
  )));
  router.delete(`${base}/:id`, endpoint(deps, audited(
    (c) => (c.parse(deleteParams), deleteCustomer(c.deps, c.actor, c.id, c.tx)),
    (deleted) => auditOf.customerDeleted(deleted.id),
  )));
  return router;
}
