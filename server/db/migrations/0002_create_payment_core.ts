import { type Kysely, sql } from 'kysely';

// Frozen. Every tenant table leads with (merchant_id, livemode) and so does every index, so the schema
// can be distributed by merchant without redesign and every query is scoped to merchant and mode.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table api_keys (
      id text primary key,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      type text not null check (type in ('publishable','secret')),
      name text,
      -- Secret keys: only the SHA-256 hash is stored. Publishable keys are public by design.
      secret_hash text not null unique,
      publishable_token text unique,
      prefix text not null,
      last4 text not null,
      created_by text references users(id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz
    );
    create index api_keys_merchant_idx on api_keys (merchant_id, livemode, created_at desc);

    create table customers (
      id text primary key,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      email text,
      name text,
      phone text,
      description text,
      metadata jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    );
    create index customers_list_idx on customers (merchant_id, livemode, created_at desc, id desc) where deleted_at is null;
    create index customers_email_idx on customers (merchant_id, livemode, lower(email)) where deleted_at is null;
    create index customers_email_trgm_idx on customers using gin (lower(email) gin_trgm_ops);
    create index customers_name_trgm_idx on customers using gin (lower(name) gin_trgm_ops);
    create index customers_metadata_idx on customers using gin (metadata jsonb_path_ops);

    create table payment_methods (
      id text primary key,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      customer_id text,
      type text not null default 'card',
      card_brand text not null,
      card_last4 text not null,
      card_exp_month integer not null,
      card_exp_year integer not null,
      card_funding text not null default 'credit',
      card_country text,
      -- HMAC of the card number with a server key: the same card is recognisable, the number is not stored.
      card_fingerprint text not null,
      -- What the test-card simulator does with this card (never the number or CVC).
      test_behavior text,
      billing_name text,
      billing_email text,
      created_at timestamptz not null default now()
    );
    create index payment_methods_fingerprint_idx on payment_methods (merchant_id, livemode, card_fingerprint);

    create table payment_intents (
      id text primary key,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      amount bigint not null,
      currency text not null,
      status text not null,
      capture_method text not null default 'automatic',
      confirmation_method text not null default 'automatic',
      customer_id text references customers(id),
      payment_method_id text references payment_methods(id),
      description text,
      metadata jsonb not null default '{}',
      receipt_email text,
      statement_descriptor text,
      client_secret text not null,
      amount_capturable bigint not null default 0,
      amount_received bigint not null default 0,
      amount_refunded bigint not null default 0,
      canceled_at timestamptz,
      cancellation_reason text,
      last_payment_error jsonb,
      next_action jsonb,
      -- Card snapshot of the last attempt, for lists and search without joins.
      card_brand text,
      card_last4 text,
      card_fingerprint text,
      failed_attempts integer not null default 0,
      success_url text,
      cancel_url text,
      expires_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index payment_intents_list_idx on payment_intents (merchant_id, livemode, created_at desc, id desc);
    create index payment_intents_status_idx on payment_intents (merchant_id, livemode, status, created_at desc, id desc);
    create index payment_intents_amount_idx on payment_intents (merchant_id, livemode, amount desc, id desc);
    create index payment_intents_currency_idx on payment_intents (merchant_id, livemode, currency, created_at desc, id desc);
    create index payment_intents_customer_idx on payment_intents (merchant_id, livemode, customer_id, created_at desc, id desc);
    create index payment_intents_last4_idx on payment_intents (merchant_id, livemode, card_last4, created_at desc, id desc);
    create index payment_intents_fingerprint_idx on payment_intents (merchant_id, livemode, card_fingerprint);
    create index payment_intents_refunded_idx on payment_intents (merchant_id, livemode, created_at desc, id desc) where amount_refunded > 0;
    create index payment_intents_expiry_idx on payment_intents (expires_at) where status in ('requires_payment_method','requires_confirmation','requires_action');
    create index payment_intents_metadata_idx on payment_intents using gin (metadata jsonb_path_ops);
    create index payment_intents_description_trgm_idx on payment_intents using gin (lower(description) gin_trgm_ops);
    create index payment_intents_receipt_email_trgm_idx on payment_intents using gin (lower(receipt_email) gin_trgm_ops);

    create table payment_attempts (
      id text primary key,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      payment_intent_id text not null references payment_intents(id) on delete cascade,
      payment_method_id text references payment_methods(id),
      outcome text not null check (outcome in ('succeeded','failed','requires_action','authorized')),
      failure_code text,
      decline_code text,
      failure_message text,
      card_brand text,
      card_last4 text,
      card_exp_month integer,
      card_exp_year integer,
      card_fingerprint text,
      three_d_secure text,
      created_at timestamptz not null default now()
    );
    create index payment_attempts_intent_idx on payment_attempts (merchant_id, livemode, payment_intent_id, created_at);

    create table refunds (
      id text primary key,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      payment_intent_id text not null references payment_intents(id),
      amount bigint not null check (amount > 0),
      currency text not null,
      status text not null check (status in ('pending','succeeded','failed','canceled')),
      reason text check (reason in ('duplicate','fraudulent','requested_by_customer')),
      failure_reason text,
      metadata jsonb not null default '{}',
      note text,
      created_by_user_id text references users(id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index refunds_list_idx on refunds (merchant_id, livemode, created_at desc, id desc);
    create index refunds_status_idx on refunds (merchant_id, livemode, status, created_at desc, id desc);
    create index refunds_amount_idx on refunds (merchant_id, livemode, amount desc, id desc);
    create index refunds_intent_idx on refunds (merchant_id, livemode, payment_intent_id, created_at desc);
    create index refunds_pending_idx on refunds (created_at) where status = 'pending';

    create table events (
      id text primary key,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      type text not null,
      api_version text not null,
      object_id text not null,
      data jsonb not null,
      request_id text,
      idempotency_key text,
      created_at timestamptz not null default now()
    );
    create index events_list_idx on events (merchant_id, livemode, created_at desc, id desc);
    create index events_type_idx on events (merchant_id, livemode, type, created_at desc, id desc);
    create index events_object_idx on events (merchant_id, livemode, object_id, created_at);

    create table webhook_endpoints (
      id text primary key,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      url text not null,
      description text,
      enabled_events text[] not null,
      status text not null default 'enabled' check (status in ('enabled','disabled')),
      api_version text,
      metadata jsonb not null default '{}',
      secret_encrypted text not null,
      previous_secret_encrypted text,
      previous_secret_expires_at timestamptz,
      failing_since timestamptz,
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    );
    create index webhook_endpoints_list_idx on webhook_endpoints (merchant_id, livemode, created_at desc, id desc) where deleted_at is null;

    -- Outbox: written in the transaction that makes the change; the delivery worker drains it.
    create table webhook_deliveries (
      id text primary key,
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      endpoint_id text not null references webhook_endpoints(id) on delete cascade,
      event_id text not null references events(id) on delete cascade,
      status text not null default 'pending' check (status in ('pending','succeeded','failed')),
      attempt_count integer not null default 0,
      next_attempt_at timestamptz,
      last_status_code integer,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending';
    create index webhook_deliveries_event_idx on webhook_deliveries (merchant_id, livemode, event_id);
    create index webhook_deliveries_endpoint_idx on webhook_deliveries (merchant_id, livemode, endpoint_id, created_at desc);

    create table webhook_attempts (
      id bigserial primary key,
      delivery_id text not null references webhook_deliveries(id) on delete cascade,
      status_code integer,
      error text,
      latency_ms integer,
      response_excerpt text,
      created_at timestamptz not null default now()
    );
    create index webhook_attempts_delivery_idx on webhook_attempts (delivery_id, created_at);

    create table idempotency_keys (
      merchant_id text not null references merchants(id) on delete cascade,
      livemode boolean not null,
      key text not null,
      request_method text not null,
      request_path text not null,
      request_hash text not null,
      status text not null check (status in ('in_progress','completed')),
      response_status integer,
      response_body jsonb,
      locked_until timestamptz,
      created_at timestamptz not null default now(),
      primary key (merchant_id, livemode, key)
    );
    create index idempotency_keys_created_idx on idempotency_keys (created_at);

    -- Token buckets shared by every server instance.
    create unlogged table rate_limits (
      bucket text primary key,
      tokens double precision not null,
      updated_at timestamptz not null default clock_timestamp()
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists rate_limits, idempotency_keys, webhook_attempts, webhook_deliveries, webhook_endpoints,
      events, refunds, payment_attempts, payment_intents, payment_methods, customers, api_keys cascade;
  `.execute(db);
}
