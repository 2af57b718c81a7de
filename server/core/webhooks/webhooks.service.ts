import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { EVENT_TYPES } from '../../../shared/contracts/events.js';
import type { EventDto } from '../../../shared/contracts/events.js';
import type { TimelineWebhookView } from '../../../shared/contracts/dashboard.js';
import type { DeliveryAttemptDto, DeliveryDto, RecoveryDto } from '../../../shared/contracts/webhook-endpoints.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import { buildEventRow, getEvent, getEventsById } from '../events/events.service.js';
import { addJob, removeJobs } from '../jobs/jobs.repository.js';
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
  /** A delivery's lease is the timeout plus this (default 30 s, at least the timeout): time to record the outcome before another worker may retry. */
  leaseSlackMs?: number;
  /** An endpoint failing without a success for this long is disabled. */
  disableAfterMs: number;
  /** Calls in flight at once to one endpoint, started in creation order (DEFAULT_IN_FLIGHT; 1 is strictly serial). */
  inFlight?: number;
  /** A drain leases no more deliveries after this long (default 5 s), so busy endpoints take turns at the workers. */
  drainBudgetMs?: number;
  /** Operator log (endpoint disabled). */
  log: (line: string) => void;
}

/** Calls in flight per endpoint: enough to keep up with 100 events/s over a slow link, few enough to keep the order. */
export const DEFAULT_IN_FLIGHT = 4;

export const defaultDeliveryOptions = (log: (line: string) => void = console.log): DeliveryOptions => ({
  retryScheduleMs: RETRY_SCHEDULE_MS,
  jitter: 0.1,
  timeoutMs: 15_000,
  disableAfterMs: 5 * DAY,
  inFlight: DEFAULT_IN_FLIGHT,
  log,
});

export const EXCERPT_CHARS = 4096;
/** Statuses after which the receiver's Retry-After decides when to try again. */
const RETRY_AFTER_STATUSES = new Set([429, 502, 503, 504]);

/** The job queue of one endpoint: one drain of it at a time, in order, beside other endpoints'. */
const endpointQueue = (endpointId: string) => `webhooks:${endpointId}`;
/**
 * The key of a delivery's first job (the outbox's, a resend's): a drain that sends the delivery with
 * others removes it in the transaction that records the attempt, so one busy endpoint's queue is not left
 * with a job per delivery to run through. Retries and deferrals are unkeyed: they keep their own run_at.
 */
const webhookJobKey = (deliveryId: string) => `webhook:${deliveryId}`;

/** The secrets that sign now: the current one and, until its overlap ends, the one it replaced. */
export function activeSecrets(deps: CoreDeps, endpoint: { secret_encrypted: string; previous_secret_encrypted: string | null; previous_secret_expires_at: Date | null }, now = new Date()): string[] {
  const secrets = [decrypt(deps.secret, endpoint.secret_encrypted)];
  if (endpoint.previous_secret_encrypted && endpoint.previous_secret_expires_at && endpoint.previous_secret_expires_at > now) {
    secrets.push(decrypt(deps.secret, endpoint.previous_secret_encrypted));
  }
  return secrets;
}

/** The headers of every delivery besides its signatures. */
export const deliveryHeaders = (): Record<string, string> => ({
  'Content-Type': 'application/json; charset=utf-8',
  'User-Agent': 'PaymentFlow/1.0 (+webhooks)',
});

export type DeliveryOutcome = 'succeeded' | 'retrying' | 'failed' | 'skipped' | 'deferred';

interface CallResult {
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
  responseHeaders: Record<string, string> | null;
  excerpt: string | null;
  retryAfterMs: number | null;
}

/**
 * One attempt of one delivery: lease the row and commit, call the endpoint outside any transaction, then
 * record the attempt and what comes next in one transaction. A worker dying mid-call leaves the job to be
 * run again (at least once). When another worker holds the lease, the job is deferred to the moment the
 * lease lapses. `deferred` (a job that may run after the delivery's attempt was already made and a retry
 * scheduled): only a delivery that is due is attempted.
 */
