import { type Kysely, sql } from 'kysely';

// Disputes (issue 11 item 5): one per payment at most; the amount is what was left of the payment when it
// opened (decided under the payment's row lock, as refunds are). Evidence is Stripe's evidence hash as JSON;
// evidence files are kept by the storage interface (DATA_DIR), their metadata here.
//
// Saved payment methods (issue 11 item 2): a card attached to a customer is listed by customer, newest first;
// detaching it ends its life (Stripe refuses a detached PaymentMethod for any later use), so detached_at is kept.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table payment_methods
      add column metadata jsonb not null default '{}',
      add column detached_at timestamptz;
    create index payment_methods_customer_idx on payment_methods (merchant_id, livemode, customer_id, created_at desc, id desc)
      where customer_id is not null;
    create index payment_methods_list_idx on payment_methods (merchant_id, livemode, created_at desc, id desc);

    create table disputes (
      id text primary key,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      payment_intent_id text not null references payment_intents(id),
      charge_id text,
      amount bigint not null check (amount > 0),
      currency text not null,
      reason text not null,
      status text not null,
      evidence jsonb not null default '{}',
      evidence_due_by timestamptz not null,
      submission_count integer not null default 0,
      network_reason_code text,
      card_brand text,
      metadata jsonb not null default '{}',
      closed_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index disputes_payment_intent_key on disputes (merchant_id, livemode, payment_intent_id);
    create index disputes_list_idx on disputes (merchant_id, livemode, created_at desc, id desc);
    create index disputes_status_idx on disputes (merchant_id, livemode, status, evidence_due_by);

    create table evidence_files (
      id text primary key,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      purpose text not null,
      filename text not null,
      type text not null,
      size bigint not null,
      storage_key text not null,
      created_by_user_id text,
      created_at timestamptz not null default now()
    );
    create index evidence_files_list_idx on evidence_files (merchant_id, livemode, created_at desc, id desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists evidence_files;
    drop table if exists disputes;
    drop index if exists payment_methods_list_idx;
    drop index if exists payment_methods_customer_idx;
    alter table payment_methods drop column if exists detached_at, drop column if exists metadata;
  `.execute(db);
}
