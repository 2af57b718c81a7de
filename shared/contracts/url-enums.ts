/**
 * Value lists that dashboard URL schemas (the routes' `validateSearch`) check against. They live apart from
 * their contracts (balance.ts, settings.ts, which re-export them) because every route's search schema is in
 * the route tree that loads on every page: importing the whole contract there would put it in the initial
 * bundle (web/features/payments/bundle-size.test.ts).
 */

export const BALANCE_TRANSACTION_TYPES = [
  'charge',
  'refund',
  'refund_failure',
  'adjustment',
  'payout',
  'payout_failure',
  'payout_cancel',
] as const;

/** Who acted: a member (dashboard), an API key (REST API) or PaymentFlow itself. */
export const AUDIT_ACTOR_KINDS = ['member', 'api_key', 'system'] as const;
