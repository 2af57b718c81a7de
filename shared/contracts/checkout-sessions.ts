import { z } from 'zod';
import { arrayParam, emailParam, expandParam, idParam, intParam, listParamsShape, metadataParam, currencyParam, amountParam } from './common.js';
import { urlParam } from './payment-intents.js';

/**
 * Checkout Sessions (Stripe's /v1/checkout/sessions): the parameters a merchant's server sends and the
 * objects it gets back. Only `mode=payment` with card payments; line items carry their own price_data
 * (PaymentFlow has no Prices catalogue) or, as in Stripe's older API, an amount and a name.
 */

/** Stripe's limit for payment mode. */
export const MAX_LINE_ITEMS = 100;
/** expires_at must fall between 30 minutes and 24 hours after creation; 24 hours when not given. */
export const SESSION_MIN_LIFETIME_S = 30 * 60;
export const SESSION_MAX_LIFETIME_S = 24 * 60 * 60;

const CHECKOUT_SESSION_STATUSES = ['open', 'complete', 'expired'] as const;
export type CheckoutSessionStatus = (typeof CHECKOUT_SESSION_STATUSES)[number];

/** The placeholder Stripe replaces in success_url with the session's id. */
export const SESSION_ID_PLACEHOLDER = '{CHECKOUT_SESSION_ID}';

const productDataParam = z.strictObject({
  name: z.string().trim().min(1, 'Must not be empty').max(250),
  description: z.string().max(500).optional(),
  images: arrayParam(urlParam).refine((a) => a.length <= 8, 'At most 8 images').optional(),
  metadata: metadataParam.optional(),
  tax_code: z.string().max(50).optional(),
});

const priceDataParam = z.strictObject({
  currency: currencyParam,
  unit_amount: intParam({ min: 0, max: 99_999_999 }),
  product_data: productDataParam,
  tax_behavior: z.enum(['inclusive', 'exclusive', 'unspecified']).optional(),
});

const lineItemParam = z.strictObject({
  price_data: priceDataParam.optional(),
  /** Prices by id belong to a catalogue PaymentFlow does not have; refused with a clear message. */
  price: idParam.optional(),
  quantity: intParam({ min: 0, max: 999_999 }).optional(),
  // Stripe's older line items: an amount, a currency and a name on the item itself.
  amount: amountParam.optional(),
  currency: currencyParam.optional(),
  name: z.string().trim().min(1, 'Must not be empty').max(250).optional(),
  description: z.string().max(500).optional(),
  images: arrayParam(urlParam).refine((a) => a.length <= 8, 'At most 8 images').optional(),
});
export type LineItemParam = z.output<typeof lineItemParam>;

export const createCheckoutSessionParams = z.strictObject({
  mode: z.enum(['payment'], { message: 'Only mode=payment is supported' }),
  line_items: arrayParam(lineItemParam),
  currency: currencyParam.optional(),
  success_url: urlParam.optional(),
  cancel_url: urlParam.optional(),
  customer: idParam.optional(),
  customer_email: emailParam.optional(),
  customer_creation: z.enum(['always', 'if_required']).optional(),
  client_reference_id: z.string().trim().min(1).max(200).optional(),
  metadata: metadataParam.optional(),
  payment_intent_data: z
    .strictObject({
      capture_method: z.enum(['automatic', 'automatic_async', 'manual']).optional(),
      description: z.string().max(1000).optional(),
      metadata: metadataParam.optional(),
      receipt_email: emailParam.optional(),
      statement_descriptor: z.string().max(22).optional(),
      statement_descriptor_suffix: z.string().max(22).optional(),
    })
    .optional(),
  payment_method_types: arrayParam(z.literal('card', { message: 'Only "card" is supported' })).optional(),
  expires_at: intParam({ min: 0 }).optional(),
  locale: z.string().max(10).optional(),
  submit_type: z.enum(['auto', 'book', 'donate', 'pay', 'subscribe']).optional(),
  billing_address_collection: z.enum(['auto', 'required']).optional(),
  ui_mode: z.enum(['hosted', 'hosted_page'], { message: 'Only the hosted page is supported (ui_mode=hosted)' }).optional(),
  expand: expandParam.optional(),
});
export type CreateCheckoutSessionInput = z.input<typeof createCheckoutSessionParams>;

