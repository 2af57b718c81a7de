import { keyAllows, permissionName, requiredPermission, type RestrictedKeyPermissions } from '../../../shared/contracts/api-keys.js';
import { PaymentError } from '../../../shared/errors.js';
import { newId, randomString } from '../../../shared/ids.js';
import type { Db, Executor } from '../../db/database.js';
import type { Row } from '../../db/schema.js';
import { hasVerifiedOwner } from '../accounts/accounts.repository.js';
import { sha256Hex } from '../shared/crypto.js';
import type { Scope } from '../shared/deps.js';
import * as repo from './api-keys.repository.js';
import {
  DEFAULT_PUBLISHABLE_LIMITS,
  publishableIntentBucket,
  publishableIpBucket,
  rateLimitDecision,
  type BucketLimit,
  type RateLimitConfig,
  type RateLimitDecision,
} from './rate-limit.js';

type ApiKeyType = 'publishable' | 'secret' | 'restricted';

interface ApiKeyDto {
  id: string;
  type: ApiKeyType;
  name: string | null;
  livemode: boolean;
  /** Publishable keys are public and shown whole; secret keys only as prefix and last four. */
  token: string | null;
  redacted: string;
  created: number;
  expires_at: number | null;
  last_used_at: number | null;
  /**
   * Who created the key, as listed by findApiKeys (null for keys made by operator tools or whose creator is
   * gone). The key returned by the call that creates it leaves it null: the caller is its creator.
   */
  created_by_email: string | null;
  /** Restricted keys: what they may do (resources left out: none); null for the others. */
  permissions: RestrictedKeyPermissions | null;
}

interface CreatedKey {
  dto: ApiKeyDto;
  /** The full key: returned once, at creation, never again. */
  plaintext: string;
}

const PREFIXES: Record<ApiKeyType, string> = { secret: 'sk', publishable: 'pk', restricted: 'rk' };

function prefixFor(type: ApiKeyType, livemode: boolean) {
  return `${PREFIXES[type]}_${livemode ? 'live' : 'test'}_`;
}

function toApiKeyDto(row: Row<'api_keys'>, createdByEmail: string | null = null): ApiKeyDto {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    livemode: row.livemode,
    token: row.type === 'publishable' ? row.publishable_token : null,
    redacted: `${row.prefix}${'•'.repeat(4)}${row.last4}`,
    created: Math.floor(new Date(row.created_at).getTime() / 1000),
    expires_at: row.expires_at ? Math.floor(row.expires_at.getTime() / 1000) : null,
    last_used_at: row.last_used_at ? Math.floor(row.last_used_at.getTime() / 1000) : null,
    created_by_email: createdByEmail,
    permissions: row.type === 'restricted' ? (row.permissions ?? {}) : null,
  };
}

interface NewKeyOptions { name?: string | null; createdBy: string | null; permissions?: RestrictedKeyPermissions | null }

const UNVERIFIED_LIVE_KEY_CHANGE =
  'Live mode API keys cannot be created or rolled until an owner of this account has verified their email address. Verify it first; test mode keys work meanwhile.';

/** Creating or rolling a live key needs a verified owner, like every other use of live mode (issue 14.2). */
async function refuseLiveKeyChangeIfUnverified(db: Executor, scope: Scope) {
  if (scope.livemode && !(await hasVerifiedOwner(db, scope.merchantId))) {
    throw new PaymentError('permission_denied', UNVERIFIED_LIVE_KEY_CHANGE, { status: 403 });
  }
}

/** `createdBy`: the user who made the key (null only for operator tools such as the CLI or a benchmark). */
export async function createApiKey(db: Executor, scope: Scope, type: ApiKeyType, options: NewKeyOptions): Promise<CreatedKey> {
  await refuseLiveKeyChangeIfUnverified(db, scope);
  return insertNewKey(db, scope, type, options);
}

async function insertNewKey(db: Executor, scope: Scope, type: ApiKeyType, options: NewKeyOptions): Promise<CreatedKey> {
  if ((type === 'restricted') !== Boolean(options.permissions)) throw new Error('Restricted keys, and only they, carry permissions');
  const prefix = prefixFor(type, scope.livemode);
  const plaintext = prefix + randomString(type === 'publishable' ? 32 : 40);
  const row = await repo.insertApiKey(db, {
    id: newId('apiKey'),
    merchant_id: scope.merchantId,
    livemode: scope.livemode,
    type,
    name: options.name ?? null,
    secret_hash: sha256Hex(plaintext),
    publishable_token: type === 'publishable' ? plaintext : null,
    prefix,
    last4: plaintext.slice(-4),
    created_by: options.createdBy,
    permissions: options.permissions ? JSON.stringify(options.permissions) : null,
  });
  return { dto: toApiKeyDto(row), plaintext };
}

