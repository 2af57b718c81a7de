import { Router } from 'express';
import { deleteParams, retrieveObjectParams } from '../../../shared/contracts/common.js';
import { createWebhookEndpointParams, listWebhookEndpointsParams, updateWebhookEndpointParams } from '../../../shared/contracts/webhook-endpoints.js';
import {
  checkEndpointUrl,
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  updateWebhookEndpoint,
} from '../../core/webhook-endpoints/webhook-endpoints.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { audited, endpoint, type ApiCall } from '../route.js';

export function webhookEndpointRoutes(deps: CoreDeps): Router {
  const router = Router();
  const base = '/webhook_endpoints';
  // The parameters are read and the URL's DNS check done before the audit's (or the Idempotency-Key's)
  // transaction opens.
  const checkedCreate = (c: ApiCall) => checkEndpointUrl(c.scope, c.parse(createWebhookEndpointParams));
  const checkedUpdate = (c: ApiCall) => checkEndpointUrl(c.scope, c.parse(updateWebhookEndpointParams));
  // The signing secret the create answer carries never reaches the audit entry.
  router.post(base, endpoint(deps, audited(
    (c) => createWebhookEndpoint(c.deps, c.actor, c.prepared as Awaited<ReturnType<typeof checkedCreate>>, c.tx),
    (created) => ({ action: 'webhook_endpoint.created', targetId: created.id, data: { url: created.url } }),
  ), { prepare: checkedCreate }));
  router.get(base, endpoint(deps, (c) => listWebhookEndpoints(c.deps, c.scope, c.parse(listWebhookEndpointsParams), '/v1/webhook_endpoints')));
  router.get(`${base}/:id`, endpoint(deps, (c) => (c.parse(retrieveObjectParams), getWebhookEndpoint(c.deps, c.scope, c.id))));
  router.post(`${base}/:id`, endpoint(deps, audited(
    (c) => updateWebhookEndpoint(c.deps, c.actor, c.id, c.prepared as Awaited<ReturnType<typeof checkedUpdate>>, c.tx),
    (updated, c) => {
      // As the dashboard records it: the new values (an endpoint holds no personal data, and no secret).
      const { expand: _expand, ...changes } = c.parse(updateWebhookEndpointParams);
      return { action: 'webhook_endpoint.updated', targetId: updated.id, data: changes };
    },
  ), { prepare: checkedUpdate }));
  router.delete(`${base}/:id`, endpoint(deps, audited(
    (c) => (c.parse(deleteParams), deleteWebhookEndpoint(c.deps, c.actor, c.id, c.tx)),
    (deleted) => ({ action: 'webhook_endpoint.deleted', targetId: deleted.id }),
  )));
  return router;
}
