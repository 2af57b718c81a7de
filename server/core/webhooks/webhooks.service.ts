import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { EVENT_TYPES } from '../../../shared/contracts/events.js';
import type { DeliveryAttemptDto, DeliveryDto, DeliveryStatus } from '../../../shared/contracts/webhook-endpoints.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import { buildEventRow, getEvent } from '../events/events.service.js';
import { addJob } from '../jobs/jobs.repository.js';
import { decrypt } from '../shared/crypto.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { toUnix } from '../shared/tx.js';
import type { Executor } from '../../db/database.js';
import * as endpointsRepo from '../webhook-endpoints/webhook-endpoints.repository.js';
import { signatureHeaders } from './webhook-signing.js';
import { assertPublicLiteral, BlockedTargetError, publicOnlyLookup } from './webhook-target.js';
import * as repo from './webhooks.repository.js';

/** After the first attempt (immediately): about 3 days in all (DESIGN.md §6). */
export const RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, 86_400_000, 86_400_000];
const DAY = 86_400_000;

export interface DeliveryOptions {
  /** Delays before the 2nd, 3rd, … attempt; after the last one the delivery has failed. */
  retryScheduleMs: number[];
  /** ± this fraction of each delay, so retries of many deliveries spread out. */
  jitter: number;
  timeoutMs: number;
  /** An endpoint failing without a success for this long is disabled. */
  disableAfterMs: number;
  /** Operator log (endpoint disabled). */
  log: (line: string) => void;
}

export const defaultDeliveryOptions = (log: (line: string) => void = console.log): DeliveryOptions => ({
  retryScheduleMs: RETRY_SCHEDULE_MS,
  jitter: 0.1,
  timeoutMs: 15_000,
  disableAfterMs: 5 * DAY,
  log,
});

const EXCERPT_CHARS = 4096;
/** Statuses after which the receiver's Retry-After decides when to try again. */
const RETRY_AFTER_STATUSES = new Set([429, 502, 503, 504]);

/** The job queue of one endpoint: its deliveries run one at a time, in order, beside other endpoints'. */
export const endpointQueue = (endpointId: string) => `webhooks:${endpointId}`;

/** The secrets that sign now: the current one and, until its overlap ends, the one it replaced. */
export function activeSecrets(deps: CoreDeps, endpoint: { secret_encrypted: string; previous_secret_encrypted: string | null; previous_secret_expires_at: Date | null }, now = new Date()): string[] {
  const secrets = [decrypt(deps.secret, endpoint.secret_encrypted)];
  if (endpoint.previous_secret_encrypted && endpoint.previous_secret_expires_at && endpoint.previous_secret_expires_at > now) {
    secrets.push(decrypt(deps.secret, endpoint.previous_secret_encrypted));
  }
  return secrets;
}

export type DeliveryOutcome = 'succeeded' | 'retrying' | 'failed' | 'skipped';

interface CallResult {
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
  responseHeaders: Record<string, string> | null;
  excerpt: string | null;
  retryAfterMs: number | null;
}

/**
 * One attempt of one delivery (the deliver-webhook job): lease the row and commit, call the endpoint
 * outside any transaction, then record the attempt and what comes next in one transaction. A worker dying
 * mid-call leaves the job to be run again (at least once). Throws when another worker holds the lease, so
 * the job runtime retries it after that.
 */
