import type { Executor } from '../db/database.js';
import { inScope } from '../core/shared/scope.js';

/**
 * The hosted checkout's reads. The page is addressed by intent id alone (the client secret, checked by the
 * caller, is the credential), so the intent lookup is the one unscoped read; everything after it is scoped
 * to the intent's own merchant and mode.
 */
export function getCheckoutIntent(db: Executor, intentId: string) {
  return db
    .selectFrom('payment_intents')
    .innerJoin('merchants', 'merchants.id', 'payment_intents.merchant_id')
    .select([
      'payment_intents.id',
      'payment_intents.merchant_id',
      'payment_intents.livemode',
      'payment_intents.amount',
      'payment_intents.currency',
      'payment_intents.status',
      'payment_intents.description',
      'payment_intents.receipt_email',
      'payment_intents.client_secret',
      'payment_intents.success_url',
      'payment_intents.cancel_url',
      'payment_intents.expires_at',
      'payment_intents.cancellation_reason',
      'payment_intents.failed_attempts',
      'payment_intents.last_payment_error',
      'payment_intents.next_action',
      'payment_intents.card_last4',
      'merchants.name as merchant_name',
      'merchants.support_email as merchant_support_email',
    ])
    .where('payment_intents.id', '=', intentId)
    .executeTakeFirst();
}

export type CheckoutIntentRow = NonNullable<Awaited<ReturnType<typeof getCheckoutIntent>>>;

/** One usable publishable key of the merchant and mode: the checkout client confirms with it. */
export async function findActivePublishableKey(db: Executor, scope: { merchantId: string; livemode: boolean }): Promise<string | null> {
  const row = await db
    .selectFrom('api_keys')
    .select('publishable_token')
    .$call(inScope(scope))
    .where('type', '=', 'publishable')
    .where('revoked_at', 'is', null)
    .where('publishable_token', 'is not', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
    // A key without expiry (the current one) before a rolled key that is still in its grace period.
    .orderBy((eb) => eb.case().when('expires_at', 'is', null).then(0).else(1).end())
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.publishable_token ?? null;
}
