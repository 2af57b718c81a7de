import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { logger } from '../observability/logger.js';
import { routeLabel } from '../observability/metrics.js';
import { requestIdOf } from '../observability/requests.js';
import { API_VERSION } from '../../shared/contracts/events.js';
import { PaymentError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { authenticateApiRequest, type AuthenticatedKey } from '../core/api-keys/api-keys.service.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { baseHeaderPairs } from '../http/security-headers.js';
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
  /**
   * Response headers as name, value pairs, written with the status in one writeHead (a setHeader per
   * header validated and stored each one in a map first, a visible share of a /v1 request's profile).
   */
  headers: string[];
}

export function apiLocals(res: Response): ApiLocals {
  return res.locals.api as ApiLocals;
}

/** Adds a response header to the ones sendJson writes. */
export function addHeader(res: Response, name: string, value: string) {
  (res.locals.api as ApiLocals).headers.push(name, value);
}

export const MAX_BODY_BYTES = 1024 * 1024;

/** Sends Stripe's error JSON for anything thrown; unexpected errors are logged with the request id only. */
function sendError(res: Response, error: unknown, logErrors = true) {
  const requestId = (res.locals.api as ApiLocals | undefined)?.requestId ?? newId('request');
  const mapped = toErrorResponse(error, requestId);
  if (mapped.unexpected && logErrors) {
    logger.error({ req_id: requestId, err: error }, 'API request failed');
  }
  if (res.headersSent) return;
  if (mapped.status === 401) {
    if (res.locals.api) addHeader(res, 'WWW-Authenticate', 'Bearer realm="PaymentFlow"');
    else res.setHeader('WWW-Authenticate', 'Bearer realm="PaymentFlow"');
  }
  sendJson(res, mapped.status, mapped.body);
}

/**
 * JSON out without Express's res.json/res.send (charset sniffing, ETag and freshness checks, Buffer
 * round trips): every /v1 answer is a fresh object that is never cached, so those steps were pure cost.
 * Node leaves the body out for HEAD itself.
 */
export function sendJson(res: Response, status: number, body: unknown) {
  const text = JSON.stringify(body);
  const headers = (res.locals.api as ApiLocals | undefined)?.headers ?? [];
  headers.push('Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(Buffer.byteLength(text)));
  // Headers set with setHeader (outside the pipeline) are kept; on a name clash these win.
  res.writeHead(status, headers);
  res.end(text);
}

/**
 * Request-Id on every response; Stripe-Version echoed (any version is accepted; objects have one shape).
 * The app-wide security headers are set here too: /v1 is mounted ahead of the app's other middleware.
 */
function startRequest(req: Request, res: Response, appUrl: string) {
  // The id the app gave the request on arrival (server/observability/requests.ts), when mounted in the app.
  const requestId = requestIdOf(res) ?? newId('request');
  const version = req.headers['stripe-version'];
  const headers = [
    ...baseHeaderPairs(appUrl),
    'Request-Id', requestId,
    'Stripe-Version', typeof version === 'string' && version.length <= 64 && /^[\w.-]+$/.test(version) ? version : API_VERSION,
    'Cache-Control', 'no-cache, no-store',
    'Access-Control-Allow-Origin', '*',
    'Access-Control-Expose-Headers', 'Request-Id, Idempotent-Replayed, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, Stripe-Version',
  ];
  res.locals.api = { requestId, params: {}, coerce: true, headers } satisfies ApiLocals;
}

/**
 * Browsers may call /v1 from any origin (publishable-key confirmation from a merchant's page, as with
 * Stripe.js). Credentials travel only in headers, never cookies, so a wildcard origin grants nothing ambient.
 * Returns true when the request was a preflight, answered here.
 */
function corsPreflight(req: Request, res: Response): boolean {
  if (req.method !== 'OPTIONS') return false;
  const headers = apiLocals(res).headers;
  headers.push('Access-Control-Allow-Methods', 'GET, POST, DELETE');
  headers.push('Access-Control-Allow-Headers', 'Authorization, Content-Type, Idempotency-Key, Stripe-Version, X-API-Key');
  headers.push('Access-Control-Max-Age', '600');
  res.writeHead(204, headers);
  res.end();
  return true;
}

/**
 * Everything /v1 does before a route is chosen, as one middleware (one router layer instead of four, no
 * body-parser for plain bodies): Request-Id and CORS on every response, the key checked (401 before anything
 * else) and its bucket charged in one statement, then the parameters read from the query and the body.
 */
export function apiRequest(deps: CoreDeps, limits: RateLimitConfig, clock?: () => Date): RequestHandler {
  return async (req, res, next) => {
    startRequest(req, res, deps.appUrl);
    if (corsPreflight(req, res)) return;
    await authenticateRequest(deps, limits, clock, req, res);
    await parseParameters(req, res);
    next();
  };
}

/**
 * The access log: one structured line per request through the process's logger (pino), with the request id,
 * method, route template, path (never the query string, which may carry a client_secret), status and
 * duration. Bodies, parameters and keys are never logged.
 */
export const requestLog: RequestHandler = (req, res, next) => {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    logger.info(
      {
        req_id: (res.locals.api as ApiLocals | undefined)?.requestId ?? requestIdOf(res) ?? null,
        method: req.method,
        route: routeLabel(req),
        path: req.originalUrl.split('?')[0].slice(0, 200),
        status: res.statusCode,
        duration_ms: Math.round(durationMs * 10) / 10,
      },
      'api request',
    );
  });
  next();
};

