import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { API_VERSION } from '../../shared/contracts/events.js';
import { PaymentError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { authenticateApiRequest, type AuthenticatedKey } from '../core/api-keys/api-keys.service.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { toErrorResponse } from './errors.js';
import { jsonDepth, MAX_PARAM_DEPTH, parseForm } from './form.js';
import { rateLimitMessage, rateLimitOrigin, type RateLimitConfig } from './rate-limit.js';

/** What the pipeline learns about a request, kept on res.locals for the route handlers. */
export interface ApiLocals {
  requestId: string;
  key?: AuthenticatedKey;
  /** Query and body parameters merged (the body wins), as parsed from the wire. */
  params: Record<string, unknown>;
  /** Form and query values are all strings: contracts coerce them. JSON bodies keep their types. */
  coerce: boolean;
}

export function apiLocals(res: Response): ApiLocals {
  return res.locals.api as ApiLocals;
}

export const MAX_BODY_BYTES = 1024 * 1024;

/** Sends Stripe's error JSON for anything thrown; unexpected errors are logged with the request id only. */
export function sendError(res: Response, error: unknown, logErrors = true) {
  const requestId = (res.locals.api as ApiLocals | undefined)?.requestId ?? newId('request');
  const mapped = toErrorResponse(error, requestId);
  if (mapped.unexpected && logErrors) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`[api] ${requestId} failed: ${detail}`);
  }
  if (mapped.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="PaymentFlow"');
  if (!res.headersSent) sendJson(res, mapped.status, mapped.body);
}

/**
 * JSON out without Express's res.json/res.send (charset sniffing, ETag and freshness checks, Buffer
 * round trips): every /v1 answer is a fresh object that is never cached, so those steps were pure cost.
 * Node leaves the body out for HEAD itself.
 */
export function sendJson(res: Response, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Request-Id on every response; Stripe-Version echoed (any version is accepted; objects have one shape). */
export const requestContext: RequestHandler = (req, res, next) => {
  const requestId = newId('request');
  res.locals.api = { requestId, params: {}, coerce: true } satisfies ApiLocals;
  res.setHeader('Request-Id', requestId);
  const version = req.get('Stripe-Version');
  res.setHeader('Stripe-Version', version && version.length <= 64 && /^[\w.-]+$/.test(version) ? version : API_VERSION);
  res.setHeader('Cache-Control', 'no-cache, no-store');
  next();
};

/**
 * Browsers may call /v1 from any origin (publishable-key confirmation from a merchant's page, as with
 * Stripe.js). Credentials travel only in headers, never cookies, so a wildcard origin grants nothing ambient.
 */
export const cors: RequestHandler = (req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Request-Id, Idempotent-Replayed, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, Stripe-Version');
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Idempotency-Key, Stripe-Version, X-API-Key');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
    return;
  }
  next();
};

/** Access log without parameters, bodies or keys: the path (ids only), status, duration and request id. */
export const requestLog: RequestHandler = (req, res, next) => {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const path = req.originalUrl.split('?')[0].slice(0, 200);
    const requestId = res.getHeader('Request-Id') ?? '-';
    console.log(`[api] ${req.method} /v1${path.startsWith('/v1') ? path.slice(3) : path} ${res.statusCode} ${ms.toFixed(1)}ms ${String(requestId)}`);
  });
  next();
};

