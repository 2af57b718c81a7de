import type { CheckoutLineItemView, CheckoutSessionDto, LineItemDto } from '../../../shared/contracts/checkout-sessions.js';
import { SESSION_ID_PLACEHOLDER } from '../../../shared/contracts/checkout-sessions.js';
import { toUnix } from '../shared/tx.js';
import type { LineItemRow, SessionRow } from './checkout-sessions.repository.js';

/** The hosted page of a session, relative to the app's origin. */
export function sessionPath(id: string): string {
  return `/checkout/${encodeURIComponent(id)}`;
}

/** success_url with every {CHECKOUT_SESSION_ID} replaced by the session's id, as Stripe does. */
export function sessionSuccessUrl(successUrl: string, sessionId: string): string {
  return successUrl.split(SESSION_ID_PLACEHOLDER).join(sessionId);
}

export function toCheckoutSessionDto(row: SessionRow, appUrl: string): CheckoutSessionDto {
  const details = row.customer_details as { email?: string | null; name?: string | null } | null;
  return {
    id: row.id,
    object: 'checkout.session',
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: null,
    amount_subtotal: Number(row.amount_subtotal),
    amount_total: Number(row.amount_total),
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: row.cancel_url,
    client_reference_id: row.client_reference_id,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: toUnix(row.created_at),
    currency: row.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: row.customer_id,
    customer_account: null,
    customer_creation: row.customer_creation,
    customer_details: details
      ? { email: details.email ?? null, name: details.name ?? null, address: null, phone: null, tax_exempt: 'none', tax_ids: [] }
      : null,
    customer_email: row.customer_email,
    discounts: [],
    expires_at: toUnix(row.expires_at),
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: row.livemode,
    locale: null,
    managed_payments: null,
    metadata: (row.metadata ?? {}) as Record<string, string>,
    mode: 'payment',
    origin_context: null,
    payment_intent: row.payment_intent_id,
    payment_link: null,
    payment_method_collection: 'if_required',
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_status: row.payment_status,
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: row.status,
    submit_type: null,
    subscription: null,
    success_url: row.success_url,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: row.status === 'open' ? `${appUrl}${sessionPath(row.id)}` : null,
    wallet_options: null,
  };
}

export function toLineItemDto(row: LineItemRow): LineItemDto {
  const unitAmount = Number(row.unit_amount);
  return {
    id: row.id,
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: Number(row.amount_subtotal),
    amount_tax: 0,
    amount_total: Number(row.amount_total),
    currency: row.currency,
    description: row.name,
    metadata: {},
    price: {
      // Inline prices have no catalogue entry of their own: their ids derive from the item's.
      id: row.id.replace(/^li_/, 'price_'),
      object: 'price',
      active: false,
      billing_scheme: 'per_unit',
      created: toUnix(row.created_at),
      currency: row.currency,
      custom_unit_amount: null,
      livemode: row.livemode,
      lookup_key: null,
      metadata: {},
      nickname: null,
      product: row.id.replace(/^li_/, 'prod_'),
      recurring: null,
      tax_behavior: 'unspecified',
      tiers_mode: null,
      transform_quantity: null,
      type: 'one_time',
      unit_amount: unitAmount,
      unit_amount_decimal: String(unitAmount),
    },
    quantity: row.quantity,
  };
}

export function toLineItemView(row: LineItemRow): CheckoutLineItemView {
  const images = (row.images ?? []) as string[];
  return {
    name: row.name,
    description: row.description,
    image: images[0] ?? null,
    quantity: row.quantity,
    unitAmount: Number(row.unit_amount),
    amount: Number(row.amount_total),
  };
}
