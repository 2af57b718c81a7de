import { Router, type Request, type Response } from 'express';
import {
  authorizeCheckout,
  buildBootstrap,
  checkoutIntentOfSession,
  checkoutState,
  safeHttpUrl,
  successRedirectUrl,
  type CheckoutIntentRow,
} from '../core/payment-intents/checkout.service.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { checkoutAssets } from './checkout-assets.js';
import { checkoutPage, imageOrigins } from './checkout-pages.js';
import { intentContext, linkNotValid, queryString, redirect, returnLink, sendHtml, sendMessage } from './responses.js';

const PAID_WORDS = {
  succeeded: ['Payment complete', 'This payment has already been made. Thank you!'],
  requires_capture: ['Payment authorized', 'Your card has been authorized for this payment. Thank you!'],
  processing: ['Payment processing', 'Your payment is being processed. You will not be charged twice.'],
} as const;

/**
 * The pay page of an intent (`/checkout/pi_…?client_secret=…`) and of a checkout session
 * (`/checkout/cs_…`, Stripe's session.url, whose id is its credential): the same page either way.
 */
export function payPageRoutes(deps: CoreDeps) {
  const router = Router();

  router.get('/:intentId', async (req: Request<{ intentId: string }>, res, next) => {
    try {
      const returnedFromChallenge = typeof req.query.redirect_status === 'string';
      if (req.params.intentId.startsWith('cs_')) {
        const intent = await checkoutIntentOfSession(deps.db, req.params.intentId);
        if (!intent) return linkNotValid(res);
        return await answerIntentPage(deps, res, intent, returnedFromChallenge);
      }
      const access = await authorizeCheckout(deps.db, req.params.intentId, queryString(req.query.client_secret));
      if (access.kind === 'denied') return linkNotValid(res);
      await answerIntentPage(deps, res, access.intent, returnedFromChallenge);
    } catch (error) {
      next(error);
    }
  });

  return router;
}

/** The card form while the intent can be paid, otherwise a page saying how it ended. */
async function answerIntentPage(deps: CoreDeps, res: Response, intent: CheckoutIntentRow, returnedFromChallenge: boolean) {
  const state = checkoutState(intent);
  const cancelUrl = safeHttpUrl(intent.cancel_url);

  if (state.kind === 'expired') {
    return sendMessage(res, 410, {
      ...intentContext(intent),
      title: 'Checkout expired',
      heading: 'This checkout has expired',
      message: 'Payment links are valid for a limited time. You have not been charged. Go back to the store to start again.',
      tone: 'warning',
      link: returnLink(cancelUrl, intent.merchant_name),
    });
  }
  if (state.kind === 'canceled') {
    return sendMessage(res, 410, {
      ...intentContext(intent),
      title: 'Payment canceled',
      heading: state.tooManyAttempts ? 'This payment was canceled after too many failed attempts' : 'This payment was canceled',
      message: 'You have not been charged. Go back to the store to start again.',
      tone: 'danger',
      link: returnLink(cancelUrl, intent.merchant_name),
    });
  }
  if (state.kind === 'paid') {
    const success = successRedirectUrl(intent);
    // Coming back from the bank's challenge: finish the journey at the merchant's success page.
    if (returnedFromChallenge && success && state.status !== 'processing') return redirect(res, success);
    const [heading, message] = PAID_WORDS[state.status];
    return sendMessage(res, 200, {
      ...intentContext(intent),
      title: heading,
      heading,
      message,
      tone: state.status === 'processing' ? 'neutral' : 'success',
      link: returnLink(success, intent.merchant_name),
    });
  }

  const bootstrap = await buildBootstrap(deps.db, intent, { returnedFromChallenge });
  if (!bootstrap) {
    return sendMessage(res, 503, {
      ...intentContext(intent),
      title: 'Checkout unavailable',
      heading: 'Checkout is unavailable',
      message: 'This store cannot take payments right now. You have not been charged.',
      tone: 'warning',
      link: returnLink(cancelUrl, intent.merchant_name),
    });
  }
  sendHtml(res, 200, checkoutPage(bootstrap, checkoutAssets()), { imageOrigins: imageOrigins(bootstrap) });
}