export interface DefaultKeys {
  test: { publishable: string; secret: string };
  live: { publishable: string; secret: string };
}

/**
 * Every merchant starts with a publishable and a secret key in each mode. The live pair exists from sign-up
 * (hidden, and refused by the API) so that verifying the owner is all it takes to go live.
 */
export async function createDefaultKeys(db: Executor, merchantId: string, createdBy: string | null): Promise<DefaultKeys> {
  const make = async (livemode: boolean) => ({
    publishable: (await insertNewKey(db, { merchantId, livemode }, 'publishable', { createdBy })).plaintext,
    secret: (await insertNewKey(db, { merchantId, livemode }, 'secret', { createdBy })).plaintext,
  });
  return { test: await make(false), live: await make(true) };
}

export interface AuthenticatedKey extends Scope {
  keyId: string;
  type: ApiKeyType;
  /** Restricted keys only. */
  permissions: RestrictedKeyPermissions | null;
}

/**
 * A restricted key may call a REST route only with the permission for its resource (GET: read; others:
 * write); Stripe's 403 names the permission that would allow it. Other keys pass (publishable keys are
 * checked per route).
 */
export function assertKeyMayCall(key: AuthenticatedKey, method: string, path: string): void {
  if (key.type !== 'restricted') return;
  const { resource, access } = requiredPermission(method, path);
  if (keyAllows(key.permissions ?? {}, resource, access)) return;
  const needed = permissionName(resource, access);
  throw new PaymentError(
    'permission_denied',
    `The provided key does not have the required permissions for this endpoint (${method} ${path.slice(0, 200)}). ${resource ? `Having the '${needed}' permission would allow this request to continue.` : 'This endpoint needs a secret key.'}`,
    { status: 403, extra: { required_permission: resource ? needed : null } },
  );
}

function looksLikeKey(presented: string) {
  return /^(sk|pk|rk)_(test|live)_[A-Za-z0-9]+$/.test(presented);
}

/** Revoked and unknown keys are refused alike; an expired one says so. */
function refuseUnusable(presented: string, row: Pick<Row<'api_keys'>, 'revoked_at' | 'expires_at'> | undefined, now: Date): asserts row {
  if (!row || row.revoked_at) {
    throw new PaymentError('api_key_invalid', `Invalid API Key provided: ${redactKey(presented)}`);
  }
  if (row.expires_at && row.expires_at.getTime() <= now.getTime()) {
    throw new PaymentError('api_key_expired', `Expired API Key provided: ${redactKey(presented)}`);
  }
}

export const UNVERIFIED_LIVE_KEY =
  'Live mode API keys cannot be used until an owner of this account has verified their email address. Verify it from the link we emailed (or resend it from the dashboard banner); until then, use your test mode keys.';

/** A usable key of live mode still needs a verified owner (issue 14.2): refused as a permission error, never as an unknown key. */
function refuseUnverifiedLiveKey(row: { livemode: boolean; owner_verified: boolean }) {
  if (row.livemode && !row.owner_verified) throw new PaymentError('permission_denied', UNVERIFIED_LIVE_KEY, { status: 403 });
}

/** Resolves a presented key to its merchant and mode (without taking a rate-limit token). */
export async function authenticateApiKey(db: Db, presented: string): Promise<AuthenticatedKey> {
  const row = looksLikeKey(presented) ? await repo.findApiKeyByHash(db, sha256Hex(presented)) : undefined;
  refuseUnusable(presented, row, new Date());
  refuseUnverifiedLiveKey(row);
  void repo.touchApiKey(db, row.id).catch(() => {});
  return { keyId: row.id, type: row.type, merchantId: row.merchant_id, livemode: row.livemode, permissions: row.permissions };
}

/** Who is asking, for the publishable key's buckets; `clock` replaces the database's clock (tests). */
export interface ApiRequestOrigin {
  clientIp: string;
  /** The payment intent the request names in its path, if any. */
  intentId?: string;
  clock?: () => Date;
}

/**
 * What every API request does first: resolve the key and take one token, in one statement for a secret
 * key (from the key's bucket, at the limit of its mode). An unusable key is refused before any bucket is
 * touched. The publishable key is public, so its requests never draw from the merchant's bucket: they take
 * one token per client IP and, when they name an intent, one per intent. The decision, allowed or not,
 * comes back for the caller to answer 429 and set the headers.
 */
