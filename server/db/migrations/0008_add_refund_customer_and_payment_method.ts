import { type Kysely, sql } from 'kysely';

// Stripe's Refund carries the customer and payment method of the payment it refunds (always present in the
// SDK's types). They are copied when the refund is created, as the payment's customer may change later.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table refunds add column customer_id text, add column payment_method_id text;
    update refunds r set customer_id = pi.customer_id, payment_method_id = pi.payment_method_id
      from payment_intents pi
      where pi.merchant_id = r.merchant_id and pi.livemode = r.livemode and pi.id = r.payment_intent_id;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table refunds drop column if exists customer_id, drop column if exists payment_method_id`.execute(db);
}
