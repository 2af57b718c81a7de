import { randomBytes } from 'node:crypto';
import { mergeMetadata, type DeletedObject, type ListResult } from '../../../shared/contracts/common.js';
import {
  createWebhookEndpointParams,
  listWebhookEndpointsParams,
  updateWebhookEndpointParams,
  type CreateWebhookEndpointInput,
  type ListWebhookEndpointsInput,
  type UpdateWebhookEndpointInput,
  type WebhookEndpointDto,
} from '../../../shared/contracts/webhook-endpoints.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import type { Executor } from '../../db/database.js';
import type { Row, RowUpdate } from '../../db/schema.js';
import { checkMetadataSize } from '../customers/customers.service.js';
import { API_VERSION } from '../events/events.service.js';
import { decrypt, encrypt } from '../shared/crypto.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { findPage } from '../shared/keyset.repository.js';
import { parseParams } from '../shared/params.js';
import { inTransaction, toUnix } from '../shared/tx.js';
import { checkWebhookTarget } from '../webhooks/webhook-target.js';
import * as repo from './webhook-endpoints.repository.js';

function toWebhookEndpointDto(row: Row<'webhook_endpoints'>): WebhookEndpointDto {
  return {
    id: row.id,
    object: 'webhook_endpoint',
    api_version: row.api_version,
    application: null,
    created: toUnix(row.created_at),
    description: row.description,
    enabled_events: row.enabled_events,
    livemode: row.livemode,
    metadata: (row.metadata ?? {}) as Record<string, string>,
    status: row.status,
    url: row.url,
  };
}

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Inputs whose URL passed checkEndpointUrl (by identity: the check is not repeated for them). */
const checkedInputs = new WeakSet<object>();

/**
 * The network half of creating or updating an endpoint: a live-mode URL must resolve to public addresses only
 * (checkWebhookTarget, a DNS lookup). Callers that open a transaction (to audit the change with it, or an
 * Idempotency-Key's) call this first, since no network call may happen while a transaction is open; create and
 * update given a transaction refuse input that did not pass here. Returns the input, marked as checked.
 */
export async function checkEndpointUrl<T extends { url?: string }>(scope: Scope, input: T): Promise<T> {
  // As the contract reads it (trimmed); a URL that does not parse is left for the contract to refuse by name.
  const url = typeof input.url === 'string' ? input.url.trim() : undefined;
  if (url !== undefined && URL.canParse(url)) await checkWebhookTarget(url, scope.livemode);
  checkedInputs.add(input);
  return input;
}

async function ensureUrlChecked(scope: Scope, input: { url?: string }, tx: Executor | undefined) {
  if (checkedInputs.has(input)) return;
  if (tx) throw new Error('A webhook endpoint URL must be checked (checkEndpointUrl) before the transaction opens: the check is a DNS lookup.');
  await checkEndpointUrl(scope, input);
}

/** The signing secret is shown once, in this response; at rest it is encrypted. */
export async function createWebhookEndpoint(deps: CoreDeps, actor: Actor, input: CreateWebhookEndpointInput, tx?: Executor): Promise<WebhookEndpointDto & { secret: string }> {
  await ensureUrlChecked(actor, input, tx);
  const params = parseParams(createWebhookEndpointParams, input);
  const secret = newWebhookSecret();
  return inTransaction(deps, tx, async (t) => {
    const row = await repo.insertWebhookEndpoint(t, {
      id: newId('webhookEndpoint'),
      merchant_id: actor.merchantId,
      livemode: actor.livemode,
      url: params.url,
      description: params.description || null,
      enabled_events: [...new Set(params.enabled_events)],
      api_version: params.api_version ?? API_VERSION,
      metadata: JSON.stringify(mergeMetadata({}, params.metadata ?? {})),
      secret_encrypted: encrypt(deps.secret, secret),
    });
    return { ...toWebhookEndpointDto(row), secret };
  });
}

export async function getWebhookEndpoint(deps: CoreDeps, scope: Scope, id: string): Promise<WebhookEndpointDto> {
  const row = await repo.getWebhookEndpoint(deps.db, scope, id);
  if (!row) throw notFound('webhook_endpoint', id);
  return toWebhookEndpointDto(row);
}

