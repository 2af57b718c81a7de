/**
 * How the schema maps onto Citus (docs/scale-out.md). Every table in `public` not named here is a tenant
 * table: distributed by merchant_id and co-located with the others, so one merchant's rows (and every
 * query and transaction of one request) live on one shard. server/db/citus-keys.integration.test.ts checks
 * the catalogue against this list.
 */
export type GlobalKind =
  /** create_reference_table: small, read everywhere (joins and foreign keys from tenant tables), rarely written. */
  | 'reference'
  /** Stays a local table on the coordinator: global by nature, looked up by something other than the merchant. */
  | 'coordinator';

export const GLOBAL_TABLES: Record<string, { kind: GlobalKind; reason: string }> = {
  merchants: { kind: 'reference', reason: 'the tenants themselves; tenant tables off the payment path have a foreign key to it (decision 022)' },
  users: { kind: 'reference', reason: 'a person may belong to several merchants; looked up by email at sign-in' },
  memberships: { kind: 'reference', reason: "read by user at sign-in (which merchants may I open?), across merchants; small" },
  api_keys: { kind: 'reference', reason: 'authentication finds a key by its hash before the merchant is known' },
  invitations: { kind: 'reference', reason: 'accepting an invitation finds it by its token before the merchant is known' },
  sessions: { kind: 'coordinator', reason: 'found by token hash on every dashboard request, before the merchant is known' },
  login_throttle: { kind: 'coordinator', reason: 'per address and account, not per merchant' },
  rate_limits: { kind: 'coordinator', reason: 'unlogged token buckets keyed by API key or session; one round trip on the coordinator' },
  worker_heartbeats: { kind: 'coordinator', reason: 'one row per worker process' },
  mail_outbox: { kind: 'coordinator', reason: 'mail to an address (sign-up, password reset), not to a merchant' },
  user_tokens: { kind: 'coordinator', reason: "a user's single-use links (verify email, reset password), found by token hash" },
  two_factor_totp: { kind: 'coordinator', reason: "a user's authenticator secret: a second factor belongs to the person, across merchants" },
  two_factor_recovery_codes: { kind: 'coordinator', reason: "a user's recovery codes, checked at sign-in before a merchant is chosen" },
  webauthn_credentials: { kind: 'coordinator', reason: "a user's passkeys, found by credential id at sign-in before a merchant is chosen" },
  two_factor_challenges: { kind: 'coordinator', reason: 'the pending second step of a sign-in, found by its token before a merchant is chosen' },
  kysely_migration: { kind: 'coordinator', reason: 'migration bookkeeping' },
  kysely_migration_lock: { kind: 'coordinator', reason: 'migration bookkeeping' },
};
