import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here; later changes go in a new migration.
// Second factors belong to the user (one person, every merchant they are a member of): an authenticator app
// (TOTP, secret encrypted at rest, confirmed by a first code), single-use recovery codes (only their hashes)
// and WebAuthn credentials (passkeys, security keys). A sign-in whose password was right but whose second
// factor is still to come is a short-lived challenge row, never a session.
// The audit log becomes append-only in the database itself: a trigger refuses UPDATE and DELETE, so neither
// a bug nor a stolen database login of the app can rewrite history. Its user foreign key would null the
// actor when a user is deleted (an UPDATE), so it is dropped: an entry keeps the id of whoever acted.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table merchants add column require_two_factor boolean not null default false;

    create table two_factor_totp (
      user_id text primary key references users(id) on delete cascade,
      secret_encrypted text not null,
      confirmed_at timestamptz,
      -- The last 30-second step accepted: a code is never accepted twice.
      last_used_step bigint,
      created_at timestamptz not null default now()
    );

    create table two_factor_recovery_codes (
      user_id text not null references users(id) on delete cascade,
      code_hash text not null,
      used_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (user_id, code_hash)
    );

    create table webauthn_credentials (
      id text primary key,
      user_id text not null references users(id) on delete cascade,
      public_key text not null,
      counter bigint not null default 0,
      transports jsonb not null default '[]',
      name text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz
    );
    create index webauthn_credentials_user_idx on webauthn_credentials (user_id, created_at);

    -- purpose 'sign-in': the password was right, the second factor is due (token_hash is what the browser
    -- holds). purpose 'passkey-registration': the WebAuthn challenge of an enrolment in progress.
    create table two_factor_challenges (
      token_hash text primary key,
      user_id text not null references users(id) on delete cascade,
      purpose text not null check (purpose in ('sign-in', 'passkey-registration')),
      webauthn_challenge text,
      attempts integer not null default 0,
      ip text,
      user_agent text,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index two_factor_challenges_user_idx on two_factor_challenges (user_id, purpose);
    create index two_factor_challenges_expiry_idx on two_factor_challenges (expires_at);

    alter table audit_log add column user_agent text;
    alter table audit_log drop constraint if exists audit_log_user_id_fkey;
    create index audit_log_merchant_action_idx on audit_log (merchant_id, action, created_at desc);

    create function audit_log_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
    end;
    $$;
    create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function audit_log_refuse_change();
    create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_refuse_change();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger if exists audit_log_no_truncate on audit_log;
    drop trigger if exists audit_log_append_only on audit_log;
    drop function if exists audit_log_refuse_change();
    drop index if exists audit_log_merchant_action_idx;
    alter table audit_log drop column if exists user_agent;
    drop table if exists two_factor_challenges, webauthn_credentials, two_factor_recovery_codes, two_factor_totp;
    alter table merchants drop column if exists require_two_factor;
  `.execute(db);
}
