import { ZodError } from 'zod';
import { PaymentError } from '../../shared/errors.js';
import { SearchQueryError } from '../../shared/search/index.js';
import { toSearchError } from '../core/shared/search.repository.js';
import { issueToPaymentError } from '../core/shared/params.js';
import { toInvalidInput } from '../core/shared/database-errors.js';

/** Stripe's error object, the only error body /v1 ever sends. */
export interface StripeErrorBody {
  error: {
    type: string;
    code?: string;
    message: string;
    param?: string;
    decline_code?: string;
    doc_url?: string;
    request_log_url?: string;
    [extra: string]: unknown;
  };
}

export interface ErrorResponse {
  status: number;
  body: StripeErrorBody;
  /** True for errors the server did not expect (logged, never replayed). */
  unexpected: boolean;
}

// Stripe documents its codes under these URLs; PaymentFlow uses the same codes with the same meaning.
const DOCUMENTED = new Set([
  'parameter_missing', 'parameter_invalid_integer', 'parameter_invalid_empty', 'parameter_unknown', 'amount_too_small',
  'amount_too_large', 'resource_missing', 'resource_already_exists', 'payment_intent_unexpected_state', 'payment_method_unexpected_state', 'charge_already_refunded',
  'card_declined', 'expired_card', 'incorrect_cvc', 'incorrect_number', 'invalid_expiry_year', 'invalid_expiry_month',
  'invalid_cvc', 'payment_intent_authentication_failure', 'api_key_expired', 'idempotency_key_in_use', 'rate_limit',
  'secret_key_required', 'url_invalid', 'search_query_invalid',
]);

function docUrl(code: string): string | undefined {
  return DOCUMENTED.has(code) ? `https://docs.stripe.com/error-codes/${code.replace(/_/g, '-')}` : undefined;
}

function paymentErrorBody(error: PaymentError): StripeErrorBody {
  const body: StripeErrorBody['error'] = { type: error.type, code: error.code, message: error.message };
  if (error.param) body.param = error.param;
  if (error.declineCode) body.decline_code = error.declineCode;
  const url = docUrl(error.code);
  if (url) body.doc_url = url;
  for (const [key, value] of Object.entries(error.extra ?? {})) {
    if (!(key in body) && value !== undefined) body[key] = value;
  }
  return { error: body };
}

/** Errors from the HTTP layer itself (body too large, unsupported encoding) carry a 4xx status. */
function httpClientError(error: unknown): { status: number; message: string } | null {
  const e = error as { status?: unknown; statusCode?: unknown; type?: unknown; expose?: unknown };
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (!status || status < 400 || status >= 500) return null;
  const messages: Record<string, string> = {
    'entity.too.large': 'The request body is too large.',
    'encoding.unsupported': 'The request body uses an unsupported content encoding.',
    'charset.unsupported': 'The request body uses an unsupported charset; send UTF-8.',
    'entity.parse.failed': 'Invalid request body: it could not be parsed.',
    'request.aborted': 'The request was aborted.',
    'request.size.invalid': 'The request body does not match its Content-Length.',
  };
  const message = (typeof e.type === 'string' && messages[e.type]) || 'Invalid request.';
  return { status, message };
}

/** Maps anything thrown while serving /v1 to Stripe's error JSON and status. */
export function toErrorResponse(error: unknown, requestId: string): ErrorResponse {
  if (error instanceof PaymentError) {
    return { status: error.status, body: paymentErrorBody(error), unexpected: false };
  }
  if (error instanceof ZodError) {
    const mapped = issueToPaymentError(error.issues[0], undefined);
    return { status: mapped.status, body: paymentErrorBody(mapped), unexpected: false };
  }
  if (error instanceof SearchQueryError) {
    const mapped = toSearchError(error);
    return { status: mapped.status, body: paymentErrorBody(mapped), unexpected: false };
  }
  const invalid = toInvalidInput(error);
  if (invalid) return { status: invalid.status, body: paymentErrorBody(invalid), unexpected: false };
  const client = httpClientError(error);
  if (client) {
    return { status: client.status, body: { error: { type: 'invalid_request_error', message: client.message } }, unexpected: false };
  }
  return {
    status: 500,
    body: {
      error: {
        type: 'api_error',
        code: 'internal_error',
        message: `An unexpected error occurred while processing your request (request ${requestId}). Please retry; if it keeps happening, contact the operator of this PaymentFlow server with the request id.`,
      },
    },
    unexpected: true,
  };
}
