import type { z } from 'zod';
import { PaymentError } from '../../../shared/errors.js';

/** Stripe writes nested parameters in bracket notation: payment_method_data[card][number]. */
export function bracketPath(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return (head ?? '') + rest.map((p) => `[${p}]`).join('');
}

/**
 * Parses with the shared contract and turns the first zod issue into the PaymentError Stripe would send,
 * naming the parameter. Used by every service, so REST, tRPC and in-process callers get the same answers.
 */
export function parseParams<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  if (typeof input === 'object' && input !== null && parsedBy.get(input) === schema) return input as z.output<S>;
  const result = schema.safeParse(input ?? {});
  if (result.success) return rememberParsed(schema, result.data);
  throw zodIssueToPaymentError(result.error.issues[0], input ?? {});
}

/**
 * Outputs of a contract, by the contract that made them: the REST edge validates a request's parameters
 * and the service it calls validates its input again; for the same object and contract the second parse
 * would give the same answer, and it was a measurable share of an API request. A WeakMap, so nothing leaks.
 */
const parsedBy = new WeakMap<object, z.ZodType>();

export function rememberParsed<T>(schema: z.ZodType, output: T): T {
  if (typeof output === 'object' && output !== null) parsedBy.set(output, schema);
  return output;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** `input` (the unparsed params) tells a missing parameter from an invalid one when the schema is a union. */
export function zodIssueToPaymentError(issue: z.core.$ZodIssue, input?: unknown): PaymentError {
  if (issue.code === 'unrecognized_keys') {
    const param = bracketPath([...issue.path, issue.keys[0]]);
    return new PaymentError('parameter_unknown', `Received unknown parameter: ${param}`, { param });
  }
  const param = bracketPath(issue.path);
  const missing = input !== undefined ? valueAt(input, issue.path) === undefined : issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  if (missing) {
    return new PaymentError('parameter_missing', `Missing required param: ${param}.`, { param });
  }
  const nested = issue.code === 'invalid_union' ? issue.errors.flat() : [issue];
  if (nested.some((i) => /Invalid integer/.test(i.message) || (i.code === 'invalid_type' && i.expected === 'number' && issue.code !== 'invalid_union'))) {
    return new PaymentError('parameter_invalid_integer', `Invalid integer: ${param} must be a whole number.`, { param });
  }
  if (param.startsWith('metadata')) {
    return new PaymentError('metadata_invalid', `Invalid ${param}: ${issue.message}`, { param });
  }
  if (param === 'url' || param.endsWith('_url')) {
    return new PaymentError('url_invalid', `Invalid URL for ${param}: ${issue.message}`, { param });
  }
  return new PaymentError('invalid_request', `Invalid ${param || 'request'}: ${issue.message}`, { param: param || undefined });
}
