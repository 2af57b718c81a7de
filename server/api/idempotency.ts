import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { PaymentError } from '../../shared/errors.js';
import type { Tx } from '../db/database.js';
import { decrypt, encrypt } from '../core/shared/crypto.js';
import type { CoreDeps, Scope } from '../core/shared/deps.js';
import { toErrorResponse } from './errors.js';
import { inScope } from '../core/shared/scope.js';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** Stripe keeps keys for at least 24 hours; a key older than that may be used again as a new request. */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

export interface ApiResult {
  status: number;
  body: unknown;
}

export interface IdempotentOutcome extends ApiResult {
  replayed: boolean;
}

export interface IdempotentRequest {
  key: string;
  method: string;
  path: string;
  params: unknown;
}

/** JSON with sorted keys, so the same parameters in another order hash the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(method: string, path: string, params: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${canonical(params)}`).digest('hex');
}

export function validateIdempotencyKey(key: string): void {
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
 * never leave an operation without its key or a key without its operation. Concurrent use is detected with
 * a transaction-scoped advisory lock taken without waiting (the second request gets 409 at once instead of
 * queueing behind the first). Client errors are stored and replayed like successes; card declines keep the
 * writes the core made (the failed attempt, the intent's last_payment_error, the event) while other client
 * errors roll the operation back to a savepoint first. Server errors roll everything back, key included,
 * so the client may retry with the same key.
 */
export async function runIdempotent(deps: CoreDeps, scope: Scope, request: IdempotentRequest, requestId: string, operation: (tx: Tx) => Promise<ApiResult>): Promise<IdempotentOutcome> {
  validateIdempotencyKey(request.key);
  const hash = requestHash(request.method, request.path, request.params);
  return deps.db.transaction().execute(async (tx) => {
    const lockName = `idem:${scope.merchantId}:${scope.livemode ? 'live' : 'test'}:${request.key}`;
    const { rows: lock } = await sql<{ got: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${lockName}, 0)) as got`.execute(tx);
    if (!lock[0]?.got) {
      throw new PaymentError(
        'idempotency_key_in_use',
        `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${request.key}. Please try again later.`,
      );
    }
    // A key past its lifetime is overwritten as if new; a live one is left alone (and nothing is returned).
    const { rows: inserted } = await sql<{ key: string }>`
      insert into idempotency_keys as k (merchant_id, livemode, key, request_method, request_path, request_hash, status, created_at)
      values (${scope.merchantId}, ${scope.livemode}, ${request.key}, ${request.method}, ${request.path}, ${hash}, 'in_progress', now())
      on conflict (merchant_id, livemode, key) do update
        set request_method = excluded.request_method, request_path = excluded.request_path, request_hash = excluded.request_hash,
            status = 'in_progress', response_status = null, response_body = null, created_at = now()
        where k.created_at < now() - make_interval(hours => ${IDEMPOTENCY_KEY_TTL_HOURS})
      returning k.key
    `.execute(tx);

    if (!inserted.length) {
      const stored = await tx
        .selectFrom('idempotency_keys')
        .select(['request_method', 'request_path', 'request_hash', 'status', 'response_status', 'response_body'])
        .$call(inScope(scope))
        .where('key', '=', request.key)
        .executeTakeFirstOrThrow();
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
        // Only reachable if a row was written outside this module; treat it like a request in flight.
        throw new PaymentError('idempotency_key_in_use', `There is currently another in-progress request using this Idempotent Key: ${request.key}. Please try again later.`);
      }
      return { status: stored.response_status, body: unsealSecret(deps.secret, stored.response_body), replayed: true };
    }

    await sql`savepoint idempotent_operation`.execute(tx);
    let result: ApiResult;
    try {
      result = await operation(tx);
    } catch (error) {
      const mapped = toErrorResponse(error, requestId);
      if (mapped.unexpected || mapped.status >= 500) throw error;
      const keepWrites = mapped.body.error.type === 'card_error';
      if (keepWrites) {
        try {
          await sql`release savepoint idempotent_operation`.execute(tx);
        } catch {
          await sql`rollback to savepoint idempotent_operation`.execute(tx);
        }
      } else {
        await sql`rollback to savepoint idempotent_operation`.execute(tx);
      }
      result = { status: mapped.status, body: mapped.body };
    }
    await tx
      .updateTable('idempotency_keys')
      .set({ status: 'completed', response_status: result.status, response_body: JSON.stringify(sealSecret(deps.secret, result.body ?? null)) as never })
      .$call(inScope(scope))
      .where('key', '=', request.key)
      .execute();
    return { ...result, replayed: false };
  });
}
