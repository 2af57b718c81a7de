import { z } from 'zod';
import { arrayParam, boolParam, listParamsShape } from './common.js';

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
  'charge.succeeded',
  'charge.failed',
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
  /** Stripe's: false finds events with a webhook still pending or failed; true those delivered everywhere. */
  delivery_success: boolParam().optional(),
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

// Dashboard: Developers > Events.

/** Unix seconds; the range is start inclusive, end exclusive. */
export const dashboardEventsInput = z.strictObject({
  type: eventTypeFilter.optional(),
  createdGte: z.number().int().min(0).optional(),
  createdLt: z.number().int().min(0).optional(),
  deliverySuccess: z.boolean().optional(),
  startingAfter: z.string().trim().min(1).max(100).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type DashboardEventsInput = z.input<typeof dashboardEventsInput>;

export const eventIdInput = z.strictObject({ id: z.string().trim().min(1).max(100) });