export async function deliverWebhook(deps: CoreDeps, scope: Scope, deliveryId: string, options: DeliveryOptions): Promise<DeliveryOutcome> {
  const delivery = await repo.leaseDelivery(deps.db, scope, deliveryId, options.timeoutMs + 30_000);
  if (!delivery) {
    const row = await repo.getDelivery(deps.db, scope, deliveryId);
    if (!row || row.status !== 'pending') return 'skipped';
    throw new Error(`Delivery ${deliveryId} is being attempted by another worker`);
  }
  const endpoint = await endpointsRepo.getWebhookEndpoint(deps.db, scope, delivery.endpoint_id);
  if (!endpoint || endpoint.status !== 'enabled') {
    await repo.updateDelivery(deps.db, scope, delivery.id, { status: 'failed', next_attempt_at: null });
    return 'skipped';
  }
  const event = await getEvent(deps, scope, delivery.event_id);
  const body = JSON.stringify(event);
  const now = new Date();
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    'User-Agent': 'PaymentFlow/1.0 (+webhooks)',
    ...signatureHeaders(activeSecrets(deps, endpoint, now), event.id, body, toUnix(now)),
  };
  const result = await callEndpoint(endpoint.url, headers, body, options.timeoutMs, scope.livemode);

  return deps.db.transaction().execute(async (tx) => {
    await repo.insertAttempt(tx, {
      delivery_id: delivery.id,
      status_code: result.statusCode,
      error: result.error,
      latency_ms: result.latencyMs,
      response_excerpt: result.excerpt,
      request_headers: JSON.stringify(headers),
      request_body: body,
      response_headers: result.responseHeaders ? JSON.stringify(result.responseHeaders) : null,
    });
    const attemptCount = delivery.attempt_count + 1;
    const common = { attempt_count: attemptCount, last_status_code: result.statusCode };
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    if (ok) {
      await repo.updateDelivery(tx, scope, delivery.id, { ...common, status: 'succeeded', next_attempt_at: null });
      if (endpoint.failing_since) await endpointsRepo.updateWebhookEndpoint(tx, scope, endpoint.id, { failing_since: null });
      return 'succeeded';
    }
    const failingSince = endpoint.failing_since ?? now;
    const disable = result.statusCode === 410 ? 'it answered 410 Gone' : now.getTime() - failingSince.getTime() >= options.disableAfterMs ? `it has failed continuously since ${failingSince.toISOString()}` : null;
    if (disable) {
      await endpointsRepo.updateWebhookEndpoint(tx, scope, endpoint.id, { status: 'disabled', failing_since: failingSince });
      await repo.updateDelivery(tx, scope, delivery.id, { ...common, status: 'failed', next_attempt_at: null });
      options.log(`Webhook endpoint ${endpoint.id} (merchant ${scope.merchantId}, ${endpoint.url}) disabled: ${disable}`);
      return 'failed';
    }
    if (!endpoint.failing_since) await endpointsRepo.updateWebhookEndpoint(tx, scope, endpoint.id, { failing_since: failingSince });
    const delay = nextDelay(attemptCount, result.retryAfterMs, options);
    if (delay === null) {
      await repo.updateDelivery(tx, scope, delivery.id, { ...common, status: 'failed', next_attempt_at: null });
      return 'failed';
    }
    const runAt = new Date(now.getTime() + delay);
    await repo.updateDelivery(tx, scope, delivery.id, { ...common, next_attempt_at: runAt });
    await addJob(tx, 'deliver-webhook', { merchantId: scope.merchantId, livemode: scope.livemode, deliveryId: delivery.id }, { runAt, queueName: endpointQueue(endpoint.id) });
    return 'retrying';
  });
}

/** Milliseconds until the next attempt after `attemptCount` failed ones, or null when none is left. */
export function nextDelay(attemptCount: number, retryAfterMs: number | null, options: Pick<DeliveryOptions, 'retryScheduleMs' | 'jitter'>, random = Math.random): number | null {
  const base = options.retryScheduleMs[attemptCount - 1];
  if (base === undefined) return null;
  if (retryAfterMs !== null) return Math.min(retryAfterMs, DAY);
  return Math.round(base * (1 + options.jitter * (2 * random() - 1)));
}

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * POSTs one delivery. Redirects are not followed (a 3xx is a failure, as with Stripe). In live mode the
 * socket only connects to public addresses, checked after DNS resolution at connect time.
 */
function callEndpoint(rawUrl: string, headers: Record<string, string>, body: string, timeoutMs: number, livemode: boolean): Promise<CallResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  const failed = (error: string): CallResult => ({ statusCode: null, error, latencyMs: latency(), responseHeaders: null, excerpt: null, retryAfterMs: null });
  let url: URL;
  try {
    url = new URL(rawUrl);
    if (livemode) assertPublicLiteral(url);
  } catch (e) {
    return Promise.resolve(failed((e as Error).message));
  }
  return new Promise<CallResult>((resolve) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method: 'POST',
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      ...(livemode ? { lookup: publicOnlyLookup } : {}),
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`Timed out after ${timeoutMs / 1000} s`), { code: 'TIMEOUT' })), timeoutMs);
    req.on('error', (e: Error & { code?: string }) => {
      clearTimeout(timer);
      resolve(failed(e.code === 'TIMEOUT' || e instanceof BlockedTargetError ? e.message : e.code ? `${e.code}: ${e.message}` : e.message));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        // Only the excerpt is kept; the rest is read and dropped.
        if (size < EXCERPT_CHARS) chunks.push(c);
        size += c.length;
      });
      res.on('error', () => {});
      res.on('close', () => {
        clearTimeout(timer);
        const responseHeaders: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
        const status = res.statusCode ?? 0;
        const retryAfter = res.headers['retry-after'];
        resolve({
          statusCode: status,
          error: res.complete ? null : 'The response was cut off',
          latencyMs: latency(),
          responseHeaders,
          excerpt: Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_CHARS),
          retryAfterMs: RETRY_AFTER_STATUSES.has(status) ? parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : null) : null,
        });
      });
    });
    req.end(body);
  });
}

