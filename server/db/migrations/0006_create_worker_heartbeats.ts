import { type Kysely, sql } from 'kysely';

// graphile-worker keeps a crashed worker's jobs locked for 4 hours. Each worker writes a heartbeat row;
// any live worker unlocks the jobs of workers whose heartbeat has gone stale (server/jobs/heartbeat.ts).
// Refund settlement calls the processor outside a transaction: it first leases the refund
// (settle_lease_until), commits, calls out, then records the outcome; a lapsed lease means the worker died.
// idempotency_keys.locked_until was never written (concurrent use is detected with an advisory lock).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table worker_heartbeats (
      worker_id text primary key,
      host text not null,
      pid integer not null,
      started_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now()
    );
    create index worker_heartbeats_last_seen_idx on worker_heartbeats (last_seen_at);

    alter table refunds add column settle_lease_until timestamptz;
    alter table idempotency_keys drop column locked_until;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table idempotency_keys add column locked_until timestamptz;
    alter table refunds drop column if exists settle_lease_until;
    drop table if exists worker_heartbeats;
  `.execute(db);
}
