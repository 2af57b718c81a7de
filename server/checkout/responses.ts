import type { NextFunction, Request, Response } from 'express';
import { formatAmount } from '../../shared/money.js';
import type { CheckoutIntentRow } from '../core/payment-intents/checkout.service.js';
import { checkoutAssets } from './checkout-assets.js';
import { messagePage, type MessagePageOptions } from './checkout-pages.js';

/**
 * Content-Security-Policy of every checkout page: scripts only from this origin (the JSON bootstrap is
 * data, never executed), no framing (clickjacking on a pay button), forms only back to this origin, plus
 * the exact origins a form's answer may redirect to (a redirect after a form post is checked against
 * form-action, so the 3-D Secure challenge names the merchant's return origin).
 */
function checkoutCsp(formRedirectOrigins: readonly string[] = [], imageOrigins: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    ["img-src 'self' data:", ...imageOrigins].join(' '),
    "font-src 'self'",
    "connect-src 'self'",
    ["form-action 'self'", ...formRedirectOrigins].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function sendHtml(res: Response, status: number, html: string, options: { formRedirectOrigins?: readonly string[]; imageOrigins?: readonly string[] } = {}) {
  res.status(status);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', checkoutCsp(options.formRedirectOrigins, options.imageOrigins));
  res.setHeader('X-Frame-Options', 'DENY');
  res.send(html);
}

export function redirect(res: Response, location: string) {
  res.setHeader('Cache-Control', 'no-store');
  res.redirect(303, location);
}

export function queryString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function sendMessage(res: Response, status: number, options: MessagePageOptions) {
  sendHtml(res, status, messagePage(options, checkoutAssets()));
}

/**
 * One answer for an unknown id and for a known id with a wrong or missing secret (same status, same body),
 * so the page tells a visitor nothing about which payments exist.
 */
export function linkNotValid(res: Response) {
  sendMessage(res, 404, {
    title: 'Payment link not valid',
    heading: 'This payment link is not valid',
    message: 'The link does not exist, is incomplete or has been altered. Check the link you were given, or go back to the store and start the payment again.',
    tone: 'neutral',
  });
}

export function intentContext(intent: CheckoutIntentRow) {
  return {
    merchantName: intent.merchant_name,
    amountLine: formatAmount(intent.amount, intent.currency),
    livemode: intent.livemode,
  };
}

export function returnLink(url: string | null, merchantName: string) {
  return url ? { href: url, label: `Return to ${merchantName}` } : null;
}

/** Errors on checkout pages are pages too, never JSON, and never show internals. */
export function checkoutErrorHandler(error: unknown, _req: Request, res: Response, _next: NextFunction) {
  const status = (error as { status?: number }).status ?? 500;
  if (status >= 500) console.error('Checkout error:', error);
  sendMessage(res, status >= 500 ? 500 : status, {
    title: 'Something went wrong',
    heading: 'Something went wrong',
    message: 'We could not load this payment. You have not been charged. Please try again in a moment.',
    tone: 'danger',
  });
}
