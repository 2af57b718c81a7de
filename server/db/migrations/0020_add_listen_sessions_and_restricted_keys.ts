import { type Kysely, sql } from 'kysely';

// Local forwarding (`npm run cli -- listen`): a listen session is a webhook endpoint of kind 'cli', one per
// merchant, mode and device, so the outbox writes its deliveries like any endpoint's (while it listens) and a
// dashboard Resend reaches it; its secret survives restarts of the CLI. The CLI's stream leases the pending
// deliveries itself.
// Restricted keys (rk_test_/rk_live_): none/read/write per resource, kept beside the key.
// "Recover failed since" runs as a job: its row holds the progress and a keyset cursor, so a killed worker's
// rerun goes on where it stopped.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table webhook_endpoints
      add column kind text not null default 'url' check (kind in ('url', 'cli')),
      add column device_name text,
      -- Renewed by the session's open stream: the outbox only writes deliveries for a session listening now.
      add column listen_until timestamptz;
    create unique index webhook_endpoints_cli_device_idx on webhook_endpoints (merchant_id, livemode, device_name)
      where kind = 'cli' and deleted_at is null;
    create index webhook_deliveries_pending_endpoint_idx on webhook_deliveries (merchant_id, livemode, endpoint_id, created_at)
      where status = 'pending';

    alter table api_keys drop constraint api_keys_type_check;
    alter table api_keys add constraint api_keys_type_check check (type in ('publishable', 'secret', 'restricted'));
    alter table api_keys add column permissions jsonb;

    -- Keyed by (merchant_id, id) like every tenant table (0017, Citus-ready).
    create table webhook_recoveries (
      id text not null,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      endpoint_id text not null,
      since timestamptz not null,
      event_type text,
      status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
      total integer,
      queued integer not null default 0,
      cursor_created_at timestamptz,
      cursor_id text,
      error text,
      created_by text references users(id) on delete set null,
      created_at timestamptz not null default now(),
      finished_at timestamptz,
      primary key (merchant_id, id),
      foreign key (merchant_id, endpoint_id) references webhook_endpoints (merchant_id, id) on delete cascade
    );
    create index webhook_recoveries_endpoint_idx on webhook_recoveries (merchant_id, livemode, endpoint_id, created_at desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists webhook_recoveries;
    delete from api_keys where type = 'restricted';
    alter table api_keys drop column if exists permissions;
    alter table api_keys drop constraint api_keys_type_check;
    alter table api_keys add constraint api_keys_type_check check (type in ('publishable', 'secret'));
    drop index if exists webhook_deliveries_pending_endpoint_idx;
    drop index if exists webhook_endpoints_cli_device_idx;
    delete from webhook_endpoints where kind = 'cli';
    alter table webhook_endpoints drop column if exists listen_until, drop column if exists device_name, drop column if exists kind;
  `.execute(db);
}
