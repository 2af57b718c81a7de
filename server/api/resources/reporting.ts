import { Router } from 'express';
import { retrieveObjectParams } from '../../../shared/contracts/common.js';
import { createReportRunParams, listReportRunsParams } from '../../../shared/contracts/reports.js';
import { PaymentError } from '../../../shared/errors.js';
import {
  createReportRunFromApi,
  getFile,
  getReportRun,
  getReportType,
  listReportRuns,
  listReportTypes,
  openFileForApi,
} from '../../core/reports/reports.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { sendStoredFile } from '../../http/file-download.js';
import { apiLocals } from '../pipeline.js';
import { endpoint, keyActor } from '../route.js';

/**
 * Stripe's reporting API (report types and runs) and the files a run produces. A run's `result.url` is
 * /v1/files/:id/contents on this server, fetched with the secret key as Stripe's files host is.
 */
export function reportingRoutes(deps: CoreDeps): Router {
  const router = Router();
  router.get('/reporting/report_types', endpoint(deps, (c) => (c.parse(retrieveObjectParams), listReportTypes(c.deps, c.scope))));
  router.get('/reporting/report_types/:id', endpoint(deps, (c) => (c.parse(retrieveObjectParams), getReportType(c.deps, c.scope, c.id))));
  router.post('/reporting/report_runs', endpoint(deps, (c) => createReportRunFromApi(c.deps, c.actor, c.parse(createReportRunParams), c.tx)));
  router.get('/reporting/report_runs', endpoint(deps, (c) => listReportRuns(c.deps, c.scope, c.parse(listReportRunsParams))));
  router.get('/reporting/report_runs/:id', endpoint(deps, (c) => (c.parse(retrieveObjectParams), getReportRun(c.deps, c.scope, c.id))));
  router.get('/files/:id', endpoint(deps, (c) => (c.parse(retrieveObjectParams), getFile(c.deps, c.scope, c.id))));
  router.get('/files/:id/contents', async (req, res) => {
    const locals = apiLocals(res);
    const key = locals.key!;
    if (key.type !== 'secret') throw new PaymentError('secret_key_required', 'File contents can only be downloaded with a secret API key.', { status: 403 });
    const opened = await openFileForApi(deps, keyActor(req, key), String(req.params.id));
    await sendStoredFile(res, opened, locals.headers);
  });
  return router;
}
