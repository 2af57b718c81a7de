import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorMessage, isUnauthorized, retryAfterSeconds, safeRedirect, serverFieldErrors, zodFieldErrors } from './errors';

describe('safeRedirect', () => {
  it('follows same-origin paths only', () => {
    expect(safeRedirect('/payments?status=succeeded')).toBe('/payments?status=succeeded');
    expect(safeRedirect('//evil.test/x')).toBe('/');
    expect(safeRedirect('/\\evil.test')).toBe('/');
    expect(safeRedirect('https://evil.test')).toBe('/');
    expect(safeRedirect(undefined)).toBe('/');
    expect(safeRedirect('/signin?redirect=/x')).toBe('/');
  });
});

describe('error helpers', () => {
  const throttled = { message: 'Too many sign-in attempts. Try again in 8 seconds.', data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, fieldErrors: {}, retryAfter: 8 } };

  it('reads field errors and the retry delay from the formatted tRPC error', () => {
    expect(serverFieldErrors({ data: { fieldErrors: { email: 'Taken.' } } })).toEqual({ email: 'Taken.' });
    expect(retryAfterSeconds(throttled)).toBe(8);
    expect(errorMessage(throttled)).toBe('Too many sign-in attempts. Try again in 8 seconds.');
    expect(errorMessage({ message: 'Slow down.', data: { retryAfter: 120 } })).toBe('Slow down. Try again in 2 minutes.');
  });

  it('recognises 401s and network failures', () => {
    expect(isUnauthorized({ data: { code: 'UNAUTHORIZED', httpStatus: 401 } })).toBe(true);
    expect(isUnauthorized({ data: { code: 'FORBIDDEN', httpStatus: 403 } })).toBe(false);
    expect(errorMessage(new TypeError('Failed to fetch'))).toMatch(/Cannot reach PaymentFlow/);
  });

  it('maps zod issues to the first message per field', () => {
    const result = z.object({ email: z.string().email('Bad email.'), password: z.string().min(10, 'Too short.').regex(/x/, 'No x.') }).safeParse({ email: 'x', password: 'y' });
    expect(result.success).toBe(false);
    if (!result.success) expect(zodFieldErrors(result.error)).toEqual({ email: 'Bad email.', password: 'Too short.' });
  });
});