const MISSING_KEY_MESSAGE =
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See the PaymentFlow API reference (docs/api.md#authentication) for details.";

/** The presented key and how it was presented, from Bearer, Basic (key as user name) or X-API-Key. */
function presentedKey(req: Request): { key: string | null; deprecatedHeader: boolean } {
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
async function authenticateRequest(deps: CoreDeps, limits: RateLimitConfig, clock: (() => Date) | undefined, req: Request, res: Response) {
  const { key, deprecatedHeader } = presentedKey(req);
  if (deprecatedHeader) {
    addHeader(res, 'Deprecation', 'true');
    addHeader(res, 'Link', '<docs/api.md#authentication>; rel="deprecation"');
    addHeader(res, 'Warning', '299 - "The X-API-Key header is deprecated; send Authorization: Bearer <key> instead"');
  }
  if (!key) throw new PaymentError('not_authenticated', MISSING_KEY_MESSAGE);
  if (key.length > 256) throw new PaymentError('api_key_invalid', 'Invalid API Key provided.');
  const authenticated = await authenticateApiRequest(deps.db, key, limits, rateLimitOrigin(req, clock));
  apiLocals(res).key = authenticated.key;
  const decision = authenticated.limit;
  addHeader(res, 'X-RateLimit-Limit', String(decision.limit));
  addHeader(res, 'X-RateLimit-Remaining', String(decision.remaining));
  addHeader(res, 'X-RateLimit-Reset', String(decision.reset));
  if (!decision.allowed) {
    addHeader(res, 'Retry-After', String(decision.retryAfter));
    throw new PaymentError('rate_limit', rateLimitMessage(authenticated.key.type, authenticated.bucket, decision));
  }
}

const rawBody = express.raw({ type: () => true, limit: MAX_BODY_BYTES });

function mediaType(req: Request): string {
  return (req.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
}

function charsetIsUtf8(req: Request): boolean {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(req.get('Content-Type') ?? '');
  return !match || /^(utf-?8|us-ascii)$/i.test(match[1]);
}

/** An error of the HTTP layer, shaped like body-parser's (status and type), which errors.ts words. */
function httpError(status: number, type: string, message: string) {
  return Object.assign(new Error(message), { status, statusCode: status, type, expose: true });
}

/**
 * The body's bytes, at most MAX_BODY_BYTES. A plain body is read here (body-parser's generic path was a
 * measurable share of a /v1 request); a compressed one (Content-Encoding) goes through express.raw, which
 * inflates gzip and deflate. Errors end the read like body-parser's: the rest of the body is drained first.
 */
function readBody(req: Request, res: Response): Promise<Buffer> {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return new Promise((resolve, reject) => {
      rawBody(req, res, (error?: unknown) => {
        if (error) reject(bodyReadError(error));
        else resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      });
    });
  }
  const declared = req.headers['content-length'];
  const length = declared === undefined ? null : Number(declared);
  if (req.headers['transfer-encoding'] === undefined && (length === null || Number.isNaN(length))) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    function onData(chunk: Buffer) {
      received += chunk.length;
      if (received > MAX_BODY_BYTES) return fail(httpError(413, 'entity.too.large', 'request entity too large'));
      chunks.push(chunk);
    }
    function onEnd() {
      req.off('aborted', onAborted);
      if (length !== null && received !== length) return reject(httpError(400, 'request.size.invalid', 'request size did not match content length'));
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    }
    function onAborted() {
      req.off('data', onData);
      req.off('end', onEnd);
      reject(httpError(400, 'request.aborted', 'request aborted'));
    }
    function fail(error: Error) {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      chunks.length = 0;
      // Answer once the client has sent its body: a response mid-upload is not read by most clients.
      if (req.complete || req.destroyed) return reject(error);
      req.once('end', () => reject(error));
      req.once('close', () => reject(error));
      req.resume();
    }
    if (length !== null && length > MAX_BODY_BYTES) return fail(httpError(413, 'entity.too.large', 'request entity too large'));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('aborted', onAborted);
  });
}

/** Reading the body only fails on what the client sent (a malformed Content-Type, a bad encoding, an aborted upload). */
function bodyReadError(error: unknown): unknown {
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) return error;
  return new PaymentError('invalid_request', `Invalid request: the body could not be read (${(error as Error).message?.slice(0, 100) ?? 'unknown reason'}).`);
}

/**
 * Reads the body once as bytes and parses it by content type: JSON, or form encoding (also when no
 * type is sent, like curl -d). The query string is parsed the same way, so `created[gte]=…` works in both.
 */
async function parseParameters(req: Request, res: Response) {
  const buffer = await readBody(req, res);
  const locals = apiLocals(res);
  const queryIndex = req.originalUrl.indexOf('?');
  const query = queryIndex === -1 ? {} : parseForm(req.originalUrl.slice(queryIndex + 1));
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
}

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
