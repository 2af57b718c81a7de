import { type Kysely, sql } from 'kysely';

// Webhook delivery runs on the job runtime: one deliver-webhook job per outbox row, added in the statement
// that writes the event. A worker leases the row (lease_until), commits, calls the endpoint outside any
// transaction and then records the attempt; a lapsed lease means the worker died mid-call (at-least-once).
// Each attempt keeps what was sent and what came back, for the delivery log.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table webhook_deliveries add column lease_until timestamptz;
    alter table webhook_attempts
      add column request_headers jsonb,
      add column request_body text,
      add column response_headers jsonb;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table webhook_attempts drop column if exists request_headers, drop column if exists request_body, drop column if exists response_headers;
    alter table webhook_deliveries drop column if exists lease_until;
  `.execute(db);
}
