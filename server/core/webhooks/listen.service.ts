import {
  listenResultParams,
  startListenSessionParams,
  type ListenDeliveryMessage,
  type ListenResultInput,
  type ListenSessionDto,
  type StartListenSessionInput,
} from '../../../shared/contracts/webhook-endpoints.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import type { Row } from '../../db/schema.js';
import { getEvent } from '../events/events.service.js';
import { decrypt, encrypt } from '../shared/crypto.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { parseParams } from '../shared/params.js';
import { toUnix } from '../shared/tx.js';
import * as endpointsRepo from '../webhook-endpoints/webhook-endpoints.repository.js';
import { newWebhookSecret } from '../webhook-endpoints/webhook-endpoints.service.js';
import { signatureHeaders } from './webhook-signing.js';
import { activeSecrets, deliveryHeaders, EXCERPT_CHARS } from './webhooks.service.js';
import * as repo from './webhooks.repository.js';

/**
 * Local forwarding (`npm run cli -- listen`, like `stripe listen`): a listen session is a webhook endpoint of
 * kind 'cli', one per device, so events reach it through the same outbox rows as any endpoint and a dashboard
 * Resend reaches it too. Its open stream renews `listen_until`; only then does the outbox write deliveries
 * for it. The stream leases pending deliveries, hands them to the CLI signed with the session's secret, and
 * the CLI reports what its local receiver answered. A CLI that dies before reporting lets the lease lapse,
 * and the next stream sends the delivery again (at least once).
 */

export interface ListenStreamOptions {
  /** How often the stream looks for new deliveries. */
  pollMs: number;
  /** How long one handed-over delivery waits for its report before another stream may send it again. */
  leaseMs: number;
  /** The session counts as listening this long after each renewal (the stream renews it at a third of it). */
  listenWindowMs: number;
}

const defaultListenStreamOptions: ListenStreamOptions = { pollMs: 200, leaseMs: 60_000, listenWindowMs: 30_000 };

const TEST_MODE_ONLY = 'Local forwarding works in test mode only: use a test-mode secret key (sk_test_…).';

/** Deliveries waiting longer than this when a stream opens are not forwarded any more (like `stripe listen`). */
const STALE_AFTER_MS = 10 * 60_000;

function toListenSessionDto(deps: CoreDeps, row: Row<'webhook_endpoints'>): ListenSessionDto {
  return {
    id: row.id,
    object: 'listen_session',
    device_name: row.device_name ?? '',
    enabled_events: row.enabled_events,
    livemode: false,
    secret: decrypt(deps.secret, row.secret_encrypted),
  };
}

/** Opens (or reopens, with the same secret) the listen session of a device, forwarding `events` (default all). */
export async function startListenSession(deps: CoreDeps, actor: Actor, input: StartListenSessionInput): Promise<ListenSessionDto> {
  if (actor.livemode) throw new PaymentError('invalid_request', TEST_MODE_ONLY, { status: 400 });
  const params = parseParams(startListenSessionParams, input);
  const enabledEvents = [...new Set(params.events ?? ['*'])];
  return deps.db.transaction().execute(async (tx) => {
    const listening = { enabled_events: enabledEvents, status: 'enabled' as const, listen_until: new Date(Date.now() + defaultListenStreamOptions.listenWindowMs) };
    const existing = await endpointsRepo.findListenSession(tx, actor, params.device_name);
    if (existing) {
      const row = await endpointsRepo.updateWebhookEndpoint(tx, actor, existing.id, listening);
      return toListenSessionDto(deps, row ?? existing);
    }
    const inserted = await endpointsRepo.insertListenSession(tx, {
      id: newId('webhookEndpoint'),
      merchant_id: actor.merchantId,
      livemode: false,
      url: `cli://${params.device_name}`,
      description: `Local listener (${params.device_name})`,
      device_name: params.device_name,
      metadata: '{}',
      secret_encrypted: encrypt(deps.secret, newWebhookSecret()),
      ...listening,
    });
    if (inserted) return toListenSessionDto(deps, inserted);
    // Another call made it between our read and insert: take theirs.
    const made = await endpointsRepo.findListenSession(tx, actor, params.device_name);
    if (!made) throw new Error('The listen session vanished while it was being started');
    return toListenSessionDto(deps, made);
  });
}