export async function deliverWebhook(deps: CoreDeps, scope: Scope, deliveryId: string, options: DeliveryOptions, job: { deferred?: boolean } = {}): Promise<DeliveryOutcome> {
  const delivery = await repo.leaseDelivery(deps.db, scope, deliveryId, leaseMs(options), { dueOnly: job.deferred });
  if (!delivery) {
    const row = await repo.getDelivery(deps.db, scope, deliveryId);
    if (!row || row.status !== 'pending' || !row.lease_until || row.lease_until.getTime() <= Date.now()) return 'skipped';
    // Another worker holds it (a resend during an attempt, or a worker killed mid-call): try again when its
    // lease lapses rather than on the job runtime's backoff, which could leave it stranded for minutes.
    // Ahead of the endpoint's later deliveries once due, so it keeps (nearly) its place in the order.
    await addJob(deps.db, 'deliver-webhook', { merchantId: scope.merchantId, livemode: scope.livemode, deliveryId, deferred: true }, {
      runAt: new Date(row.lease_until.getTime() + 500), queueName: endpointQueue(row.endpoint_id), priority: -1,
    });
    return 'deferred';
  }
  // Never a listen session's (leaseDelivery leaves those to the session's stream, listen.service.ts).
  const endpoint = await endpointsRepo.getWebhookEndpoint(deps.db, scope, delivery.endpoint_id);
  if (!endpoint || endpoint.status !== 'enabled') {
    await repo.updateDelivery(deps.db, scope, delivery.id, { status: 'failed', next_attempt_at: null });
    return 'skipped';
  }
  const sent = await sendLeased(deps, scope, endpoint, delivery, await getEvent(deps, scope, delivery.event_id), options);
  const [outcome] = await recordSent(deps, scope, { ...endpoint }, [sent], options);
  return outcome;
}

/** A lease outlasts a call and one more before it (a drain's waiting deliveries): the slack is at least the timeout. */
const leaseMs = (options: DeliveryOptions) => options.timeoutMs + Math.max(options.leaseSlackMs ?? 30_000, options.timeoutMs);

type EndpointRow = NonNullable<Awaited<ReturnType<typeof endpointsRepo.getWebhookEndpoint>>>;

/**
 * The deliver-webhook job: drains the due deliveries of its delivery's endpoint with up to `inFlight`
 * calls at once, leased and started oldest first, so a healthy endpoint gets its events in the order they
 * happened and one busy endpoint is not limited to one round trip at a time (ADR 021). A call's slot frees
 * when its answer arrives; the answers are recorded in the background, those that arrive together in one
 * transaction (each delivery stays leased until its attempt is recorded). Its own delivery is the job's
 * promise (at least once): the others it sends are a head start, and their keyed jobs are removed with
 * their attempts. A drain stops leasing after `drainBudgetMs`, so busy endpoints take turns at the workers.
 */
