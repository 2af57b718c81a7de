import type { Tx } from '../db/database.js';
import { runIdempotent as runIdempotentInCore, type IdempotentOutcome, type IdempotentRequest, type IdempotentResult } from '../core/idempotency/idempotency.service.js';
import type { CoreDeps, Scope } from '../core/shared/deps.js';
import { toErrorResponse } from './errors.js';

export type ApiResult = IdempotentResult;

/**
 * The REST edge of idempotency (rules and SQL in server/core/idempotency): an error becomes the
 * Stripe-shaped response stored for replay; a card decline keeps the writes the core made (the failed
 * attempt, last_payment_error, the event); server errors are rethrown and roll the key back.
 */
export function runIdempotent(deps: CoreDeps, scope: Scope, request: IdempotentRequest, requestId: string, operation: (tx: Tx) => Promise<ApiResult>): Promise<IdempotentOutcome> {
  return runIdempotentInCore(deps, scope, request, operation, (error) => {
    const mapped = toErrorResponse(error, requestId);
    if (mapped.unexpected || mapped.status >= 500) return undefined;
    return { result: { status: mapped.status, body: mapped.body }, keepWrites: mapped.body.error.type === 'card_error' };
  });
}
