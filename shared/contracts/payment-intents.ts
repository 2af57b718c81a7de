import { z } from 'zod';
import { CANCELLATION_REASONS } from '../status.js';
import {
  amountParam,
  arrayParam,
  boolParam,
  clearableText,
  currencyParam,
  emailParam,
  expandParam,
  idParam,
  intParam,
  listParamsShape,
  metadataParam,
} from './common.js';

/** An absolute http(s) URL: the only kind a buyer's browser may be sent to or shown as a link. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** success_url, cancel_url, return_url. Live mode also requires https (the core checks, as it knows the mode). */
export const urlParam = z.string().trim().max(2048).refine(isHttpUrl, 'must be an absolute http:// or https:// URL');

/** The browser-facing URL parameters, in the order they are checked. */
export const REDIRECT_URL_PARAMS = ['success_url', 'cancel_url', 'return_url'] as const;

const cardDataParam = z.strictObject({
  number: z.string().trim().max(32),
  exp_month: intParam({ min: 1, max: 12 }),
  exp_year: intParam({ min: 0, max: 9999 }),
  cvc: z.string().trim().max(8).optional(),
});

/** A card's billing details, as a payment method takes them (create and update). */
export const billingDetailsParam = z.strictObject({
  name: z.string().max(255).optional(),
  email: z.union([z.literal(''), emailParam]).optional(),
  phone: z.string().max(64).optional(),
});

export const paymentMethodDataParam = z.strictObject({
  type: z.literal('card'),
  card: cardDataParam,
  billing_details: billingDetailsParam.optional(),
  metadata: metadataParam.optional(),
});
export type PaymentMethodDataParam = z.output<typeof paymentMethodDataParam>;

const CAPTURE_METHODS = ['automatic', 'automatic_async', 'manual'] as const;

/** Accepted for SDK compatibility; PaymentFlow only takes cards. */
const paymentMethodTypesParam = arrayParam(z.literal('card', { message: 'Only "card" is supported' })).refine((a) => a.length > 0, 'Must not be empty');
const automaticPaymentMethodsParam = z.strictObject({ enabled: boolParam(), allow_redirects: z.enum(['always', 'never']).optional() });

export const createPaymentIntentParams = z.strictObject({
  amount: amountParam,
  currency: currencyParam,
  customer: idParam.optional(),
  description: z.string().max(1000).optional(),
  metadata: metadataParam.optional(),
  receipt_email: emailParam.optional(),
  statement_descriptor: z.string().max(22).optional(),
  statement_descriptor_suffix: z.string().max(22).optional(),
  capture_method: z.enum(CAPTURE_METHODS).optional(),
  confirmation_method: z.enum(['automatic', 'manual']).optional(),
  confirm: boolParam().optional(),
  payment_method: idParam.optional(),
  payment_method_data: paymentMethodDataParam.optional(),
  payment_method_types: paymentMethodTypesParam.optional(),
  automatic_payment_methods: automaticPaymentMethodsParam.optional(),
  return_url: urlParam.optional(),
  /** PaymentFlow extension: with success_url the intent carries a hosted `checkout_url`. */
  success_url: urlParam.optional(),
  cancel_url: urlParam.optional(),
  setup_future_usage: z.enum(['on_session', 'off_session']).optional(),
  off_session: boolParam().optional(),
  expand: expandParam.optional(),
});
export type CreatePaymentIntentInput = z.input<typeof createPaymentIntentParams>;

export const updatePaymentIntentParams = z.strictObject({
  amount: amountParam.optional(),
  currency: currencyParam.optional(),
  customer: z.union([z.literal(''), idParam]).optional(),
  description: clearableText(1000).optional(),
  metadata: metadataParam.optional(),
  receipt_email: z.union([z.literal(''), emailParam]).optional(),
  statement_descriptor: clearableText(22).optional(),
  payment_method: idParam.optional(),
  payment_method_types: paymentMethodTypesParam.optional(),
  capture_method: z.enum(CAPTURE_METHODS).optional(),
  setup_future_usage: z.union([z.literal(''), z.enum(['on_session', 'off_session'])]).optional(),
  expand: expandParam.optional(),
});
export type UpdatePaymentIntentInput = z.input<typeof updatePaymentIntentParams>;

