import { type Kysely, sql } from 'kysely';

// Frozen. Report runs (exports) and the files they produce. A run's file row is written only when the
// whole file is stored, in the same transaction that marks the run succeeded, so a partial file is never
// offered; a run that was interrupted is simply run again by its job. Files expire (expires_at) and a
// periodic job removes them with their stored bytes.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table report_files (
      id text not null,
      merchant_id text not null references merchants(id),
      livemode boolean not null,
      purpose text not null default 'finance_report_run',
      filename text not null,
      type text not null,
      content_type text not null,
      size bigint not null,
      storage_key text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      primary key (merchant_id, id)
    );
    create unique index report_files_id_idx on report_files (id);
    create index report_files_expiry_idx on report_files (expires_at) where expires_at is not null;

    create table report_runs (
      id text not null,
      merchant_id text not null references merchants(id),
      livemode boolean not null,
      report_type text not null,
      parameters jsonb not null default '{}'::jsonb,
      format text not null default 'csv',
      gzip boolean not null default false,
      status text not null default 'pending' check (status in ('pending', 'running', 'succeeded', 'failed')),
      rows_written bigint not null default 0,
      rows_estimate bigint,
      attempts int not null default 0,
      error text,
      file_id text,
      created_by_user_id text,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      primary key (merchant_id, id),
      foreign key (merchant_id, file_id) references report_files (merchant_id, id) on delete set null (file_id)
    );
    create unique index report_runs_id_idx on report_runs (id);
    create index report_runs_list_idx on report_runs (merchant_id, livemode, created_at desc, id desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists report_runs; drop table if exists report_files;`.execute(db);
}