export async function authenticateApiRequest(
  db: Db,
  presented: string,
  limits: RateLimitConfig,
  origin: ApiRequestOrigin,
): Promise<{ key: AuthenticatedKey; limit: RateLimitDecision; bucket: BucketLimit }> {
  const bucketNow = origin.clock?.();
  const now = bucketNow ?? new Date();
  const row = looksLikeKey(presented) ? await repo.findApiKeyAndTakeToken(db, sha256Hex(presented), now, limits, { bucketNow }) : undefined;
  refuseUnusable(presented, row, now);
  refuseUnverifiedLiveKey(row);
  const key: AuthenticatedKey = { keyId: row.id, type: row.type, merchantId: row.merchant_id, livemode: row.livemode, permissions: row.permissions };
  if (row.type !== 'publishable') {
    const bucket = row.livemode ? limits.live : limits.test;
    return { key, limit: rateLimitDecision(row.taken, bucket, now), bucket };
  }
  const publishable = limits.publishable ?? DEFAULT_PUBLISHABLE_LIMITS;
  const perIp = rateLimitDecision(await repo.takeToken(db, publishableIpBucket(row.id, origin.clientIp), publishable.ip, bucketNow), publishable.ip, now);
  // A client refused by its own bucket does not drain the intent's, which other clients share.
  if (!perIp.allowed || !origin.intentId) return { key, limit: perIp, bucket: publishable.ip };
  const perIntent = rateLimitDecision(await repo.takeToken(db, publishableIntentBucket(row.id, origin.intentId), publishable.intent, bucketNow), publishable.intent, now);
  // The headers describe the bucket that runs out first.
  return !perIntent.allowed || perIntent.remaining < perIp.remaining
    ? { key, limit: perIntent, bucket: publishable.intent }
    : { key, limit: perIp, bucket: publishable.ip };
}

/** One token from any bucket (API requests take theirs in authenticateApiRequest). */
export async function takeRateLimitToken(db: Db, bucket: string, limit: BucketLimit, now?: Date): Promise<RateLimitDecision> {
  return rateLimitDecision(await repo.takeToken(db, bucket, limit, now), limit, now);
}

/** The publishable key the hosted checkout hands its page; null when the merchant has none usable in this mode. */
export function getActivePublishableKey(db: Executor, scope: Scope): Promise<string | null> {
  return repo.findActivePublishableKey(db, scope);
}

/** Frees rate-limit buckets idle for an hour (a job); see deleteIdleBuckets. */
export function pruneIdleRateLimitBuckets(db: Db): Promise<number> {
  return repo.deleteIdleBuckets(db, 3600);
}

/** Error messages may echo a key only as Stripe does: its start and last four. */
function redactKey(presented: string): string {
  if (presented.length <= 12) return '*'.repeat(presented.length);
  return presented.slice(0, 8) + '*'.repeat(Math.min(presented.length - 12, 24)) + presented.slice(-4);
}

export async function findApiKeys(db: Executor, scope: Scope): Promise<ApiKeyDto[]> {
  return (await repo.findApiKeys(db, scope)).map(({ created_by_email, ...row }) => toApiKeyDto(row, created_by_email));
}

/**
 * Rolling a key creates a new one; the old one keeps working until `expiresInHours` (0 = now). Runs in the
 * caller's transaction (so the caller can audit it atomically), with the key's row locked: ten rolls at once
 * make one new key, the others find it rolled. A key already rolled cannot be rolled again: that would push
 * its expiry back and revive a key its owner meant to retire.
 */
export async function rollApiKey(tx: Executor, scope: Scope, id: string, expiresInHours: number, userId: string | null): Promise<CreatedKey> {
  await refuseLiveKeyChangeIfUnverified(tx, scope);
  const existing = await repo.lockApiKey(tx, scope, id);
  if (!existing || existing.revoked_at) throw new PaymentError('resource_missing', `No such API key: '${id}'`, { param: 'id' });
  if (existing.expires_at) throw new PaymentError('invalid_request', 'This key has already been rolled; roll its replacement instead.', { param: 'id' });
  if (expiresInHours <= 0) await repo.updateApiKey(tx, scope, id, { revoked_at: new Date() });
  else await repo.updateApiKey(tx, scope, id, { expires_at: new Date(Date.now() + expiresInHours * 3_600_000) });
  return insertNewKey(tx, scope, existing.type, { name: existing.name, createdBy: userId, permissions: existing.permissions });
}

export async function revokeApiKey(db: Executor, scope: Scope, id: string): Promise<void> {
  const existing = await repo.lockApiKey(db, scope, id);
  if (!existing || existing.revoked_at) throw new PaymentError('resource_missing', `No such API key: '${id}'`, { param: 'id' });
  // Hosted checkout and client-side confirmation need a publishable key: replace it by rolling instead.
  if (existing.type === 'publishable') {
    throw new PaymentError('invalid_request', 'Publishable keys cannot be revoked; roll the key to replace it.', { param: 'id' });
  }
  await repo.updateApiKey(db, scope, id, { revoked_at: new Date() });
}
