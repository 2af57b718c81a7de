import { type Kysely, sql } from 'kysely';

// Frozen. Scheduled exports: a saved report that runs daily, weekly or monthly in its zone and mails its file
// to chosen members. report_schedule_runs holds one row per schedule and period: its primary key
// (merchant_id, schedule_id, period_start) is what makes a period run exactly once, however many workers
// look at a due schedule at the same moment.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table report_schedules (
      id text not null,
      merchant_id text not null references merchants(id),
      livemode boolean not null,
      name text not null,
      report_type text not null,
      format text not null default 'csv',
      gzip boolean not null default false,
      bom boolean not null default false,
      timezone text not null,
      columns jsonb not null default '[]'::jsonb,
      filters jsonb not null default '{}'::jsonb,
      frequency text not null check (frequency in ('daily', 'weekly', 'monthly')),
      weekday int check (weekday between 1 and 7),
      month_day int check (month_day between 1 and 28),
      recipient_user_ids jsonb not null default '[]'::jsonb,
      paused_at timestamptz,
      next_run_at timestamptz not null,
      created_by_user_id text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (merchant_id, id),
      check ((frequency = 'weekly') = (weekday is not null)),
      check ((frequency = 'monthly') = (month_day is not null))
    );
    create index report_schedules_list_idx on report_schedules (merchant_id, livemode, created_at desc, id desc);
    create index report_schedules_due_idx on report_schedules (next_run_at) where paused_at is null;

    create table report_schedule_runs (
      merchant_id text not null references merchants(id),
      schedule_id text not null,
      livemode boolean not null,
      period_start timestamptz not null,
      period_end timestamptz not null,
      report_run_id text not null,
      mailed_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (merchant_id, schedule_id, period_start),
      unique (merchant_id, report_run_id),
      foreign key (merchant_id, schedule_id) references report_schedules (merchant_id, id) on delete cascade,
      foreign key (merchant_id, report_run_id) references report_runs (merchant_id, id) on delete cascade
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists report_schedule_runs; drop table if exists report_schedules;`.execute(db);
}
