import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { PaymentError } from '../../shared/errors.js';
import { assertKeyMayCall, type AuthenticatedKey } from '../core/api-keys/api-keys.service.js';
import type { AuditRecord } from '../core/accounts/audit-entries.js';
import { recordAudit } from '../core/accounts/audit.service.js';
import type { Actor, CoreDeps, Scope } from '../core/shared/deps.js';
import { inTransaction } from '../core/shared/tx.js';
import type { Tx } from '../db/database.js';
import { expandResponse, requestedExpansions } from './expand.js';
import { runIdempotent } from './idempotency.js';
import { parseParams } from '../core/shared/params.js';
import { addHeader, apiLocals, sendJson } from './pipeline.js';

/** What a resource handler gets: the tenant, the parameters, and (under an Idempotency-Key) the transaction. */
export interface ApiCall {
  deps: CoreDeps;
  scope: Scope;
  actor: Actor;
  /** The `:id` path segment, when the route has one. */
  id: string;
  /** Every path segment the route names (`/customers/:customer/payment_methods` -> `customer`). */
  pathParams: Record<string, string>;
  /** Restricted keys count as secret keys here: they passed the permission check of the route. */
  keyType: 'publishable' | 'secret';
  /** Present when the request carries an Idempotency-Key: pass it to the core so one commit covers both. */
  tx?: Tx;
  /** What the route's `prepare` returned (RouteOptions), computed before any transaction opened. */
  prepared?: unknown;
  /** Validates the request parameters against a shared contract (Stripe's error for the first problem). */
  parse<S extends z.ZodType>(schema: S): z.output<S>;
  params: Record<string, unknown>;
}

export type ApiHandler = (call: ApiCall) => Promise<unknown>;

/** What an audited route records of its result: the action, its target and what changed (never secrets). */
export type ApiAudit<T> = (result: T, call: ApiCall) => AuditRecord;

/**
 * The names of the parameters a call sent (what it asked to change), without `expand`, which changes nothing:
 * for changes whose values stay out of the log (personal data, evidence), as the dashboard records them.
 */
export function sentParams(call: ApiCall): string[] {
  return Object.keys(call.params).filter((name) => name !== 'expand');
}

/**
 * A sensitive action through the API (issue 14.6): the change and its audit entry, whose actor is the API
 * key with the caller's IP and user agent, commit in one transaction (the idempotency layer's when there
 * is an Idempotency-Key, so a replay writes no second entry). A refused action rolls back and records nothing,
 * as in the dashboard.
 */
export function audited<T>(handler: (call: ApiCall) => Promise<T>, audit: ApiAudit<T>): ApiHandler {
  return (call) => inTransaction(call.deps, call.tx, async (tx) => {
    const result = await handler({ ...call, tx: tx as Tx });
    await recordAudit(tx, { ...call.actor, ...audit(result, call) });
    return result;
  });
}

export interface RouteOptions {
  /** Publishable keys may call this route (the handler checks the client_secret). */
  publishable?: boolean;
  /**
   * A read that may lag (search): served by the replica when DATABASE_REPLICA_URL is set, as Stripe's own
   * search is documented to trail writes by a little.
   */
  fromReplica?: boolean;
  /**
   * Work that must not run inside a transaction (a network call such as a DNS lookup), done before the handler's
   * transaction or the Idempotency-Key's opens; its result reaches the handler as `call.prepared`.
   */
  prepare?: (call: ApiCall) => Promise<unknown>;
}

const PUBLISHABLE_KEY_REFUSED =
  'This API call cannot be made with a publishable API key. Please use a secret API key. Publishable keys may only retrieve or confirm a PaymentIntent with its client_secret.';

function requestPath(req: Request): string {
  return req.originalUrl.split('?')[0];
}

/**
 * Who may call this route: a publishable key only where the route allows it, a restricted key only with
 * the permission for the route's resource (every /v1 route goes through here).
 */
export function authorizeKey(key: AuthenticatedKey, req: Request, options: RouteOptions = {}): AuthenticatedKey {
  if (key.type === 'publishable' && !options.publishable) {
    throw new PaymentError('secret_key_required', PUBLISHABLE_KEY_REFUSED, { status: 403 });
  }
  assertKeyMayCall(key, req.method, requestPath(req).replace(/^\/v1(?=\/)/, ''));
  return key;
}

/** Who acts in a REST call, for the core and the audit log: the key's tenant, the key (never its secret), and where the call came from. */
export function keyActor(req: Request, key: AuthenticatedKey): Actor {
  return {
    merchantId: key.merchantId, livemode: key.livemode, userId: null, apiKeyId: key.keyId,
    ip: req.ip ?? req.socket.remoteAddress ?? null, userAgent: req.get('user-agent') ?? null,
  };
}

/**
 * Adapts a resource handler to Express: key-type check, parameter access, idempotency for POST, `expand[]`,
 * JSON out. The handler's return value is the response body (status 200, as for every Stripe success); the
 * expansions are applied to it inside the idempotent transaction, so a replay returns the same body.
 */
export function endpoint(deps: CoreDeps, handler: ApiHandler, options: RouteOptions = {}): RequestHandler {
  return async (req: Request, res: Response) => {
    const locals = apiLocals(res);
    const key = authorizeKey(locals.key!, req, options);
    const idempotencyKey = req.method === 'POST' ? req.get('Idempotency-Key') : undefined;
    const scope: Scope = { merchantId: key.merchantId, livemode: key.livemode };
    const rawId = typeof req.params.id === 'string' ? req.params.id : '';
    const pathParams = Object.fromEntries(Object.entries(req.params).filter((e): e is [string, string] => typeof e[1] === 'string'));
    for (const value of Object.values(pathParams)) {
      if (value.includes('\u0000') || value.length > 255) throw new PaymentError('invalid_request', 'Invalid object id in the URL.', { status: 404 });
    }
    const call: ApiCall = {
      deps: options.fromReplica && deps.replica && req.method === 'GET' ? { ...deps, db: await deps.replica.forReads(deps.db, null) } : deps,
      scope,
      actor: { ...keyActor(req, key), requestId: locals.requestId, idempotencyKey: idempotencyKey ?? null },
      id: rawId,
      pathParams,
      keyType: key.type === 'publishable' ? 'publishable' : 'secret',
      params: locals.params,
      parse: (schema) => parseParams(schema, locals.params, { coerce: locals.coerce }),
    };
    if (options.prepare) call.prepared = await options.prepare(call);
    const routePath = typeof req.route?.path === 'string' ? req.route.path : requestPath(req);
    const expand = requestedExpansions(locals.params, locals.coerce, routePath, req.method === 'GET' && !rawId);
    const run = async (c: ApiCall) => expandResponse(c.tx ? { ...c.deps, db: c.tx } : c.deps, c.scope, await handler(c), expand);
    if (idempotencyKey === undefined) {
      sendJson(res, 200, await run(call));
      return;
    }
    if (/^[\x20-\x7e]{1,255}$/.test(idempotencyKey)) addHeader(res, 'Idempotency-Key', idempotencyKey);
    const outcome = await runIdempotent(
      deps,
      scope,
      // The key type is part of the request: a browser's publishable key never replays a secret key's response.
      { key: idempotencyKey, method: req.method, path: requestPath(req), params: { keyType: call.keyType, params: locals.params } },
      locals.requestId,
      async (tx) => ({ status: 200, body: await run({ ...call, tx }) }),
    );
    if (outcome.replayed) addHeader(res, 'Idempotent-Replayed', 'true');
    sendJson(res, outcome.status, outcome.body);
  };
}
