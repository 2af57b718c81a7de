import express, { Router, type Request } from 'express';
import { PaymentError } from '../../shared/errors.js';
import {
  authorizeCheckout,
  challengePath,
  challengeRedirectOrigins,
  checkoutPath,
  checkoutState,
  merchantReturnUrl,
} from '../core/payment-intents/checkout.service.js';
import { completeThreeDSecure } from '../core/payment-intents/three-d-secure.service.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { checkoutAssets } from './checkout-assets.js';
import { challengePage } from './checkout-pages.js';
import { linkNotValid, queryString, redirect, sendHtml, sendMessage } from './responses.js';

/** The simulated 3-D Secure challenge: the issuer's page, and the answer to its form. */
export function challengeRoutes(deps: CoreDeps) {
  const router = Router();

  router.get('/3ds/:intentId', async (req: Request<{ intentId: string }>, res, next) => {
    try {
      const access = await authorizeCheckout(deps.db, req.params.intentId, queryString(req.query.client_secret));
      if (access.kind === 'denied') return linkNotValid(res);
      const { intent } = access;
      // Nothing to authenticate (already done, failed, expired): the checkout page says what happened.
      if (intent.status !== 'requires_action' || checkoutState(intent).kind !== 'pay') {
        return redirect(res, checkoutPath(intent.id, intent.client_secret));
      }
      const page = challengePage(
        {
          intentId: intent.id,
          clientSecret: intent.client_secret,
          merchantName: intent.merchant_name,
          amount: intent.amount,
          currency: intent.currency,
          livemode: intent.livemode,
          last4: intent.card_last4,
        },
        checkoutAssets(),
      );
      sendHtml(res, 200, page, { formRedirectOrigins: challengeRedirectOrigins(intent) });
    } catch (error) {
      next(error);
    }
  });

  // CSRF-safe without a token: nothing happens unless the body carries the intent's client secret.
  router.post('/3ds/:intentId', express.urlencoded({ extended: false, limit: '4kb' }), async (req: Request<{ intentId: string }>, res, next) => {
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const clientSecret = queryString(body.client_secret) ?? queryString(req.query.client_secret);
      const access = await authorizeCheckout(deps.db, req.params.intentId, clientSecret);
      if (access.kind === 'denied') return linkNotValid(res);
      const { intent } = access;
      const outcome = body.outcome;
      if (outcome !== 'complete' && outcome !== 'fail') {
        return sendMessage(res, 400, {
          title: 'Authentication',
          heading: 'Choose an outcome',
          message: 'Pick "Complete authentication" or "Fail authentication".',
          tone: 'warning',
          link: { href: challengePath(intent.id, intent.client_secret), label: 'Back to the challenge' },
        });
      }
      if (intent.status !== 'requires_action' || checkoutState(intent).kind !== 'pay') {
        return redirect(res, checkoutPath(intent.id, intent.client_secret));
      }
      let status: string;
      try {
        status = (await completeThreeDSecure(deps, intent.id, intent.client_secret, outcome)).status;
      } catch (error) {
        // Raced with another tab or the expiry job: the checkout page shows the intent as it now is.
        if (error instanceof PaymentError && error.status < 500) return redirect(res, checkoutPath(intent.id, intent.client_secret));
        throw error;
      }
      const succeeded = status === 'succeeded' || status === 'requires_capture';
      redirect(res, merchantReturnUrl(intent, status) ?? checkoutPath(intent.id, intent.client_secret, { redirect_status: succeeded ? 'succeeded' : 'failed' }));
    } catch (error) {
      next(error);
    }
  });

  return router;
}
