import { type Kysely, sql } from 'kysely';

// Local forwarding (`npm run cli -- listen`): a listen session is a webhook endpoint of kind 'cli', one per
// merchant, mode and device, so the outbox writes its deliveries like any endpoint's (while it listens) and a
// dashboard Resend reaches it; its secret survives restarts of the CLI. The CLI's stream leases the pending
// deliveries itself.
// Restricted keys (rk_test_/rk_live_): none/read/write per resource, kept beside the key.
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
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
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
