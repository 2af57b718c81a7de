import { z } from 'zod';
import { idParam, listParamsShape } from './common.js';

export const listChargesParams = z.strictObject({
  ...listParamsShape,
  payment_intent: idParam.optional(),
  customer: idParam.optional(),
});
export type ListChargesInput = z.input<typeof listChargesParams>;

export interface ChargeOutcomeDto {
  advice_code: null;
  network_advice_code: null;
  network_decline_code: null;
  network_status: 'approved_by_network' | 'declined_by_network' | 'not_sent_to_network';
  reason: string | null;
  risk_level: 'normal' | 'elevated' | 'highest';
  risk_score: number;
  seller_message: string;
  type: 'authorized' | 'issuer_declined' | 'blocked' | 'invalid';
}

/** Stripe's Charge (the fields its SDK types declare always present; null where PaymentFlow lacks the feature). */
export interface ChargeDto {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  application: null;
  application_fee: null;
  application_fee_amount: null;
  balance_transaction: string | null;
  billing_details: { address: null; email: string | null; name: string | null; phone: null; tax_id: null };
  calculated_statement_descriptor: string | null;
  captured: boolean;
  created: number;
  currency: string;
  customer: string | null;
  description: string | null;
  disputed: boolean;
  failure_balance_transaction: null;
  failure_code: string | null;
  failure_message: string | null;
  fraud_details: Record<string, never>;
  livemode: boolean;
  metadata: Record<string, string>;
  on_behalf_of: null;
  outcome: ChargeOutcomeDto | null;
  paid: boolean;
  payment_intent: string;
  payment_method: string | null;
  payment_method_details: {
    type: 'card';
    card: {
      amount_authorized: number | null;
      brand: string | null;
      checks: { address_line1_check: null; address_postal_code_check: null; cvc_check: 'pass' | null };
      country: string | null;
      exp_month: number | null;
      exp_year: number | null;
      fingerprint: string | null;
      funding: string | null;
      last4: string | null;
      network: string | null;
      three_d_secure: { authentication_flow: 'challenge' | null; result: string | null; version: '2.2.0' } | null;
      wallet: null;
    };
  };
  receipt_email: string | null;
  receipt_number: null;
  receipt_url: string | null;
  refunded: boolean;
  review: null;
  shipping: null;
  source: null;
  source_transfer: null;
  statement_descriptor: string | null;
  statement_descriptor_suffix: null;
  status: 'succeeded' | 'pending' | 'failed';
  transfer_data: null;
  transfer_group: null;
}
