import { type Kysely, sql } from 'kysely';

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
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index if exists payment_methods_list_idx;
    drop index if exists payment_methods_customer_idx;
    alter table payment_methods drop column if exists detached_at, drop column if exists metadata;
  `.execute(db);
}
