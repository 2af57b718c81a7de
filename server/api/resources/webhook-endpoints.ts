import { Router } from 'express';
import { deleteParams, retrieveObjectParams } from '../../../shared/contracts/common.js';
import { createWebhookEndpointParams, listWebhookEndpointsParams, updateWebhookEndpointParams } from '../../../shared/contracts/webhook-endpoints.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  updateWebhookEndpoint,
} from '../../core/webhook-endpoints/webhook-endpoints.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { endpoint } from '../route.js';

export function webhookEndpointRoutes(deps: CoreDeps): Router {
  const router = Router();
  const base = '/webhook_endpoints';
  router.post(base, endpoint(deps, (c) => createWebhookEndpoint(c.deps, c.actor, c.parse(createWebhookEndpointParams), c.tx)));
  router.get(base, endpoint(deps, (c) => listWebhookEndpoints(c.deps, c.scope, c.parse(listWebhookEndpointsParams), '/v1/webhook_endpoints')));
  router.get(`${base}/:id`, endpoint(deps, (c) => (c.parse(retrieveObjectParams), getWebhookEndpoint(c.deps, c.scope, c.id))));
  router.post(`${base}/:id`, endpoint(deps, (c) => updateWebhookEndpoint(c.deps, c.actor, c.id, c.parse(updateWebhookEndpointParams), c.tx)));
  router.delete(`${base}/:id`, endpoint(deps, (c) => (c.parse(deleteParams), deleteWebhookEndpoint(c.deps, c.actor, c.id, c.tx))));
  return router;
}
