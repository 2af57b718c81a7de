import type { Db } from '../db/database.js';

/**
 * Test helper: moves a payment made through the core back to a chosen creation time (its attempts with
 * it), as if it had been made then. List and date-filter tests need exact instants and ties; every other
 * column keeps the state the core gave it.
 */
export async function backdatePayment(db: Db, merchantId: string, id: string, createdAt: string | Date): Promise<void> {
  const at = new Date(createdAt);
  // Microsecond instants ('…59.999999Z') survive only as text; Date keeps milliseconds.
  const value = (typeof createdAt === 'string' ? createdAt : at.toISOString()) as unknown as Date;
  await db.updateTable('payment_intents').set({ created_at: value, updated_at: value }).where('merchant_id', '=', merchantId).where('id', '=', id).execute();
  await db.updateTable('payment_attempts').set({ created_at: value }).where('merchant_id', '=', merchantId).where('payment_intent_id', '=', id).execute();
}
