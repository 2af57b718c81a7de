import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here; later changes go in a new migration.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create extension if not exists pg_trgm;

    create table users (
      id text primary key,
      email text not null,
      name text not null,
      password_hash text not null,
      created_at timestamptz not null default now()
    );
    create unique index users_email_key on users (lower(email));

    create table merchants (
      id text primary key,
      name text not null,
      timezone text not null default 'UTC',
      default_currency text not null default 'usd',
      support_email text,
      statement_descriptor text,
      country text not null default 'US',
      created_at timestamptz not null default now()
    );

    create table memberships (
      merchant_id text not null references merchants(id) on delete cascade,
      user_id text not null references users(id) on delete cascade,
      role text not null check (role in ('owner','admin','developer','support','finance','viewer')),
      created_at timestamptz not null default now(),
      primary key (merchant_id, user_id)
    );
    create index memberships_user_idx on memberships (user_id);

    create table sessions (
      token_hash text primary key,
      user_id text not null references users(id) on delete cascade,
      merchant_id text references merchants(id) on delete set null,
      livemode boolean not null default false,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null,
      user_agent text,
      ip text
    );
    create index sessions_user_idx on sessions (user_id);

    -- Failed sign-ins per account and per IP; drives the growing delay.
    create table login_throttle (
      key text primary key,
      failures integer not null default 0,
      last_failure_at timestamptz not null default now(),
      blocked_until timestamptz
    );

    create table invitations (
      id text primary key,
      merchant_id text not null references merchants(id) on delete cascade,
      email text not null,
      role text not null,
      invited_by text references users(id) on delete set null,
      token_hash text not null unique,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      accepted_at timestamptz
    );
    create index invitations_merchant_idx on invitations (merchant_id, created_at desc);

    create table audit_log (
      id text primary key,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean,
      user_id text references users(id) on delete set null,
      action text not null,
      target_id text,
      data jsonb not null default '{}',
      ip text,
      created_at timestamptz not null default now()
    );
    create index audit_log_merchant_idx on audit_log (merchant_id, created_at desc, id desc);

    create table saved_views (
      id text primary key,
      merchant_id text not null references merchants(id) on delete cascade,
      user_id text not null references users(id) on delete cascade,
      page text not null,
      name text not null,
      params jsonb not null,
      created_at timestamptz not null default now()
    );
    create index saved_views_owner_idx on saved_views (merchant_id, user_id, page, created_at);

    create table user_preferences (
      user_id text not null references users(id) on delete cascade,
      merchant_id text not null references merchants(id) on delete cascade,
      key text not null,
      value jsonb not null,
      updated_at timestamptz not null default now(),
      primary key (user_id, merchant_id, key)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists user_preferences, saved_views, audit_log, invitations, login_throttle, sessions,
      memberships, merchants, users cascade;
  `.execute(db);
}