export async function drainEndpoint(deps: CoreDeps, scope: Scope, deliveryId: string, options: DeliveryOptions, job: { deferred?: boolean } = {}): Promise<DeliveryOutcome> {
  const own = await repo.getDelivery(deps.db, scope, deliveryId);
  if (!own || own.status !== 'pending') return 'skipped';
  const endpoint = await endpointsRepo.getWebhookEndpoint(deps.db, scope, own.endpoint_id);
  if (!endpoint || endpoint.kind !== 'url' || endpoint.status !== 'enabled') return deliverWebhook(deps, scope, deliveryId, options, job);
  // One view of the endpoint's failing streak and status for the whole drain, kept current as attempts are recorded.
  const state: EndpointRow = { ...endpoint };
  const limit = Math.max(1, options.inFlight ?? DEFAULT_IN_FLIGHT);
  const stopLeasingAt = Date.now() + (options.drainBudgetMs ?? 5_000);
  const inFlight = new Set<Promise<unknown>>();
  const answered: Sent[] = [];
  let recording: Promise<void> | undefined;
  let ownOutcome: DeliveryOutcome | undefined;
  let failure: unknown;
  const record = () => {
    recording ??= (async () => {
      while (answered.length && failure === undefined) {
        const batch = answered.splice(0);
        const outcomes = await recordSent(deps, scope, state, batch, options).catch((e) => ((failure ??= e), []));
        outcomes.forEach((outcome, i) => { if (batch[i].delivery.id === deliveryId) ownOutcome = outcome; });
      }
    })().finally(() => {
      recording = undefined;
      if (answered.length && failure === undefined) record();
    });
  };
  // Leased a slot-full at a time (one lease and one event read per `limit` deliveries); those that wait for a
  // slot are started oldest first as calls end. A lease outlasts one round of calls timing out (leaseMs),
  // so a waiting one is never sent after its lease could have lapsed.
  const waiting: Array<{ row: repo.DeliveryRow; event: EventDto }> = [];
  let more = true;
  while (failure === undefined && (more || inFlight.size || waiting.length)) {
    if (more && !waiting.length && inFlight.size < limit) {
      const rows = state.status === 'enabled' && Date.now() < stopLeasingAt ? await repo.leaseDueOfEndpoint(deps.db, scope, endpoint.id, limit, leaseMs(options)).catch((e) => ((failure ??= e), [])) : [];
      // Fewer than asked: nothing else is due now.
      more = rows.length === limit;
      const events = rows.length ? await getEventsById(deps, scope, rows.map((r) => r.event_id)).catch((e) => ((failure ??= e), new Map<string, EventDto>())) : new Map<string, EventDto>();
      for (const row of rows) {
        const event = events.get(row.event_id);
        if (!event) failure ??= notFound('event', row.event_id);
        else waiting.push({ row, event });
      }
    }
    if (state.status !== 'enabled' || failure !== undefined) {
      // Disabled meanwhile (410), or trouble: the waiting ones are not sent; their own jobs decide.
      await repo.releaseLeases(deps.db, scope, waiting.splice(0).map((w) => w.row.id)).catch((e) => (failure ??= e));
    }
    while (inFlight.size < limit && waiting.length) {
      const { row, event } = waiting.shift()!;
      const call: Promise<unknown> = sendLeased(deps, scope, state, row, event, options, { removeJob: row.id !== deliveryId })
        .then((sent) => (answered.push(sent), record()))
        .finally(() => inFlight.delete(call));
      inFlight.add(call);
    }
    if (inFlight.size) {
      await Promise.race(inFlight);
      // A slot is free: deliveries that came due meanwhile go next.
      more = true;
    }
  }
  await Promise.all(inFlight);
  while (recording) await recording;
  if (failure !== undefined) throw failure;
  // Not among those it sent (leased elsewhere, not due, or the budget ran out first): the single path decides.
  return ownOutcome ?? deliverWebhook(deps, scope, deliveryId, options, { deferred: true });
}

/** A leased delivery's call and its answer, to be recorded. */
interface Sent {
  delivery: repo.DeliveryRow;
  headers: Record<string, string>;
  body: string;
  result: CallResult;
  at: Date;
  /** Sent by another delivery's drain: its own (keyed) job has nothing left to do. */
  removeJob: boolean;
}

/** Signs and POSTs a delivery this worker leased (no transaction open). */
async function sendLeased(deps: CoreDeps, scope: Scope, endpoint: EndpointRow, delivery: repo.DeliveryRow, event: EventDto, options: DeliveryOptions, { removeJob = false } = {}): Promise<Sent> {
  const body = JSON.stringify(event);
  const at = new Date();
  const headers: Record<string, string> = { ...deliveryHeaders(), ...signatureHeaders(activeSecrets(deps, endpoint, at), event.id, body, toUnix(at)) };
  const result = await callEndpoint(endpoint.url, headers, body, options.timeoutMs, scope.livemode);
  return { delivery, headers, body, result, at, removeJob };
}

