import { type Kysely, sql } from 'kysely';

// Hosted checkout sessions (Stripe's /v1/checkout/sessions). A session owns one payment intent, created
// with it, whose hosted page shows the session's line items; the session completes in the transaction that
// pays the intent and expires with it. Line items are rows (kept in the order given) so that
// /line_items pages by position like any other list.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table checkout_sessions (
      id text not null,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      status text not null,
      payment_status text not null,
      currency text not null,
      amount_subtotal bigint not null,
      amount_total bigint not null,
      payment_intent_id text not null references payment_intents(id) on delete cascade,
      customer_id text references customers(id),
      customer_email text,
      customer_creation text,
      client_reference_id text,
      metadata jsonb not null default '{}',
      success_url text,
      cancel_url text,
      customer_details jsonb,
      expires_at timestamptz not null,
      completed_at timestamptz,
      expired_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (merchant_id, id)
    );
    -- The hosted page knows a session by its id alone.
    create unique index checkout_sessions_id_idx on checkout_sessions (id);
    create index checkout_sessions_list_idx on checkout_sessions (merchant_id, livemode, created_at desc, id desc);
    create index checkout_sessions_intent_idx on checkout_sessions (payment_intent_id);
    create index checkout_sessions_customer_idx on checkout_sessions (merchant_id, livemode, customer_id, created_at desc);
    create index checkout_sessions_expiry_idx on checkout_sessions (expires_at) where status = 'open';

    create table checkout_session_line_items (
      id text not null,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      session_id text not null,
      position integer not null,
      name text not null,
      description text,
      images jsonb not null default '[]',
      currency text not null,
      unit_amount bigint not null,
      quantity integer not null,
      amount_subtotal bigint not null,
      amount_total bigint not null,
      created_at timestamptz not null default now(),
      primary key (merchant_id, id),
      foreign key (merchant_id, session_id) references checkout_sessions (merchant_id, id) on delete cascade
    );
    create unique index checkout_session_line_items_position_idx on checkout_session_line_items (merchant_id, session_id, position);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists checkout_session_line_items;
    drop table if exists checkout_sessions;
  `.execute(db);
}
