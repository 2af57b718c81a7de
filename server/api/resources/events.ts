import { Router } from 'express';
import { retrieveObjectParams } from '../../../shared/contracts/common.js';
import { listEventsParams } from '../../../shared/contracts/events.js';
import { getEvent, listEvents } from '../../core/events/events.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { endpoint } from '../route.js';

export function eventRoutes(deps: CoreDeps): Router {
  const router = Router();
  router.get('/events', endpoint(deps, (c) => listEvents(c.deps, c.scope, c.parse(listEventsParams), '/v1/events')));
  router.get('/events/:id', endpoint(deps, (c) => (c.parse(retrieveObjectParams), getEvent(c.deps, c.scope, c.id))));
  return router;
}
