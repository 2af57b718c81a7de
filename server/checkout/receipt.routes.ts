import { Router, type Request } from 'express';
import { getReceipt } from '../core/charges/receipts.service.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { checkoutAssets } from './checkout-assets.js';
import { receiptPage } from './receipt-page.js';
import { sendHtml, sendMessage } from './responses.js';

/**
 * A succeeded charge's hosted receipt (the charge's receipt_url): no sign-in, the URL's random token is the
 * access. Anything else (unknown merchant, wrong mode or token, a failed charge) answers one 404.
 */
export function receiptRoutes(deps: CoreDeps) {
  const router = Router();
  router.get('/receipts/:merchantId/:mode/:token', async (req: Request<{ merchantId: string; mode: string; token: string }>, res, next) => {
    try {
      const receipt = await getReceipt(deps, req.params.merchantId, req.params.mode, req.params.token);
      if (!receipt) return receiptNotFound(res);
      res.setHeader('X-Robots-Tag', 'noindex, nofollow');
      sendHtml(res, 200, receiptPage(receipt, checkoutAssets()));
    } catch (error) {
      next(error);
    }
  });
  return router;
}

function receiptNotFound(res: Parameters<typeof sendMessage>[0]) {
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  sendMessage(res, 404, {
    title: 'Receipt not found',
    heading: 'This receipt link is not valid',
    message: 'The link does not exist, is incomplete or has been altered. Check the link in the email you were given, or contact the business you paid.',
    tone: 'neutral',
  });
}
