import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here; later changes go in a new migration.
// "Recover failed" can follow the delivery log's whole filter: besides `since` and the event type (0020), one
// event's deliveries and an upper bound on their creation time (exclusive).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table webhook_recoveries add column event_id text, add column until timestamptz;
    alter table webhook_recoveries add constraint webhook_recoveries_range check (until is null or until > since);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table webhook_recoveries drop constraint if exists webhook_recoveries_range;
    alter table webhook_recoveries drop column if exists event_id, drop column if exists until;
  `.execute(db);
}