export const confirmPaymentIntentParams = z.strictObject({
  payment_method: idParam.optional(),
  payment_method_data: paymentMethodDataParam.optional(),
  payment_method_types: paymentMethodTypesParam.optional(),
  return_url: urlParam.optional(),
  receipt_email: emailParam.optional(),
  /** Required when the caller holds only a publishable key (the API layer enforces that). */
  client_secret: z.string().max(255).optional(),
  capture_method: z.enum(CAPTURE_METHODS).optional(),
  setup_future_usage: z.enum(['on_session', 'off_session']).optional(),
  off_session: boolParam().optional(),
  use_stripe_sdk: boolParam().optional(),
  expand: expandParam.optional(),
});
export type ConfirmPaymentIntentInput = z.input<typeof confirmPaymentIntentParams>;

export const capturePaymentIntentParams = z.strictObject({
  amount_to_capture: intParam({ min: 1 }).optional(),
  metadata: metadataParam.optional(),
  expand: expandParam.optional(),
});
export type CapturePaymentIntentInput = z.input<typeof capturePaymentIntentParams>;

export const cancelPaymentIntentParams = z.strictObject({
  cancellation_reason: z.enum(CANCELLATION_REASONS).optional(),
  expand: expandParam.optional(),
});
export type CancelPaymentIntentInput = z.input<typeof cancelPaymentIntentParams>;

export const listPaymentIntentsParams = z.strictObject({
  ...listParamsShape,
  customer: idParam.optional(),
});
export type ListPaymentIntentsInput = z.input<typeof listPaymentIntentsParams>;

export interface LastPaymentErrorDto {
  type: 'card_error' | 'invalid_request_error';
  code: string;
  decline_code?: string;
  message: string;
  doc_url?: string;
  payment_method: PaymentMethodDto | null;
}

export interface NextActionDto {
  type: 'redirect_to_url';
  redirect_to_url: { url: string; return_url: string | null };
}

/** Stripe's PaymentIntent, plus PaymentFlow's amount_refunded, checkout_url, expires_at, success_url, cancel_url. */
export interface PaymentIntentDto {
  id: string;
  object: 'payment_intent';
  allowed_payment_method_types: null;
  amount: number;
  amount_capturable: number;
  amount_received: number;
  amount_refunded: number;
  application: null;
  application_fee_amount: null;
  automatic_payment_methods: null;
  canceled_at: number | null;
  cancellation_reason: string | null;
  capture_method: string;
  client_secret: string;
  confirmation_method: string;
  created: number;
  currency: string;
  customer: string | null;
  customer_account: null;
  description: string | null;
  excluded_payment_method_types: null;
  invoice: null;
  last_payment_error: LastPaymentErrorDto | null;
  latest_charge: string | null;
  livemode: boolean;
  managed_payments: null;
  metadata: Record<string, string>;
  next_action: NextActionDto | null;
  on_behalf_of: null;
  payment_method: string | null;
  payment_method_configuration_details: null;
  payment_method_options: { card: { installments: null; mandate_options: null; network: null; request_three_d_secure: 'automatic' } };
  payment_method_types: ['card'];
  payment_record: null;
  processing: null;
  receipt_email: string | null;
  review: null;
  setup_future_usage: null;
  shipping: null;
  source: null;
  statement_descriptor: string | null;
  statement_descriptor_suffix: null;
  status: string;
  transfer_data: null;
  transfer_group: null;
  checkout_url: string | null;
  expires_at: number | null;
  success_url: string | null;
  cancel_url: string | null;
}

export interface PaymentMethodDto {
  id: string;
  object: 'payment_method';
  billing_details: { address: null; email: string | null; name: string | null; phone: null; tax_id: null };
  card: {
    brand: string;
    checks: { address_line1_check: null; address_postal_code_check: null; cvc_check: 'pass' | 'fail' | 'unchecked' | null };
    country: string | null;
    display_brand: string;
    exp_month: number;
    exp_year: number;
    fingerprint: string;
    funding: string;
    generated_from: null;
    last4: string;
    networks: { available: string[]; preferred: null };
    regulated_status: null;
    three_d_secure_usage: { supported: true };
    wallet: null;
  };
  created: number;
  customer: string | null;
  customer_account: null;
  livemode: boolean;
  metadata: Record<string, string>;
  type: 'card';
}