async function getListenSession(deps: CoreDeps, scope: Scope, id: string) {
  const row = scope.livemode ? undefined : await endpointsRepo.getWebhookEndpoint(deps.db, scope, id);
  if (!row || row.kind !== 'cli') throw notFound('listen_session', id);
  return row;
}

/**
 * Feeds one open stream until `signal` aborts (`ready` once the session is found): renews the session's listening window, leases its pending
 * deliveries (oldest first) and hands each to `send`, signed with the session's secret(s).
 */
export async function streamListenSession(
  deps: CoreDeps,
  scope: Scope,
  id: string,
  stream: { ready: () => void; send: (message: ListenDeliveryMessage) => void },
  signal: AbortSignal,
  options: ListenStreamOptions = defaultListenStreamOptions,
): Promise<void> {
  let session = await getListenSession(deps, scope, id);
  stream.ready();
  await repo.failStalePending(deps.db, scope, id, new Date(Date.now() - STALE_AFTER_MS));
  let renewedAt = 0;
  while (!signal.aborted) {
    if (Date.now() - renewedAt >= options.listenWindowMs / 3) {
      const renewed = await endpointsRepo.updateWebhookEndpoint(deps.db, scope, id, { listen_until: new Date(Date.now() + options.listenWindowMs) });
      if (!renewed) return;
      session = renewed;
      renewedAt = Date.now();
    }
    const batch = await repo.leaseDueOfEndpoint(deps.db, scope, id, 20, options.leaseMs);
    for (const delivery of batch) {
      if (signal.aborted) return;
      const event = await getEvent(deps, scope, delivery.event_id);
      const body = JSON.stringify(event);
      const now = new Date();
      const headers = { ...deliveryHeaders(), ...signatureHeaders(activeSecrets(deps, session, now), event.id, body, toUnix(now)) };
      stream.send({ delivery_id: delivery.id, event_id: event.id, event_type: event.type, headers, body });
    }
    if (batch.length < 20) await sleep(options.pollMs, signal);
  }
}

/** The CLI's report of one forwarded delivery: logged as its attempt; 2xx succeeded, anything else failed (no retries). */
export async function recordListenResult(deps: CoreDeps, scope: Scope, sessionId: string, deliveryId: string, input: ListenResultInput): Promise<{ status: 'succeeded' | 'failed' }> {
  const params = parseParams(listenResultParams, input);
  await getListenSession(deps, scope, sessionId);
  return deps.db.transaction().execute(async (tx) => {
    const delivery = await repo.getDelivery(tx, scope, deliveryId, { forUpdate: true });
    if (!delivery || delivery.endpoint_id !== sessionId) throw notFound('webhook_delivery', deliveryId);
    const statusCode = params.status_code ?? null;
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    await repo.insertAttempts(tx, [{
      merchant_id: scope.merchantId,
      livemode: scope.livemode,
      delivery_id: delivery.id,
      status_code: statusCode,
      error: params.error ?? null,
      latency_ms: params.latency_ms,
      response_excerpt: params.response_body?.slice(0, EXCERPT_CHARS) ?? null,
      request_headers: params.request_headers ? JSON.stringify(params.request_headers) : null,
      request_body: params.request_body ?? null,
      response_headers: params.response_headers ? JSON.stringify(params.response_headers) : null,
    }]);
    const status = ok ? 'succeeded' : 'failed';
    await repo.updateDelivery(tx, scope, delivery.id, { status, attempt_count: delivery.attempt_count + 1, last_status_code: statusCode, next_attempt_at: null });
    return { status };
  });
}

function sleep(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
