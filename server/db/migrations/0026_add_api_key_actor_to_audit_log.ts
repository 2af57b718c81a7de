import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here; later changes go in a new migration.
// An action taken through the REST API is done by an API key, not a member: the audit log names the key
// (its id; type, name and last four are read from api_keys, which keeps revoked and rolled keys). Adding a
// nullable column rewrites no row, so the append-only trigger of 0019 is not involved.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table audit_log add column api_key_id text;
    create index audit_log_merchant_api_key_idx on audit_log (merchant_id, api_key_id, created_at desc) where api_key_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index if exists audit_log_merchant_api_key_idx;
    alter table audit_log drop column if exists api_key_id;
  `.execute(db);
}