const MISSING_KEY_MESSAGE =
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See the PaymentFlow API reference (docs/api.md#authentication) for details.";

/** The presented key and how it was presented, from Bearer, Basic (key as user name) or X-API-Key. */
export function presentedKey(req: Request): { key: string | null; deprecatedHeader: boolean } {
  const authorization = req.get('Authorization');
  if (authorization !== undefined) {
    const match = /^\s*(\S+)(?:\s+(.*))?$/.exec(authorization);
    const scheme = match?.[1]?.toLowerCase();
    const credentials = match?.[2]?.trim() ?? '';
    if (scheme === 'bearer') return { key: credentials || null, deprecatedHeader: false };
    if (scheme === 'basic') {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
      return { key: user || null, deprecatedHeader: false };
    }
    // Some clients send the bare key.
    if (match && !match[2] && /^(sk|pk|rk)_/.test(match[1])) return { key: match[1], deprecatedHeader: false };
    throw new PaymentError('not_authenticated', `Invalid Authorization header: use 'Authorization: Bearer YOUR_SECRET_KEY'.`);
  }
  const apiKeyHeader = req.get('X-API-Key');
  if (apiKeyHeader !== undefined) return { key: apiKeyHeader.trim() || null, deprecatedHeader: true };
  return { key: null, deprecatedHeader: false };
}

/**
 * Checks the key (401 before anything else) and charges one token to its bucket, in one database round
 * trip; X-RateLimit-* on every authenticated response.
 */
export function authenticate(deps: CoreDeps, limits: RateLimitConfig, clock?: () => Date): RequestHandler {
  return async (req, res, next) => {
    const { key, deprecatedHeader } = presentedKey(req);
    if (deprecatedHeader) {
      res.setHeader('Deprecation', 'true');
      res.setHeader('Link', '<docs/api.md#authentication>; rel="deprecation"');
      res.setHeader('Warning', '299 - "The X-API-Key header is deprecated; send Authorization: Bearer <key> instead"');
    }
    if (!key) throw new PaymentError('not_authenticated', MISSING_KEY_MESSAGE);
    if (key.length > 256) throw new PaymentError('api_key_invalid', 'Invalid API Key provided.');
    const authenticated = await authenticateApiRequest(deps.db, key, limits, rateLimitOrigin(req, clock));
    apiLocals(res).key = authenticated.key;
    const decision = authenticated.limit;
    res.setHeader('X-RateLimit-Limit', String(decision.limit));
    res.setHeader('X-RateLimit-Remaining', String(decision.remaining));
    res.setHeader('X-RateLimit-Reset', String(decision.reset));
    if (!decision.allowed) {
      res.setHeader('Retry-After', String(decision.retryAfter));
      throw new PaymentError('rate_limit', rateLimitMessage(authenticated.key.type, authenticated.bucket, decision));
    }
    next();
  };
}

const rawBody = express.raw({ type: () => true, limit: MAX_BODY_BYTES });

function mediaType(req: Request): string {
  return (req.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
}

function charsetIsUtf8(req: Request): boolean {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(req.get('Content-Type') ?? '');
  return !match || /^(utf-?8|us-ascii)$/i.test(match[1]);
}

/**
 * Reads the body once as bytes and parses it by content type: JSON, or form encoding (also when no
 * type is sent, like curl -d). The query string is parsed the same way, so `created[gte]=…` works in both.
 */
export const parseParameters: RequestHandler = (req, res, next) => {
  rawBody(req, res, (error?: unknown) => {
    if (error) {
      const status = (error as { status?: unknown }).status;
      // Reading the body only fails on what the client sent (a malformed Content-Type, a bad encoding, an aborted upload).
      if (typeof status === 'number' && status >= 400 && status < 500) return next(error);
      return next(new PaymentError('invalid_request', `Invalid request: the body could not be read (${(error as Error).message?.slice(0, 100) ?? 'unknown reason'}).`));
    }
    try {
      const locals = apiLocals(res);
      const queryIndex = req.originalUrl.indexOf('?');
      const query = queryIndex === -1 ? {} : parseForm(req.originalUrl.slice(queryIndex + 1));
      const buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let body: Record<string, unknown> = {};
      let coerce = true;
      if (buffer.length > 0) {
        const type = mediaType(req);
        if (!charsetIsUtf8(req)) throw new PaymentError('invalid_request', 'Invalid request body: only UTF-8 is accepted.', { status: 415 });
        const text = buffer.toString('utf8');
        if (type === 'application/json' || type.endsWith('+json')) {
          body = parseJsonBody(text);
          coerce = false;
        } else if (type === '' || type === 'application/x-www-form-urlencoded' || type === 'text/plain') {
          // Plain text too: fetch and some HTTP tools label a string body that way; Stripe reads it as a form.
          body = parseForm(text);
        } else {
          throw new PaymentError(
            'invalid_request',
            `Invalid request: unsupported Content-Type ${type.slice(0, 100)}. Send application/x-www-form-urlencoded (as the Stripe libraries do) or application/json.`,
            { status: 415 },
          );
        }
      }
      locals.params = Object.keys(query).length ? { ...query, ...body } : body;
      rejectNullBytes(locals.params, []);
      locals.coerce = coerce || Object.keys(query).length > 0;
      next();
    } catch (parseError) {
      next(parseError);
    }
  });
};

/** PostgreSQL text cannot hold U+0000, and no Stripe parameter needs it: refuse it by name. */
function rejectNullBytes(value: unknown, path: string[]) {
  const name = () => (path.length ? path[0] + path.slice(1).map((p) => `[${p}]`).join('') : 'request');
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new PaymentError('invalid_request', `Invalid string for ${name()}: it contains a null character.`, { param: path.length ? name() : undefined });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    if (key.includes('\u0000')) throw new PaymentError('invalid_request', 'Invalid parameter name: it contains a null character.');
    rejectNullBytes(child, [...path, key]);
  }
}

function parseJsonBody(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message.slice(0, 200) : 'not valid JSON';
    throw new PaymentError('invalid_request', `Invalid JSON in the request body: ${detail}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PaymentError('invalid_request', 'Invalid request body: the JSON body must be an object of parameters.');
  }
  if (jsonDepth(value) > MAX_PARAM_DEPTH) {
    throw new PaymentError('invalid_request', `Invalid request body: parameters nested more than ${MAX_PARAM_DEPTH - 1} levels deep.`);
  }
  return value as Record<string, unknown>;
}

/** Stripe's answer for any path or method it does not serve. */
export const unknownRoute: RequestHandler = (req) => {
  const path = req.originalUrl.split('?')[0].slice(0, 300);
  throw new PaymentError('invalid_request', `Unrecognized request URL (${req.method}: ${path}). Please see the PaymentFlow API reference (docs/api.md).`, { status: 404 });
};

export function errorHandler(logErrors: boolean) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction) => sendError(res, error, logErrors);
}
