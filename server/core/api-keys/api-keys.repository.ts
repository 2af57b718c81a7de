import type { Executor } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';
import { Statement } from '../../db/statement.js';
import type { Scope } from '../shared/deps.js';
import { apiKeyBucket, type BucketLimit, type RateLimitConfig, type TakenToken } from './rate-limit.js';
import { inScope } from '../shared/scope.js';

export function insertApiKey(db: Executor, key: NewRow<'api_keys'>) {
  return db.insertInto('api_keys').values(key).returningAll().executeTakeFirstOrThrow();
}

/**
 * Live mode needs an owner with a verified email address (issue 14.2; accounts.repository hasVerifiedOwner
 * is the same rule for the dashboard). Written as text: it is part of the one statement of every API request.
 */
const OWNER_VERIFIED = (merchantId: string, livemode: string) => `(not ${livemode} or exists (
      select 1 from memberships m join users u on u.id = m.user_id
      where m.merchant_id = ${merchantId} and m.role = 'owner' and u.email_verified_at is not null
    ))`;

export async function findApiKeyByHash(db: Executor, secretHash: string) {
  const statement = new Statement();
  const { rows } = await statement.execute<Row<'api_keys'> & { owner_verified: boolean }>(
    db,
    `select k.*, ${OWNER_VERIFIED('k.merchant_id', 'k.livemode')} as owner_verified from api_keys k where k.secret_hash = ${statement.param(secretHash)}`,
  );
  return rows[0];
}

/** The scope's usable keys, newest first, each with the email of the member who created it. */
export function findApiKeys(db: Executor, scope: Scope) {
  return db
    .selectFrom('api_keys')
    .leftJoin('users', 'users.id', 'api_keys.created_by')
    .selectAll('api_keys')
    .select('users.email as created_by_email')
    .where('api_keys.merchant_id', '=', scope.merchantId)
    .where('api_keys.livemode', '=', scope.livemode)
    .where('api_keys.revoked_at', 'is', null)
    .orderBy('api_keys.created_at', 'desc')
    .execute();
}

/** The key row, locked until the transaction ends: concurrent rolls and revokes of one key queue behind each other. */
export function lockApiKey(db: Executor, scope: Scope, id: string) {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .$call(inScope(scope))
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function updateApiKey(db: Executor, scope: Scope, id: string, changes: { revoked_at?: Date; expires_at?: Date | null; name?: string | null }) {
  return db
    .updateTable('api_keys')
    .set(changes)
    .$call(inScope(scope))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** last_used_at is written at most once a minute per key, so that every API call does not become a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Takes one token from a bucket in one statement, so every server instance shares the same bucket and
 * two requests cannot both take the last token. The refill is computed from the time since the last
 * update; when the bucket holds less than one token the conditional DO UPDATE leaves the row alone and
 * returns nothing, which is the refusal. `rows` is the VALUES or SELECT giving (bucket, tokens, updated_at)
 * for a new bucket; `rate` and `burst` are SQL expressions (the limit may depend on the row being inserted).
 */
function takeTokenStatement(rows: string, rate: string, burst: string, now: string): string {
  const refilled = `least(${burst}, b.tokens + greatest(0, extract(epoch from ${now} - b.updated_at)) * ${rate})`;
  return `
    insert into rate_limits as b (bucket, tokens, updated_at)
    ${rows}
    on conflict (bucket) do update
      set tokens = ${refilled} - 1, updated_at = greatest(b.updated_at, ${now})
      where ${refilled} >= 1
    returning b.tokens, (extract(epoch from b.updated_at) * 1000)::float8 as now_ms`;
}

/**
 * Buckets untouched for `idleSeconds` are full again (every limit refills in seconds), so deleting them changes
 * nothing: the next request recreates them full. Keeps per-session and per-address buckets from piling up.
 */
export async function deleteIdleBuckets(db: Executor, idleSeconds: number, now = new Date()): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('updated_at', '<', new Date(now.getTime() - idleSeconds * 1000)).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The bucket clock: the database's (one clock for every instance), or the one a test injects. */
function bucketClock(statement: Statement, now: Date | undefined): string {
  return now === undefined ? 'clock_timestamp()' : `${statement.param(now)}::timestamptz`;
}

export function touchApiKey(db: Executor, id: string, now = new Date()) {
  return db
    .updateTable('api_keys')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(now.getTime() - LAST_USED_RESOLUTION_MS))]))
    .execute();
}

