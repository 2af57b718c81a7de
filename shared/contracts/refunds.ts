import { z } from 'zod';
import { expandParam, idParam, intParam, listParamsShape, metadataParam } from './common.js';

import { REFUND_REASONS, REFUND_STATUSES } from '../status.js';

/**
 * What is still refundable on a payment, in minor units: nothing unless it succeeded; otherwise what was
 * received less `amount_refunded` (pending and succeeded refunds; a failed refund gives its amount back).
 * The one computation used by the refund service (under the payment's row lock), the dashboard and the seed.
 */
export function refundableAmount(intent: { status: string; amount_received: number | bigint; amount_refunded: number | bigint }): number {
  if (intent.status !== 'succeeded') return 0;
  return Math.max(0, Number(intent.amount_received) - Number(intent.amount_refunded));
}

export const createRefundParams = z.strictObject({
  payment_intent: idParam,
  /** Defaults to what is left to refund. */
  amount: intParam({ min: 1 }).optional(),
  reason: z.enum(REFUND_REASONS).optional(),
  metadata: metadataParam.optional(),
  /** Dashboard only (the REST layer must not accept it): why support refunded, shown in the timeline. */
  note: z.string().trim().max(1000).optional(),
  expand: expandParam.optional(),
});
export type CreateRefundInput = z.input<typeof createRefundParams>;
/** What the public API accepts: everything except the dashboard's `note`. */
export const createRefundApiParams = createRefundParams.omit({ note: true });

export const updateRefundParams = z.strictObject({
  metadata: metadataParam.optional(),
  expand: expandParam.optional(),
});
export type UpdateRefundInput = z.input<typeof updateRefundParams>;

export const listRefundsParams = z.strictObject({
  ...listParamsShape,
  payment_intent: idParam.optional(),
  /** PaymentFlow extension for the dashboard filters. */
  status: z.enum(REFUND_STATUSES).optional(),
});
export type ListRefundsInput = z.input<typeof listRefundsParams>;

export interface RefundDto {
  id: string;
  object: 'refund';
  amount: number;
  balance_transaction: string | null;
  charge: string | null;
  created: number;
  currency: string;
  customer: string | null;
  customer_account: null;
  destination_details: null;
  failure_reason: string | null;
  metadata: Record<string, string>;
  payment_intent: string;
  payment_method: string | null;
  reason: string | null;
  receipt_number: null;
  source_transfer_reversal: null;
  status: string;
  transfer_reversal: null;
}