async function queueAgain(tx: Executor, scope: Scope, delivery: { id: string; endpoint_id: string }) {
  await repo.updateDelivery(tx, scope, delivery.id, { status: 'pending', next_attempt_at: new Date() });
  await addJob(tx, 'deliver-webhook', { merchantId: scope.merchantId, livemode: scope.livemode, deliveryId: delivery.id }, { queueName: endpointQueue(delivery.endpoint_id) });
}

/** Sends a delivery again (dashboard "Resend"): pending once more, with a job in its endpoint's queue. */
export async function resendDelivery(deps: CoreDeps, scope: Scope, deliveryId: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const row = await repo.getDelivery(tx, scope, deliveryId);
    if (!row) throw notFound('webhook_delivery', deliveryId);
    await queueAgain(tx, scope, row);
  });
}

/**
 * "Recover failed since": every failed delivery of the endpoint created since `since` is sent again,
 * oldest first (their jobs join the endpoint's queue in that order). Returns how many.
 */
export async function recoverFailedSince(deps: CoreDeps, scope: Scope, endpointId: string, since: Date): Promise<number> {
  return deps.db.transaction().execute(async (tx) => {
    const endpoint = await endpointsRepo.getWebhookEndpoint(tx, scope, endpointId);
    if (!endpoint) throw notFound('webhook_endpoint', endpointId);
    const rows = await repo.findFailedSince(tx, scope, endpointId, since);
    for (const row of rows) await queueAgain(tx, scope, row);
    return rows.length;
  });
}

/** "Send test event": a sample event of `type`, delivered to this endpoint only (signed like any other). */
export async function sendTestEvent(deps: CoreDeps, actor: Actor, endpointId: string, type: string): Promise<{ deliveryId: string; eventId: string }> {
  if (!(EVENT_TYPES as readonly string[]).includes(type)) {
    throw new PaymentError('invalid_request', `Unknown event type: ${type}. Must be one of: ${EVENT_TYPES.join(', ')}`, { param: 'type' });
  }
  return deps.db.transaction().execute(async (tx) => {
    const endpoint = await endpointsRepo.getWebhookEndpoint(tx, actor, endpointId);
    if (!endpoint) throw notFound('webhook_endpoint', endpointId);
    const objectType = type.slice(0, type.indexOf('.'));
    const event = await repo.insertTestEvent(tx, buildEventRow(actor, type, { id: `${objectType}_test`, object: objectType, test: true } as { id: string }));
    const delivery = await repo.insertDelivery(tx, {
      id: newId('webhookDelivery'), merchant_id: actor.merchantId, livemode: actor.livemode, endpoint_id: endpoint.id, event_id: event.id, next_attempt_at: new Date(),
    });
    await addJob(tx, 'deliver-webhook', { merchantId: actor.merchantId, livemode: actor.livemode, deliveryId: delivery.id }, { queueName: endpointQueue(endpoint.id) });
    return { deliveryId: delivery.id, eventId: event.id };
  });
}

export async function listDeliveries(deps: CoreDeps, scope: Scope, endpointId: string, filter: { status?: DeliveryStatus; limit: number }): Promise<DeliveryDto[]> {
  const rows = await repo.findDeliveries(deps.db, scope, endpointId, filter);
  // No deliveries: say so only for an endpoint of this merchant and mode; another one's id is not found.
  if (!rows.length && !(await endpointsRepo.getWebhookEndpoint(deps.db, scope, endpointId))) throw notFound('webhook_endpoint', endpointId);
  return rows.map((r) => ({
    id: r.id, eventId: r.event_id, eventType: r.event_type, status: r.status, attemptCount: r.attempt_count, lastStatusCode: r.last_status_code,
    nextAttempt: r.status === 'pending' && r.next_attempt_at ? toUnix(r.next_attempt_at) : null, created: toUnix(r.created_at),
  }));
}

export async function listAttempts(deps: CoreDeps, scope: Scope, deliveryId: string): Promise<DeliveryAttemptDto[]> {
  const rows = await repo.findAttempts(deps.db, scope, deliveryId);
  return rows.map((a) => ({
    id: String(a.id), created: toUnix(a.created_at), statusCode: a.status_code, error: a.error, latencyMs: a.latency_ms,
    requestHeaders: a.request_headers, requestBody: a.request_body, responseHeaders: a.response_headers, responseExcerpt: a.response_excerpt,
  }));
}
