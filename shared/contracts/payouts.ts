import { z } from 'zod';
import { amountParam, currencyParam, expandParam, listParamsShape, metadataParam } from './common.js';

const PAYOUT_STATUSES = ['pending', 'in_transit', 'paid', 'failed', 'canceled'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/**
 * A manual payout: `amount` (minor units) up to the available balance of the currency; without it, the
 * whole available balance. Only a whole-balance payout is itemized (decision 009).
 */
export const createPayoutParams = z.strictObject({
  currency: currencyParam,
  amount: amountParam.optional(),
  description: z.string().max(1000).optional(),
  statement_descriptor: z.string().max(22).optional(),
  metadata: metadataParam.optional(),
  expand: expandParam.optional(),
});
export type CreatePayoutInput = z.input<typeof createPayoutParams>;

export const listPayoutsParams = z.strictObject({
  ...listParamsShape,
  status: z.enum(PAYOUT_STATUSES).optional(),
  arrival_date: z.unknown().optional(),
  destination: z.string().max(255).optional(),
});
export type ListPayoutsInput = z.input<typeof listPayoutsParams>;

export interface PayoutDto {
  id: string;
  object: 'payout';
  amount: number;
  application_fee: null;
  application_fee_amount: null;
  arrival_date: number;
  automatic: boolean;
  balance_transaction: string;
  created: number;
  currency: string;
  description: string | null;
  destination: null;
  failure_balance_transaction: string | null;
  failure_code: string | null;
  failure_message: string | null;
  livemode: boolean;
  metadata: Record<string, string>;
  method: 'standard';
  original_payout: null;
  payout_method: null;
  reconciliation_status: 'not_applicable' | 'in_progress' | 'completed';
  reversed_by: null;
  source_type: 'card';
  statement_descriptor: string | null;
  status: PayoutStatus;
  trace_id: null;
  type: 'bank_account';
}
