import { PaymentError } from '../../../shared/errors.js';

/**
 * PostgreSQL's data exceptions (SQLSTATE class 22: a date that does not exist, a timestamp out of range, a
 * number too large) can only come from a value the caller sent, so they are the caller's error (400), not
 * ours (500). Both the REST and the tRPC error mappers use this.
 */
export function toInvalidInput(error: unknown): PaymentError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('22')) return null;
  return new PaymentError('invalid_request', 'A value in this request is out of range or not valid (for example a date that does not exist).');
}