/** For the delivery worker (signing); never returned by the API after creation. */
export async function getWebhookEndpointSecret(deps: CoreDeps, scope: Scope, id: string): Promise<string> {
  const row = await repo.getWebhookEndpoint(deps.db, scope, id);
  if (!row) throw notFound('webhook_endpoint', id);
  return decrypt(deps.secret, row.secret_encrypted);
}

/** The longest a rolled secret keeps signing beside its replacement. */
const MAX_SECRET_OVERLAP_HOURS = 24;

/**
 * Replaces the signing secret; the old one keeps signing beside it for `overlapHours` (0 to 24), so
 * receivers can switch without missing a delivery. Runs in the caller's transaction (the edge audits it).
 */
export async function rollWebhookEndpointSecret(deps: CoreDeps, actor: Actor, id: string, overlapHours: number, tx?: Executor): Promise<{ secret: string; previousSecretExpires: number | null }> {
  if (!Number.isFinite(overlapHours) || overlapHours < 0 || overlapHours > MAX_SECRET_OVERLAP_HOURS) {
    throw new PaymentError('invalid_request', `The overlap must be between 0 and ${MAX_SECRET_OVERLAP_HOURS} hours.`, { param: 'overlap_hours' });
  }
  const secret = newWebhookSecret();
  return inTransaction(deps, tx, async (t) => {
    const before = await repo.getWebhookEndpoint(t, actor, id, { forUpdate: true });
    if (!before) throw notFound('webhook_endpoint', id);
    const expires = overlapHours > 0 ? new Date(Date.now() + overlapHours * 3_600_000) : null;
    await repo.updateWebhookEndpoint(t, actor, id, {
      secret_encrypted: encrypt(deps.secret, secret),
      previous_secret_encrypted: expires ? before.secret_encrypted : null,
      previous_secret_expires_at: expires,
    });
    return { secret, previousSecretExpires: expires ? toUnix(expires) : null };
  });
}

export async function updateWebhookEndpoint(deps: CoreDeps, actor: Actor, id: string, input: UpdateWebhookEndpointInput = {}, tx?: Executor): Promise<WebhookEndpointDto> {
  await ensureUrlChecked(actor, input, tx);
  const params = parseParams(updateWebhookEndpointParams, input);
  return inTransaction(deps, tx, async (t) => {
    const before = await repo.getWebhookEndpoint(t, actor, id, { forUpdate: true });
    if (!before) throw notFound('webhook_endpoint', id);
    const changes: RowUpdate<'webhook_endpoints'> = {};
    if (params.url !== undefined) changes.url = params.url;
    if (params.enabled_events !== undefined) changes.enabled_events = [...new Set(params.enabled_events)];
    if (params.description !== undefined) changes.description = params.description || null;
    if (params.disabled !== undefined) {
      changes.status = params.disabled ? 'disabled' : 'enabled';
      // Re-enabling starts the failure clock afresh, otherwise the auto-disable would fire again at once.
      if (!params.disabled) changes.failing_since = null;
    }
    if (params.metadata !== undefined) {
      const metadata = mergeMetadata(before.metadata as Record<string, string>, params.metadata);
      checkMetadataSize(metadata);
      changes.metadata = JSON.stringify(metadata);
    }
    if (!Object.keys(changes).length) return toWebhookEndpointDto(before);
    const row = await repo.updateWebhookEndpoint(t, actor, id, changes);
    if (!row) throw notFound('webhook_endpoint', id);
    return toWebhookEndpointDto(row);
  });
}

export async function deleteWebhookEndpoint(deps: CoreDeps, actor: Actor, id: string, tx?: Executor): Promise<DeletedObject<'webhook_endpoint'>> {
  return inTransaction(deps, tx, async (t) => {
    const row = await repo.updateWebhookEndpoint(t, actor, id, { deleted_at: new Date() });
    if (!row) throw notFound('webhook_endpoint', id);
    return { id: row.id, object: 'webhook_endpoint', deleted: true };
  });
}

export async function listWebhookEndpoints(deps: CoreDeps, scope: Scope, input: ListWebhookEndpointsInput = {}, url = '/v1/webhook_endpoints'): Promise<ListResult<WebhookEndpointDto>> {
  const params = parseParams(listWebhookEndpointsParams, input);
  const { rows, hasMore } = await findPage(deps.db, 'webhook_endpoints', scope, repo.selectWebhookEndpoints(deps.db, scope), params);
  return { object: 'list', data: rows.map(toWebhookEndpointDto), has_more: hasMore, url };
}
