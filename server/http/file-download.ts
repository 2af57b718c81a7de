import { pipeline } from 'node:stream/promises';
import { Router, type Response } from 'express';
import { PaymentError } from '../../shared/errors.js';
import { openSignedDownload, type OpenedFile } from '../core/reports/reports.service.js';
import type { CoreDeps } from '../core/shared/deps.js';

/**
 * Streams a stored file as an attachment (constant memory whatever its size). `headers` are name, value
 * pairs already collected for the response (the /v1 pipeline's); a failure mid-stream cuts the response,
 * which the client sees as an incomplete download rather than a wrong file.
 */
export async function sendStoredFile(res: Response, opened: OpenedFile, headers: string[] = []) {
  const name = opened.file.filename.replace(/[^\w.-]/g, '_');
  res.writeHead(200, [
    ...headers,
    'Content-Type', opened.contentType,
    'Content-Length', String(opened.file.size),
    'Content-Disposition', `attachment; filename="${name}"`,
    'Cache-Control', 'private, no-store',
  ]);
  await pipeline(opened.body, res).catch(() => res.destroy());
}

/**
 * The dashboard's downloads: `/files/:id/download?…` links minted by tRPC reports.downloadLink (signed,
 * five minutes, for one member, checked against that member's current role). Anything else is a 404.
 */
export function fileDownloadRouter(deps: CoreDeps): Router {
  const router = Router();
  router.get('/:id/download', async (req, res) => {
    try {
      const opened = await openSignedDownload(deps, String(req.params.id), req.query as Record<string, unknown>, { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null });
      await sendStoredFile(res, opened);
    } catch (error) {
      if (!(error instanceof PaymentError) || error.status !== 404) throw error;
      res.status(404).type('text/plain').send('This download link is not valid or has expired. Start the download again from Reports.');
    }
  });
  return router;
}