/**
 * Records answered calls of one endpoint, oldest first, in one transaction: each attempt, then per delivery
 * success, a retry on the schedule (or Retry-After) with its job, or failure; the endpoint's failing streak
 * ends with a success, and 410 Gone or 5 days of failing disables it (with an operator log line).
 * `endpoint` is updated to what was committed.
 */
async function recordSent(deps: CoreDeps, scope: Scope, endpoint: EndpointRow, items: Sent[], options: DeliveryOptions): Promise<Array<'succeeded' | 'retrying' | 'failed'>> {
  const committed = await deps.db.transaction().execute(async (tx) => {
    await repo.insertAttempts(tx, items.map(({ delivery, headers, body, result }) => ({
      merchant_id: scope.merchantId,
      livemode: scope.livemode,
      delivery_id: delivery.id,
      status_code: result.statusCode,
      error: result.error,
      latency_ms: result.latencyMs,
      response_excerpt: result.excerpt,
      request_headers: JSON.stringify(headers),
      request_body: body,
      response_headers: result.responseHeaders ? JSON.stringify(result.responseHeaders) : null,
    })));
    // A retry gets a job of its own below.
    await removeJobs(tx, items.filter((i) => i.removeJob).map((i) => webhookJobKey(i.delivery.id)));
    let failingSince = endpoint.failing_since;
    let status = endpoint.status;
    const succeeded: repo.SucceededDelivery[] = [];
    const outcomes: Array<'succeeded' | 'retrying' | 'failed'> = [];
    for (const { delivery, result, at: now } of items) {
      const attemptCount = delivery.attempt_count + 1;
      const common = { attempt_count: attemptCount, last_status_code: result.statusCode };
      if (result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300) {
        succeeded.push({ id: delivery.id, attemptCount, statusCode: result.statusCode });
        failingSince = null;
        outcomes.push('succeeded');
        continue;
      }
      failingSince ??= now;
      const disable = result.statusCode === 410 ? 'it answered 410 Gone' : now.getTime() - failingSince.getTime() >= options.disableAfterMs ? `it has failed continuously since ${failingSince.toISOString()}` : null;
      const delay = disable ? null : nextDelay(attemptCount, result.retryAfterMs, options);
      if (disable && status !== 'disabled') {
        status = 'disabled';
        options.log(`Webhook endpoint ${endpoint.id} (merchant ${scope.merchantId}, ${endpoint.url}) disabled: ${disable}`);
      }
      if (delay === null) {
        await repo.updateDelivery(tx, scope, delivery.id, { ...common, status: 'failed', next_attempt_at: null });
        outcomes.push('failed');
        continue;
      }
      const runAt = new Date(now.getTime() + delay);
      await repo.updateDelivery(tx, scope, delivery.id, { ...common, next_attempt_at: runAt });
      await addJob(tx, 'deliver-webhook', { merchantId: scope.merchantId, livemode: scope.livemode, deliveryId: delivery.id }, { runAt, queueName: endpointQueue(endpoint.id) });
      outcomes.push('retrying');
    }
    await repo.markSucceeded(tx, scope, succeeded);
    if (status !== endpoint.status || failingSince?.getTime() !== endpoint.failing_since?.getTime()) {
      await endpointsRepo.updateWebhookEndpoint(tx, scope, endpoint.id, { failing_since: failingSince, ...(status !== endpoint.status ? { status } : {}) });
    }
    return { outcomes, failingSince, status };
  });
  endpoint.failing_since = committed.failingSince;
  endpoint.status = committed.status;
  return committed.outcomes;
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
  await repo.requeueDelivery(tx, scope, delivery.id);
  await addJob(tx, 'deliver-webhook', { merchantId: scope.merchantId, livemode: scope.livemode, deliveryId: delivery.id }, { queueName: endpointQueue(delivery.endpoint_id), jobKey: webhookJobKey(delivery.id) });
}

