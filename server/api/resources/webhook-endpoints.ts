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
import { audited, endpoint } from '../route.js';

export function webhookEndpointRoutes(deps: CoreDeps): Router {
  const router = Router();
  const base = '/webhook_endpoints';
  // The signing secret the create answer carries never reaches the audit entry.
  router.post(base, endpoint(deps, audited(
    (c) => createWebhookEndpoint(c.deps, c.actor, c.parse(createWebhookEndpointParams), c.tx),
    (created) => ({ action: 'webhook_endpoint.created', targetId: created.id, data: { url: created.url } }),
  )));
  router.get(base, endpoint(deps, (c) => listWebhookEndpoints(c.deps, c.scope, c.parse(listWebhookEndpointsParams), '/v1/webhook_endpoints')));
  router.get(`${base}/:id`, endpoint(deps, (c) => (c.parse(retrieveObjectParams), getWebhookEndpoint(c.deps, c.scope, c.id))));
  router.post(`${base}/:id`, endpoint(deps, audited(
    (c) => updateWebhookEndpoint(c.deps, c.actor, c.id, c.parse(updateWebhookEndpointParams), c.tx),
    (updated, c) => {
      // As the dashboard records it: the new values (an endpoint holds no personal data, and no secret).
      const { expand: _expand, ...changes } = c.parse(updateWebhookEndpointParams);
      return { action: 'webhook_endpoint.updated', targetId: updated.id, data: changes };
    },
  )));
  router.delete(`${base}/:id`, endpoint(deps, audited(
    (c) => (c.parse(deleteParams), deleteWebhookEndpoint(c.deps, c.actor, c.id, c.tx)),
    (deleted) => ({ action: 'webhook_endpoint.deleted', targetId: deleted.id }),
  )));
  return router;
}
