import type { ZodError } from 'zod';

/** The `data` our tRPC errorFormatter attaches (server/trpc/trpc.ts). */
interface ErrorData {
  code?: string;
  httpStatus?: number;
  fieldErrors?: Record<string, string>;
  retryAfter?: number | null;
}

function dataOf(error: unknown): ErrorData | undefined {
  return (error as { data?: ErrorData } | null)?.data ?? undefined;
}

export function isUnauthorized(error: unknown): boolean {
  const data = dataOf(error);
  return data?.code === 'UNAUTHORIZED' || data?.httpStatus === 401;
}

/** Input the server refused (a malformed search, a bad filter): fix the input, retrying will not help. */
export function isBadRequest(error: unknown): boolean {
  return dataOf(error)?.httpStatus === 400;
}

export function isForbidden(error: unknown): boolean {
  return dataOf(error)?.code === 'FORBIDDEN';
}

/** Server-side field errors, keyed by the input's field name. */
export function serverFieldErrors(error: unknown): Record<string, string> {
  return { ...(dataOf(error)?.fieldErrors ?? {}) };
}

/** Seconds until a throttled action may be retried, when the server said so. */
export function retryAfterSeconds(error: unknown): number | null {
  const value = dataOf(error)?.retryAfter;
  return typeof value === 'number' && value > 0 ? value : null;
}

export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** A sentence a person can act on, for any error a query or mutation can throw. */
export function errorMessage(error: unknown): string {
  if (!error) return '';
  const message = (error as { message?: string }).message ?? '';
  if (!dataOf(error) && /failed to fetch|networkerror|load failed|fetch failed/i.test(message)) {
    return 'Cannot reach PaymentFlow. Check your connection and try again.';
  }
  const wait = retryAfterSeconds(error);
  if (wait && !/try again/i.test(message)) return `${message || 'Too many attempts.'} Try again in ${formatWait(wait)}.`;
  return message || 'Something went wrong. Please try again.';
}

/** The first message per field of a failed client-side zod parse. */
export function zodFieldErrors(error: ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.');
    errors[key] ??= issue.message;
  }
  return errors;
}

/**
 * Where to go after signing in. Only same-origin paths are followed, so a crafted link cannot send
 * the user to another site ("//evil.test", "https://…", "/\\evil.test").
 */
export function safeRedirect(target: unknown, fallback = '/'): string {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return fallback;
  if (/^\/(signin|signup)(\/|\?|$)/.test(target)) return fallback;
  return target;
}