/** Sends a delivery again (dashboard "Resend"): pending once more, with a job in its endpoint's queue. */
export async function resendDelivery(deps: CoreDeps, scope: Scope, deliveryId: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const row = await repo.getDelivery(tx, scope, deliveryId);
    if (!row) throw notFound('webhook_delivery', deliveryId);
    await queueAgain(tx, scope, row);
  });
}

async function toRecoveryDto(db: Executor, scope: Scope, row: repo.RecoveryRow): Promise<RecoveryDto> {
  return {
    id: row.id, endpointId: row.endpoint_id, since: toUnix(row.since), eventType: row.event_type, status: row.status, total: row.total, queued: row.queued,
    delivered: row.queued ? await repo.countRecoveredDelivered(db, scope, row) : 0, error: row.error, created: toUnix(row.created_at), finished: row.finished_at ? toUnix(row.finished_at) : null,
  };
}

/**
 * "Recover failed since": a recover-webhooks job, added with its progress row, sends every failed delivery
 * of the endpoint created since `since` (and matching the delivery log's filter when given: event type, one
 * event, created before `until`) again, oldest first: those given up on and those still waiting for a retry.
 */
export async function startRecovery(deps: CoreDeps, actor: Actor, endpointId: string, since: Date, options: repo.RecoveryFilter = {}): Promise<RecoveryDto> {
  if (options.until && options.until.getTime() <= since.getTime()) {
    throw new PaymentError('invalid_request', 'The end of the range must be after its start.', { param: 'until' });
  }
  return deps.db.transaction().execute(async (tx) => {
    const endpoint = await endpointsRepo.getWebhookEndpoint(tx, actor, endpointId);
    if (!endpoint) throw notFound('webhook_endpoint', endpointId);
    const row = await repo.insertRecovery(tx, {
      id: newId('webhookRecovery'), merchant_id: actor.merchantId, livemode: actor.livemode, endpoint_id: endpointId, since, event_type: options.eventType ?? null,
      event_id: options.eventId ?? null, until: options.until ?? null, created_by: actor.userId ?? null,
    });
    await addJob(tx, 'recover-webhooks', { merchantId: actor.merchantId, livemode: actor.livemode, recoveryId: row.id });
    return toRecoveryDto(tx, actor, row);
  });
}

export async function getRecovery(deps: CoreDeps, scope: Scope, id: string): Promise<RecoveryDto> {
  const row = await repo.getRecovery(deps.db, scope, id);
  if (!row) throw notFound('webhook_recovery', id);
  return toRecoveryDto(deps.db, scope, row);
}

export async function getLatestRecovery(deps: CoreDeps, scope: Scope, endpointId: string): Promise<RecoveryDto | null> {
  const row = await repo.findLatestRecovery(deps.db, scope, endpointId);
  return row ? toRecoveryDto(deps.db, scope, row) : null;
}

const recoveryFilter = (row: repo.RecoveryRow): repo.RecoveryFilter => ({ eventType: row.event_type, eventId: row.event_id, until: row.until });

/**
 * The recover-webhooks job: counts what it will resend, then queues it again in batches, oldest first, each
 * batch in one transaction with the progress and a keyset cursor, so a rerun after a crash goes on where
 * the last commit left off and never sends a delivery twice for one recovery.
 */
