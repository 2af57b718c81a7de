import { type Kysely, sql } from 'kysely';

// One table for Stripe's File object, whatever its purpose (issue 11 item 6): /v1/files lists, retrieves and
// downloads report results and uploaded dispute evidence alike, so both live in report_files (the name is
// historical: it held report results first). Uploads record who sent them; the list walks
// (merchant, mode, created, id), optionally by purpose. Evidence files uploaded before this migration move
// over with their ids, so disputes that name them keep working; their `type` becomes Stripe's extension
// (pdf, png, jpg) and the media type moves to content_type. They never expire (they were kept forever).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table report_files add column created_by_user_id text;
    insert into report_files (id, merchant_id, livemode, purpose, filename, type, content_type, size, storage_key, created_at, expires_at, created_by_user_id)
      select id, merchant_id, livemode, purpose, filename,
        case type when 'application/pdf' then 'pdf' when 'image/png' then 'png' when 'image/jpeg' then 'jpg' else 'bin' end,
        type, size, storage_key, created_at, null, created_by_user_id
      from evidence_files;
    drop table evidence_files;
    create index report_files_list_idx on report_files (merchant_id, livemode, created_at desc, id desc);
    create index report_files_purpose_idx on report_files (merchant_id, livemode, purpose, created_at desc, id desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create table evidence_files (
      id text not null,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      purpose text not null,
      filename text not null,
      type text not null,
      size bigint not null,
      storage_key text not null,
      created_by_user_id text,
      created_at timestamptz not null default now(),
      primary key (merchant_id, id)
    );
    create index evidence_files_list_idx on evidence_files (merchant_id, livemode, created_at desc, id desc);
    insert into evidence_files (id, merchant_id, livemode, purpose, filename, type, size, storage_key, created_by_user_id, created_at)
      select id, merchant_id, livemode, purpose, filename, content_type, size, storage_key, created_by_user_id, created_at
      from report_files where purpose <> 'finance_report_run';
    delete from report_files where purpose <> 'finance_report_run';
    drop index if exists report_files_purpose_idx;
    drop index if exists report_files_list_idx;
    alter table report_files drop column created_by_user_id;
  `.execute(db);
}
