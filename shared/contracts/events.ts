import { z } from 'zod';
import { arrayParam, listParamsShape } from './common.js';

export const EVENT_TYPES = [
  'payment_intent.created',
  'payment_intent.requires_action',
  'payment_intent.amount_capturable_updated',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'refund.created',
  'refund.updated',
  'refund.failed',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'checkout.session.completed',
  'checkout.session.expired',
  'charge.refunded',
  'balance.available',
  'payout.created',
  'payout.updated',
  'payout.paid',
  'payout.failed',
  'payment_method.attached',
  'payment_method.detached',
  'payment_method.updated',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
] as const;

export const API_VERSION = '2024-06-20';

/** `type` accepts Stripe's wildcard suffix, e.g. `payment_intent.*`. */
const eventTypeFilter = z.string().trim().max(100).regex(/^[a-z_]+(\.[a-z_]+)*(\.\*)?$|^\*$/, 'Invalid event type');

export const listEventsParams = z.strictObject({
  ...listParamsShape,
  type: eventTypeFilter.optional(),
  types: arrayParam(eventTypeFilter).refine((a) => a.length <= 20, 'At most 20 types').optional(),
  delivery_success: z.unknown().optional(),
});
export type ListEventsInput = z.input<typeof listEventsParams>;

export interface EventDto {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}