export async function runRecovery(deps: CoreDeps, scope: Scope, recoveryId: string, batchSize = 200): Promise<void> {
  const first = await repo.getRecovery(deps.db, scope, recoveryId);
  if (!first || first.status === 'succeeded' || first.status === 'failed') return;
  if (first.total === null) {
    const total = await repo.countFailedSince(deps.db, scope, first.endpoint_id, first.since, recoveryFilter(first));
    await repo.updateRecovery(deps.db, scope, recoveryId, { status: 'running', total });
  }
  for (;;) {
    const done = await deps.db.transaction().execute(async (tx) => {
      const recovery = await repo.getRecovery(tx, scope, recoveryId, { forUpdate: true });
      if (!recovery || recovery.status !== 'running') return true;
      const rows = await repo.findFailedSince(tx, scope, recovery.endpoint_id, recovery.since, { ...recoveryFilter(recovery), afterId: recovery.cursor_id, limit: batchSize });
      for (const row of rows) await queueAgain(tx, scope, row);
      const last = rows.at(-1);
      const finished = rows.length < batchSize;
      await repo.updateRecovery(tx, scope, recoveryId, {
        queued: recovery.queued + rows.length,
        ...(last ? { cursor_created_at: last.created_at, cursor_id: last.id } : {}),
        ...(finished ? { status: 'succeeded', finished_at: new Date() } : {}),
      });
      return finished;
    });
    if (done) return;
  }
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
    await addJob(tx, 'deliver-webhook', { merchantId: actor.merchantId, livemode: actor.livemode, deliveryId: delivery.id }, { queueName: endpointQueue(endpoint.id), jobKey: webhookJobKey(delivery.id) });
    return { deliveryId: delivery.id, eventId: event.id };
  });
}

type DeliveryQuery = Omit<repo.DeliveryFilter, 'createdGte' | 'createdLt'> & { createdGte?: number; createdLt?: number };

/** The delivery log: of one endpoint, one event or one object's events, filtered by status, type, event and date. */
export async function listDeliveries(deps: CoreDeps, scope: Scope, filter: DeliveryQuery): Promise<DeliveryDto[]> {
  const rows = await repo.findDeliveries(deps.db, scope, {
    ...filter,
    createdGte: filter.createdGte === undefined ? undefined : new Date(filter.createdGte * 1000),
    createdLt: filter.createdLt === undefined ? undefined : new Date(filter.createdLt * 1000),
  });
  // No deliveries: say so only for an endpoint of this merchant and mode; another one's id is not found.
  if (!rows.length && filter.endpointId && !(await endpointsRepo.getWebhookEndpoint(deps.db, scope, filter.endpointId))) throw notFound('webhook_endpoint', filter.endpointId);
  return rows.map((r) => ({
    id: r.id, endpointId: r.endpoint_id, endpointUrl: r.endpoint_url, eventId: r.event_id, eventType: r.event_type, status: r.status, attemptCount: r.attempt_count,
    lastStatusCode: r.last_status_code, nextAttempt: r.status === 'pending' && r.next_attempt_at ? toUnix(r.next_attempt_at) : null, created: toUnix(r.created_at),
  }));
}

export async function listAttempts(deps: CoreDeps, scope: Scope, deliveryId: string): Promise<DeliveryAttemptDto[]> {
  const rows = await repo.findAttempts(deps.db, scope, deliveryId);
  return rows.map((a) => ({
    id: String(a.id), created: toUnix(a.created_at), statusCode: a.status_code, error: a.error, latencyMs: a.latency_ms,
    requestHeaders: a.request_headers, requestBody: a.request_body, responseHeaders: a.response_headers, responseExcerpt: a.response_excerpt,
  }));
}

/** What became of each event's webhooks, by event id (a payment's timeline shows them). */
export async function findWebhookOutcomes(deps: CoreDeps, scope: Scope, eventIds: string[]): Promise<Map<string, TimelineWebhookView[]>> {
  const byEvent = new Map<string, TimelineWebhookView[]>();
  for (const r of await repo.findDeliveryOutcomes(deps.db, scope, eventIds)) {
    const list = byEvent.get(r.event_id) ?? [];
    list.push({ id: r.id, endpoint: r.endpoint_url, status: r.status, attemptCount: r.attempt_count, lastStatusCode: r.last_status_code, updated: toUnix(r.updated_at) });
    byEvent.set(r.event_id, list);
  }
  return byEvent;
}