export const listCheckoutSessionsParams = z.strictObject({
  ...listParamsShape,
  payment_intent: idParam.optional(),
  customer: idParam.optional(),
  status: z.enum(CHECKOUT_SESSION_STATUSES).optional(),
  client_reference_id: z.string().max(200).optional(),
});
export type ListCheckoutSessionsInput = z.input<typeof listCheckoutSessionsParams>;

export const listLineItemsParams = z.strictObject({
  limit: listParamsShape.limit,
  starting_after: idParam.optional(),
  ending_before: idParam.optional(),
  expand: expandParam.optional(),
});
export type ListLineItemsInput = z.input<typeof listLineItemsParams>;

export const expireCheckoutSessionParams = z.strictObject({ expand: expandParam.optional() });

/** Stripe's Price as a line item embeds it (created inline from price_data, so never reusable). */
export interface LineItemPriceDto {
  id: string;
  object: 'price';
  active: false;
  billing_scheme: 'per_unit';
  created: number;
  currency: string;
  custom_unit_amount: null;
  livemode: boolean;
  lookup_key: null;
  metadata: Record<string, string>;
  nickname: null;
  product: string;
  recurring: null;
  tax_behavior: 'unspecified';
  tiers_mode: null;
  transform_quantity: null;
  type: 'one_time';
  unit_amount: number;
  unit_amount_decimal: string;
}

export interface LineItemDto {
  id: string;
  object: 'item';
  adjustable_quantity: null;
  amount_discount: 0;
  amount_subtotal: number;
  amount_tax: 0;
  amount_total: number;
  currency: string;
  description: string;
  metadata: Record<string, string>;
  price: LineItemPriceDto;
  quantity: number;
}

export interface CheckoutSessionDto {
  id: string;
  object: 'checkout.session';
  adaptive_pricing: null;
  after_expiration: null;
  allow_promotion_codes: null;
  allowed_payment_method_types: null;
  amount_subtotal: number;
  amount_total: number;
  automatic_tax: { enabled: false; liability: null; provider: null; status: null };
  billing_address_collection: string | null;
  cancel_url: string | null;
  client_reference_id: string | null;
  client_secret: null;
  collected_information: null;
  consent: null;
  consent_collection: null;
  created: number;
  currency: string;
  currency_conversion: null;
  custom_fields: [];
  custom_text: { after_submit: null; shipping_address: null; submit: null; terms_of_service_acceptance: null };
  customer: string | null;
  customer_account: null;
  customer_creation: string | null;
  customer_details: { email: string | null; name: string | null; address: null; phone: null; tax_exempt: 'none'; tax_ids: [] } | null;
  customer_email: string | null;
  discounts: [];
  expires_at: number;
  integration_identifier: null;
  invoice: null;
  invoice_creation: null;
  livemode: boolean;
  locale: null;
  managed_payments: null;
  metadata: Record<string, string>;
  mode: 'payment';
  origin_context: null;
  payment_intent: string;
  payment_link: null;
  payment_method_collection: 'if_required';
  payment_method_configuration_details: null;
  payment_method_options: Record<string, never>;
  payment_method_types: ['card'];
  payment_status: 'paid' | 'unpaid';
  permissions: null;
  recovered_from: null;
  saved_payment_method_options: null;
  setup_intent: null;
  shipping_address_collection: null;
  shipping_cost: null;
  shipping_options: [];
  status: CheckoutSessionStatus;
  submit_type: null;
  subscription: null;
  success_url: string | null;
  total_details: { amount_discount: 0; amount_shipping: 0; amount_tax: 0 };
  ui_mode: 'hosted';
  /** The hosted page while the session is open; null once it is complete or expired (as with Stripe). */
  url: string | null;
  wallet_options: null;
  /** Only with expand[]=line_items. */
  line_items?: { object: 'list'; data: LineItemDto[]; has_more: boolean; url: string };
}

/** What the hosted page shows of a session's items (no ids, no merchant bookkeeping). */
export interface CheckoutLineItemView {
  name: string;
  description: string | null;
  image: string | null;
  quantity: number;
  unitAmount: number;
  amount: number;
}
