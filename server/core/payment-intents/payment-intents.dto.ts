import type { LastPaymentErrorDto, NextActionDto, PaymentIntentDto, PaymentMethodDto } from '../../../shared/contracts/payment-intents.js';
import { describeDeclineCode } from '../../../shared/status.js';
import type { Row } from '../../db/schema.js';
import { toUnix } from '../shared/tx.js';
import type { AuthorizationResult } from './card-processor.js';

/**
 * Pure builders shared by the services and the demo seed, so seeded history has exactly the shapes the
 * live code produces.
 */
export function toPaymentIntentDto(row: Row<'payment_intents'>, appUrl: string): PaymentIntentDto {
  return {
    id: row.id,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: Number(row.amount),
    amount_capturable: Number(row.amount_capturable),
    amount_received: Number(row.amount_received),
    amount_refunded: Number(row.amount_refunded),
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: toUnix(row.canceled_at),
    cancellation_reason: row.cancellation_reason,
    capture_method: row.capture_method,
    client_secret: row.client_secret,
    confirmation_method: row.confirmation_method,
    created: toUnix(row.created_at),
    currency: row.currency,
    customer: row.customer_id,
    customer_account: null,
    description: row.description,
    excluded_payment_method_types: null,
    invoice: null,
    last_payment_error: (row.last_payment_error ?? null) as LastPaymentErrorDto | null,
    latest_charge: row.latest_charge_id ?? null,
    livemode: row.livemode,
    managed_payments: null,
    metadata: (row.metadata ?? {}) as Record<string, string>,
    next_action: (row.next_action ?? null) as NextActionDto | null,
    on_behalf_of: null,
    payment_method: row.payment_method_id,
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: ['card'],
    payment_record: null,
    processing: null,
    receipt_email: row.receipt_email,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: row.statement_descriptor,
    statement_descriptor_suffix: null,
    status: row.status,
    transfer_data: null,
    transfer_group: null,
    checkout_url: row.success_url ? checkoutUrl(appUrl, row.id, row.client_secret) : null,
    expires_at: toUnix(row.expires_at),
    success_url: row.success_url,
    cancel_url: row.cancel_url,
  };
}

/** The hosted pay page of an intent, relative to the app's origin. */
export function checkoutPath(id: string, clientSecret: string, extra: Record<string, string> = {}): string {
  return `/checkout/${encodeURIComponent(id)}?${new URLSearchParams({ client_secret: clientSecret, ...extra }).toString()}`;
}

/** The simulated 3-D Secure challenge of an intent, relative to the app's origin. */
export function challengePath(id: string, clientSecret: string): string {
  return `/checkout/3ds/${encodeURIComponent(id)}?${new URLSearchParams({ client_secret: clientSecret }).toString()}`;
}

function checkoutUrl(appUrl: string, id: string, clientSecret: string) {
  return `${appUrl}${checkoutPath(id, clientSecret)}`;
}

export function threeDSecureNextAction(appUrl: string, id: string, clientSecret: string, returnUrl: string | null): NextActionDto {
  return {
    type: 'redirect_to_url',
    redirect_to_url: { url: `${appUrl}${challengePath(id, clientSecret)}`, return_url: returnUrl },
  };
}

export function declineError(result: Extract<AuthorizationResult, { status: 'declined' }>, paymentMethod: PaymentMethodDto): LastPaymentErrorDto {
  return {
    type: 'card_error',
    code: result.code,
    decline_code: result.declineCode,
    message: result.message,
    doc_url: `https://docs.stripe.com/error-codes/${result.code.replace(/_/g, '-')}`,
    payment_method: paymentMethod,
  };
}

const AUTHENTICATION_FAILURE_MESSAGE =
  'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.';

export function authenticationFailureError(paymentMethod: PaymentMethodDto): LastPaymentErrorDto {
  return {
    type: 'invalid_request_error',
    code: 'payment_intent_authentication_failure',
    message: AUTHENTICATION_FAILURE_MESSAGE,
    doc_url: 'https://docs.stripe.com/error-codes/payment-intent-authentication-failure',
    payment_method: paymentMethod,
  };
}

export interface PaymentAttemptDto {
  id: string;
  object: 'payment_attempt';
  created: number;
  payment_intent: string;
  payment_method: string | null;
  outcome: string;
  failure_code: string | null;
  decline_code: string | null;
  failure_message: string | null;
  /** The decline in plain words for support staff. */
  failure_description: string | null;
  three_d_secure: string | null;
  card: { brand: string | null; last4: string | null; exp_month: number | null; exp_year: number | null; fingerprint: string | null };
}

export function toPaymentAttemptDto(row: Row<'payment_attempts'>): PaymentAttemptDto {
  return {
    id: row.id,
    object: 'payment_attempt',
    created: toUnix(row.created_at),
    payment_intent: row.payment_intent_id,
    payment_method: row.payment_method_id,
    outcome: row.outcome,
    failure_code: row.failure_code,
    decline_code: row.decline_code,
    failure_message: row.failure_message,
    failure_description: row.outcome === 'failed' ? describeDeclineCode(row.decline_code ?? row.failure_code) : null,
    three_d_secure: row.three_d_secure,
    card: { brand: row.card_brand, last4: row.card_last4, exp_month: row.card_exp_month, exp_year: row.card_exp_year, fingerprint: row.card_fingerprint },
  };
}
