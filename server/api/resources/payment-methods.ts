import { Router } from 'express';
import { retrieveObjectParams } from '../../../shared/contracts/common.js';
import {
  attachPaymentMethodParams,
  createPaymentMethodParams,
  detachPaymentMethodParams,
  listCustomerPaymentMethodsParams,
  listPaymentMethodsParams,
  updatePaymentMethodParams,
} from '../../../shared/contracts/payment-methods.js';
import {
  attachPaymentMethod,
  createPaymentMethod,
  detachPaymentMethod,
  getCustomerPaymentMethod,
  getPaymentMethod,
  listCustomerPaymentMethods,
  listPaymentMethods,
  updatePaymentMethod,
} from '../../core/payment-methods/payment-methods.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { endpoint } from '../route.js';

export function paymentMethodRoutes(deps: CoreDeps): Router {
  const router = Router();
  const base = '/payment_methods';
  router.post(base, endpoint(deps, (c) => createPaymentMethod(c.deps, c.actor, c.parse(createPaymentMethodParams), c.tx)));
  router.get(base, endpoint(deps, (c) => listPaymentMethods(c.deps, c.scope, c.parse(listPaymentMethodsParams), '/v1/payment_methods')));
  router.get(`${base}/:id`, endpoint(deps, (c) => (c.parse(retrieveObjectParams), getPaymentMethod(c.deps, c.scope, c.id))));
  router.post(`${base}/:id`, endpoint(deps, (c) => updatePaymentMethod(c.deps, c.actor, c.id, c.parse(updatePaymentMethodParams), c.tx)));
  router.post(`${base}/:id/attach`, endpoint(deps, (c) => attachPaymentMethod(c.deps, c.actor, c.id, c.parse(attachPaymentMethodParams), c.tx)));
  router.post(`${base}/:id/detach`, endpoint(deps, (c) => detachPaymentMethod(c.deps, c.actor, c.id, c.parse(detachPaymentMethodParams), c.tx)));
  // The customer's id is not `:id`, so the list is treated as a list (expand `data.*`).
  router.get('/customers/:customer/payment_methods', endpoint(deps, (c) => listCustomerPaymentMethods(c.deps, c.scope, c.pathParams.customer, c.parse(listCustomerPaymentMethodsParams))));
  router.get('/customers/:customer/payment_methods/:id', endpoint(deps, (c) => (c.parse(retrieveObjectParams), getCustomerPaymentMethod(c.deps, c.scope, c.pathParams.customer, c.id))));
  return router;
}