const float = (statement: Statement, n: number) => `${statement.param(n)}::double precision`;

export async function takeToken(db: Executor, bucket: string, limit: BucketLimit, now?: Date): Promise<TakenToken | null> {
  const statement = new Statement();
  const burst = float(statement, limit.burst);
  const rate = float(statement, limit.rate);
  const clock = bucketClock(statement, now);
  const { rows } = await statement.execute<TakenToken>(db, takeTokenStatement(`values (${statement.param(bucket)}, ${burst} - 1, ${clock})`, rate, burst, clock));
  return rows[0] ?? null;
}

type ApiKeyWithToken = Pick<Row<'api_keys'>, 'id' | 'type' | 'merchant_id' | 'livemode' | 'revoked_at' | 'expires_at' | 'permissions'> & {
  /** False for a live key whose merchant has no owner with a verified email address (the key is refused). */
  owner_verified: boolean;
  /** Null when the key is not usable (nothing was taken) or its bucket is empty. */
  taken: TakenToken | null;
};

/**
 * The key with this hash and, only if it is usable at `now` (not revoked, not expired), one token from its
 * bucket and last_used_at refreshed when older than a minute: one round trip per API request. A revoked or
 * expired key comes back as it is, without touching its bucket, so the caller can refuse it by name.
 */
export async function findApiKeyAndTakeToken(
  db: Executor,
  secretHash: string,
  now: Date,
  limits: RateLimitConfig,
  options: { bucketNow?: Date } = {},
): Promise<ApiKeyWithToken | undefined> {
  // Text, not a `sql` template: it runs on every API request (server/db/statement.ts says why).
  const statement = new Statement();
  const clock = bucketClock(statement, options.bucketNow);
  const byMode = (pick: (limit: BucketLimit) => number) =>
    `(case when (select livemode from usable) then ${float(statement, pick(limits.live))} else ${float(statement, pick(limits.test))} end)`;
  const burst = byMode((l) => l.burst);
  const rate = byMode((l) => l.rate);
  const { rows } = await statement.execute<Omit<ApiKeyWithToken, 'taken'> & { tokens: number | null; now_ms: number | null }>(
    db,
    `with found as (
      select id, type, merchant_id, livemode, revoked_at, expires_at, last_used_at, permissions from api_keys where secret_hash = ${statement.param(secretHash)}
    ),
    usable as (
      select id, type, livemode, last_used_at from found where revoked_at is null and (expires_at is null or expires_at > ${statement.param(now)})
    ),
    touched as (
      update api_keys set last_used_at = ${statement.param(now)}
      where id in (select id from usable where last_used_at is null or last_used_at < ${statement.param(new Date(now.getTime() - LAST_USED_RESOLUTION_MS))})
    ),
    taken as (
      ${takeTokenStatement(
        // Only secret keys draw from the key's bucket; publishable traffic has its own (per IP, per intent).
        `select ${statement.param(apiKeyBucket(''))} || id, ${burst} - 1, ${clock} from usable where type <> 'publishable'`,
        rate,
        burst,
        clock,
      )}
    )
    select found.id, found.type, found.merchant_id, found.livemode, found.revoked_at, found.expires_at, found.permissions, taken.tokens, taken.now_ms,
      ${OWNER_VERIFIED('found.merchant_id', 'found.livemode')} as owner_verified
    from found left join taken on true`,
  );
  const row = rows[0];
  if (!row) return undefined;
  const { tokens, now_ms, ...key } = row;
  return { ...key, taken: tokens === null || now_ms === null ? null : { tokens, now_ms } };
}

/** One usable publishable key of the merchant and mode (the hosted checkout's client confirms with it). */
export async function findActivePublishableKey(db: Executor, scope: Scope): Promise<string | null> {
  const row = await db
    .selectFrom('api_keys')
    .select('publishable_token')
    .$call(inScope(scope))
    .where('type', '=', 'publishable')
    .where('revoked_at', 'is', null)
    .where('publishable_token', 'is not', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
    // A key without expiry (the current one) before a rolled key that is still in its grace period.
    .orderBy((eb) => eb.case().when('expires_at', 'is', null).then(0).else(1).end())
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.publishable_token ?? null;
}
