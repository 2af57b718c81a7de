/** The hosted receipt of a succeeded charge (served by server/checkout/receipt.routes.ts, no sign-in). */
import type { CoreDeps, Scope } from '../shared/deps.js';
import { findRefundsForPayment } from '../refunds/refunds.service.js';
import { toUnix } from '../shared/tx.js';
import * as repo from './charges.repository.js';

/** What the hosted receipt shows (no card data beyond brand and last 4). */
export interface ReceiptView {
  merchantName: string;
  timezone: string;
  livemode: boolean;
  chargeId: string;
  amount: number;
  amountRefunded: number;
  currency: string;
  created: number;
  description: string | null;
  cardBrand: string | null;
  cardLast4: string | null;
  status: 'paid' | 'authorized' | 'partially_refunded' | 'refunded';
  disputed: boolean;
  refunds: { id: string; amount: number; created: number; status: string }[];
}

const RECEIPT_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * A receipt by the parts of its URL; null for anything that is not a succeeded charge's receipt (a wrong
 * token, mode or merchant all answer the same), so the page tells a visitor nothing about what exists.
 */
export async function getReceipt(deps: CoreDeps, merchantId: string, mode: string, token: string): Promise<ReceiptView | null> {
  if ((mode !== 'test' && mode !== 'live') || !RECEIPT_TOKEN.test(token) || merchantId.length > 255) return null;
  const scope: Scope = { merchantId, livemode: mode === 'live' };
  const row = await repo.findChargeByReceiptToken(deps.db, scope, token);
  if (!row) return null;
  const refunds = (await findRefundsForPayment(deps, scope, row.payment_intent_id))
    .map((r) => r.refund)
    .filter((r) => r.charge === row.id && (r.status === 'succeeded' || r.status === 'pending'));
  const captured = Number(row.amount_captured);
  const refunded = Number(row.amount_refunded);
  return {
    merchantName: row.merchant_name,
    timezone: row.merchant_timezone,
    livemode: row.livemode,
    chargeId: row.id,
    amount: captured > 0 ? captured : Number(row.amount),
    amountRefunded: refunded,
    currency: row.currency,
    created: toUnix(row.created_at),
    description: row.description,
    cardBrand: row.card_brand,
    cardLast4: row.card_last4,
    status: !row.captured ? 'authorized' : refunded >= captured ? 'refunded' : refunded > 0 ? 'partially_refunded' : 'paid',
    disputed: row.disputed,
    refunds: refunds.map((r) => ({ id: r.id, amount: r.amount, created: r.created, status: r.status })).sort((x, y) => x.created - y.created),
  };
}
