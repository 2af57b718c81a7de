import { createHash } from 'node:crypto';
import { IDEMPOTENCY_KEY_TTL_MS } from '../../../shared/limits.js';
import { PaymentError } from '../../../shared/errors.js';
import type { Tx } from '../../db/database.js';
import { decrypt, encrypt } from '../shared/crypto.js';
import type { CoreDeps, Scope } from '../shared/deps.js';
import * as repo from './idempotency.repository.js';

const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** Stripe keeps keys for at least 24 hours; a key older than that may be used again as a new request. */

export interface IdempotentResult {
  status: number;
  body: unknown;
}

export interface IdempotentOutcome extends IdempotentResult {
  replayed: boolean;
}

export interface IdempotentRequest {
  key: string;
  method: string;
  path: string;
  params: unknown;
}

/**
 * What the edge makes of an operation's error: the response to store and replay, and whether the writes
 * the operation made before failing are kept (a card decline) or rolled back. `undefined`: a server
 * error, which rolls everything back (key included) and is rethrown.
 */
type ErrorOutcome = (error: unknown) => { result: IdempotentResult; keepWrites: boolean } | undefined;

/** JSON with sorted keys, so the same parameters in another order hash the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function requestHash(method: string, path: string, params: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${canonical(params)}`).digest('hex');
}

function validateIdempotencyKey(key: string): void {
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new PaymentError('invalid_request', `Keys for idempotent requests can only be ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long.`, { param: 'Idempotency-Key' });
  }
  if (!key.trim()) throw new PaymentError('invalid_request', 'The Idempotency-Key header cannot be empty.', { param: 'Idempotency-Key' });
}

/**
 * A response may carry a secret shown once (a webhook endpoint's `whsec_…` signing secret). The replay
 * must return it again, but it is kept encrypted at rest like the endpoint's own copy.
 */
function sealSecret(key: string, body: unknown): unknown {
  if (!body || typeof body !== 'object' || typeof (body as { secret?: unknown }).secret !== 'string') return body;
  return { ...body, secret: { sealed: encrypt(key, (body as { secret: string }).secret) } };
}

function unsealSecret(key: string, body: unknown): unknown {
  const secret = (body as { secret?: { sealed?: unknown } } | null)?.secret;
  if (!secret || typeof secret !== 'object' || typeof secret.sealed !== 'string') return body;
  return { ...(body as object), secret: decrypt(key, secret.sealed) };
}

/**
 * Runs `operation` at most once per (merchant, mode, key) and replays its first response.
 *
 * The key row, the operation's writes and the stored response commit in one transaction, so a crash can
 * never leave an operation without its key or a key without its operation (no 'in_progress' row is ever
 * committed). Concurrent use is detected with a transaction-scoped advisory lock taken without waiting
 * (the second request gets 409 at once instead of queueing behind the first). Client errors are stored and
 * replayed like successes; `onError` decides whether the operation's writes are kept (card declines) or
 * rolled back to a savepoint first. Server errors roll everything back, key included, so the client may
 * retry with the same key.
 */
export async function runIdempotent(
  deps: CoreDeps,
  scope: Scope,
  request: IdempotentRequest,
  operation: (tx: Tx) => Promise<IdempotentResult>,
  onError: ErrorOutcome,
): Promise<IdempotentOutcome> {
  validateIdempotencyKey(request.key);
  const hash = requestHash(request.method, request.path, request.params);
  return deps.db.transaction().execute(async (tx) => {
    const claim = await repo.lockAndClaimKey(tx, scope, { key: request.key, method: request.method, path: request.path, hash }, IDEMPOTENCY_KEY_TTL_MS);
    if (claim === 'busy') {
      throw new PaymentError(
        'idempotency_key_in_use',
        `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${request.key}. Please try again later.`,
      );
    }
    if (claim === 'exists') {
      const stored = await repo.getKey(tx, scope, request.key);
      if (!stored) throw new Error(`Idempotency key ${request.key} vanished while locked`);
      if (stored.request_method !== request.method || stored.request_path !== request.path) {
        throw new PaymentError(
          'idempotency_error',
          `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${stored.request_method} ${stored.request_path}'). Try using a key other than '${request.key}' if you meant to execute a different request.`,
        );
      }
      if (stored.request_hash !== hash) {
        throw new PaymentError(
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${request.key}' if you meant to execute a different request.`,
        );
      }
      if (stored.status !== 'completed' || stored.response_status === null) {
        // Unreachable through this function (the key and its response commit together); kept as a guard.
        throw new PaymentError('idempotency_key_in_use', `There is currently another in-progress request using this Idempotent Key: ${request.key}. Please try again later.`);
      }
      return { status: stored.response_status, body: unsealSecret(deps.secret, stored.response_body), replayed: true };
    }

    await repo.savepoint(tx);
    let result: IdempotentResult;
    try {
      result = await operation(tx);
    } catch (error) {
      const outcome = onError(error);
      if (!outcome) throw error;
      if (outcome.keepWrites) {
        try {
          await repo.releaseSavepoint(tx);
        } catch {
          await repo.rollbackToSavepoint(tx);
        }
      } else {
        await repo.rollbackToSavepoint(tx);
      }
      result = outcome.result;
    }
    await repo.completeKey(tx, scope, request.key, result.status, sealSecret(deps.secret, result.body ?? null));
    return { ...result, replayed: false };
  });
}

/** Job: deletes keys past their lifetime (after it a key may be reused as a new request anyway). */
export async function pruneIdempotencyKeys(deps: CoreDeps, now: Date = new Date(), batchSize = 1000): Promise<number> {
  const before = new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS);
  let total = 0;
  for (;;) {
    const deleted = await repo.deleteKeysCreatedBefore(deps.db, before, batchSize);
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
