import { Router } from 'express';
import { retrieveObjectParams } from '../../../shared/contracts/common.js';
import { createReportRunParams, listReportRunsParams } from '../../../shared/contracts/reports.js';
import {
  createReportRunFromApi,
  getReportRun,
  getReportType,
  listReportRuns,
  listReportTypes,
} from '../../core/reports/reports.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { endpoint } from '../route.js';

/**
 * Stripe's reporting API (report types and runs). The files a run produces are served by resources/files.ts:
 * a run's `result.url` is /v1/files/:id/contents on this server.
 */
export function reportingRoutes(deps: CoreDeps): Router {
  const router = Router();
  router.get('/reporting/report_types', endpoint(deps, (c) => (c.parse(retrieveObjectParams), listReportTypes(c.deps, c.scope))));
  router.get('/reporting/report_types/:id', endpoint(deps, (c) => (c.parse(retrieveObjectParams), getReportType(c.deps, c.scope, c.id))));
  router.post('/reporting/report_runs', endpoint(deps, (c) => createReportRunFromApi(c.deps, c.actor, c.parse(createReportRunParams), c.tx)));
  router.get('/reporting/report_runs', endpoint(deps, (c) => listReportRuns(c.deps, c.scope, c.parse(listReportRunsParams))));
  router.get('/reporting/report_runs/:id', endpoint(deps, (c) => (c.parse(retrieveObjectParams), getReportRun(c.deps, c.scope, c.id))));
  return router;
}
