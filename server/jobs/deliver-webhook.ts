import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { CoreDeps } from '../core/shared/deps.js';
import { drainEndpoint, type DeliveryOptions } from '../core/webhooks/webhooks.service.js';

const payload = z.object({ merchantId: z.string().min(1), livemode: z.boolean(), deliveryId: z.string().min(1), deferred: z.boolean().optional() });

/**
 * Queued with each outbox row in the statement that writes its event (and again for each retry or
 * resend), in the endpoint's own job queue. It drains the endpoint's due deliveries with a few calls in
 * flight (ADR 021); the schedule of retries is ours (the task reschedules and
 * completes); graphile-worker's own retries only cover the task throwing (database trouble, a held lease).
 */
export const deliverWebhookTask = (deps: CoreDeps, options: DeliveryOptions): Task => async (raw) => {
  const { merchantId, livemode, deliveryId, deferred } = payload.parse(raw);
  await drainEndpoint(deps, { merchantId, livemode }, deliveryId, options, { deferred });
};
