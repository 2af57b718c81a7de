import path from 'node:path';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { formatAmount } from '../../shared/money.js';
import { PaymentError } from '../../shared/errors.js';
import { completeThreeDSecure } from '../core/payment-intents/payment-intents.service.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { CHECKOUT_DIST, checkoutAssets } from './checkout-assets.js';
import { challengePage, checkoutPage, messagePage, type MessagePageOptions } from './checkout-pages.js';
import type { CheckoutIntentRow } from './checkout.repository.js';
import {
  authorizeCheckout,
  buildBootstrap,
  challengePath,
  checkoutPath,
  checkoutState,
  merchantReturnUrl,
  safeHttpUrl,
  successRedirectUrl,
} from './checkout.service.js';

/**
 * Content-Security-Policy of every checkout page: scripts only from this origin (the JSON bootstrap is
 * data, never executed), no framing (clickjacking on a pay button), forms only back to this origin.
 */
export const CHECKOUT_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

function sendHtml(res: Response, status: number, html: string) {
  res.status(status);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', CHECKOUT_CSP);
  res.setHeader('X-Frame-Options', 'DENY');
  res.send(html);
}

function redirect(res: Response, location: string) {
  res.setHeader('Cache-Control', 'no-store');
  res.redirect(303, location);
}

function queryString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function sendMessage(res: Response, status: number, options: MessagePageOptions) {
  sendHtml(res, status, messagePage(options, checkoutAssets()));
}

function notFound(res: Response) {
  sendMessage(res, 404, {
    title: 'Payment not found',
    heading: 'Payment not found',
    message: 'This payment link does not exist. Check the link you were given, or go back to the store and start again.',
    tone: 'neutral',
  });
}

function forbidden(res: Response) {
  // Says nothing about the intent: a wrong secret learns nothing.
  sendMessage(res, 403, {
    title: 'Link not valid',
    heading: 'This payment link is not valid',
    message: 'The link is incomplete or has been altered. Go back to the store and start the payment again.',
    tone: 'danger',
  });
}

function intentContext(intent: CheckoutIntentRow) {
  return {
    merchantName: intent.merchant_name,
    amountLine: formatAmount(intent.amount, intent.currency),
    livemode: intent.livemode,
  };
}

function returnLink(url: string | null, merchantName: string) {
  return url ? { href: url, label: `Return to ${merchantName}` } : null;
}

/** Hosted checkout: the pay page, its client bundle, and the simulated 3-D Secure challenge. */
export function createCheckoutRouter(deps: CoreDeps) {
  const router = Router();

  // The page URL carries the client secret: it must never leak through a Referer header.
  router.use((_req, res, next) => {
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });

  // Hashed file names never change content.
  router.use(
    '/assets',
    express.static(path.join(CHECKOUT_DIST, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: false }),
  );

  router.get('/3ds/:intentId', async (req: Request<{ intentId: string }>, res, next) => {
    try {
      const clientSecret = queryString(req.query.client_secret);
      const access = await authorizeCheckout(deps.db, req.params.intentId, clientSecret);
      if (access.kind === 'not_found') return notFound(res);
      if (access.kind === 'forbidden') return forbidden(res);
      const { intent } = access;
      // Nothing to authenticate (already done, failed, expired): the checkout page says what happened.
      if (intent.status !== 'requires_action' || checkoutState(intent).kind !== 'pay') {
        return redirect(res, checkoutPath(intent.id, intent.client_secret));
      }
      sendHtml(
        res,
        200,
        challengePage(
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
        ),
      );
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
      if (access.kind === 'not_found') return notFound(res);
      if (access.kind === 'forbidden') return forbidden(res);
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

  router.get('/:intentId', async (req: Request<{ intentId: string }>, res, next) => {
    try {
      const access = await authorizeCheckout(deps.db, req.params.intentId, queryString(req.query.client_secret));
      if (access.kind === 'not_found') return notFound(res);
      if (access.kind === 'forbidden') return forbidden(res);
      const { intent } = access;
      const returnedFromChallenge = typeof req.query.redirect_status === 'string';
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
        const words = {
          succeeded: ['Payment complete', 'This payment has already been made. Thank you!'],
          requires_capture: ['Payment authorized', 'Your card has been authorized for this payment. Thank you!'],
          processing: ['Payment processing', 'Your payment is being processed. You will not be charged twice.'],
        }[state.status];
        return sendMessage(res, 200, {
          ...intentContext(intent),
          title: words[0],
          heading: words[0],
          message: words[1],
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
      sendHtml(res, 200, checkoutPage(bootstrap, checkoutAssets()));
    } catch (error) {
      next(error);
    }
  });

  router.use((_req, res) => notFound(res));

  // Errors on checkout pages are pages too, never JSON, and never show internals.
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status ?? 500;
    if (status >= 500) console.error('Checkout error:', error);
    sendMessage(res, status >= 500 ? 500 : status, {
      title: 'Something went wrong',
      heading: 'Something went wrong',
      message: 'We could not load this payment. You have not been charged. Please try again in a moment.',
      tone: 'danger',
    });
  });

  return router;
}
