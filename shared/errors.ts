/**
 * One error model. The core throws PaymentError with a code from this list; the REST layer maps it to
 * Stripe's error JSON and the tRPC layer to a TRPCError, each in one place.
 */
const ERROR_TYPES = {
  invalid_request_error: 400,
  authentication_error: 401,
  card_error: 402,
  permission_error: 403,
  idempotency_error: 400,
  rate_limit_error: 429,
  api_error: 500,
} as const;
type ErrorType = keyof typeof ERROR_TYPES;

export const ERROR_CODES = {
  parameter_missing: 'invalid_request_error',
  parameter_invalid_integer: 'invalid_request_error',
  parameter_invalid_empty: 'invalid_request_error',
  parameter_unknown: 'invalid_request_error',
  invalid_request: 'invalid_request_error',
  amount_too_small: 'invalid_request_error',
  amount_too_large: 'invalid_request_error',
  invalid_currency: 'invalid_request_error',
  resource_missing: 'invalid_request_error',
  resource_already_exists: 'invalid_request_error',
  payment_intent_unexpected_state: 'invalid_request_error',
  payment_method_unexpected_state: 'invalid_request_error',
  charge_already_refunded: 'invalid_request_error',
  refund_exceeds_amount: 'invalid_request_error',
  charge_not_refundable: 'invalid_request_error',
  charge_disputed: 'invalid_request_error',
  dispute_unexpected_state: 'invalid_request_error',
  search_query_invalid: 'invalid_request_error',
  metadata_invalid: 'invalid_request_error',
  url_invalid: 'invalid_request_error',
  balance_insufficient: 'invalid_request_error',
  card_declined: 'card_error',
  expired_card: 'card_error',
  incorrect_cvc: 'card_error',
  incorrect_number: 'card_error',
  invalid_expiry_year: 'card_error',
  invalid_expiry_month: 'card_error',
  invalid_cvc: 'card_error',
  payment_intent_authentication_failure: 'card_error',
  api_key_invalid: 'authentication_error',
  api_key_expired: 'authentication_error',
  not_authenticated: 'authentication_error',
  invalid_credentials: 'authentication_error',
  too_many_attempts: 'rate_limit_error',
  permission_denied: 'permission_error',
  secret_key_required: 'permission_error',
  idempotency_key_in_use: 'idempotency_error',
  idempotency_error: 'idempotency_error',
  rate_limit: 'rate_limit_error',
  email_taken: 'invalid_request_error',
  password_too_weak: 'invalid_request_error',
  csrf_failed: 'permission_error',
  two_factor_required: 'permission_error',
  internal_error: 'api_error',
} as const satisfies Record<string, ErrorType>;
export type ErrorCode = keyof typeof ERROR_CODES;

interface PaymentErrorOptions {
  param?: string;
  status?: number;
  declineCode?: string;
  /** Extra Stripe fields, e.g. payment_intent on card errors. */
  extra?: Record<string, unknown>;
}

export class PaymentError extends Error {
  readonly code: ErrorCode;
  readonly type: ErrorType;
  readonly param?: string;
  readonly status: number;
  readonly declineCode?: string;
  readonly extra?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: PaymentErrorOptions = {}) {
    super(message);
    this.name = 'PaymentError';
    this.code = code;
    this.type = ERROR_CODES[code];
    this.param = options.param;
    this.declineCode = options.declineCode;
    this.extra = options.extra;
    this.status = options.status ?? (code === 'resource_missing' ? 404 : code === 'idempotency_key_in_use' ? 409 : ERROR_TYPES[this.type]);
  }
}

export function notFound(kind: string, id: string, param = 'id'): PaymentError {
  return new PaymentError('resource_missing', `No such ${kind}: '${id}'`, { param });
}
