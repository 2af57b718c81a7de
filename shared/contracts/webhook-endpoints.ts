import { z } from 'zod';
import { arrayParam, boolParam, clearableText, expandParam, listParamsShape, metadataParam } from './common.js';
import { EVENT_TYPES } from './events.js';

const enabledEventsParam = arrayParam(
  z.string().refine((t) => t === '*' || (EVENT_TYPES as readonly string[]).includes(t), {
    message: `Must be "*" or one of: ${EVENT_TYPES.join(', ')}`,
  }),
).refine((a) => a.length > 0, 'Choose at least one event');

const webhookUrl = z
  .string()
  .trim()
  .max(2048)
  .url('Invalid URL')
  .refine((u) => /^https?:\/\//i.test(u), 'The URL must use http or https');

export const createWebhookEndpointParams = z.strictObject({
  url: webhookUrl,
  enabled_events: enabledEventsParam,
  description: z.string().max(5000).optional(),
  metadata: metadataParam.optional(),
  api_version: z.string().max(64).optional(),
  connect: boolParam().optional(),
  expand: expandParam.optional(),
});
export type CreateWebhookEndpointInput = z.input<typeof createWebhookEndpointParams>;

export const updateWebhookEndpointParams = z.strictObject({
  url: webhookUrl.optional(),
  enabled_events: enabledEventsParam.optional(),
  description: clearableText(5000).optional(),
  metadata: metadataParam.optional(),
  disabled: boolParam().optional(),
  expand: expandParam.optional(),
});
export type UpdateWebhookEndpointInput = z.input<typeof updateWebhookEndpointParams>;

export const listWebhookEndpointsParams = z.strictObject({ ...listParamsShape });
export type ListWebhookEndpointsInput = z.input<typeof listWebhookEndpointsParams>;

export interface WebhookEndpointDto {
  id: string;
  object: 'webhook_endpoint';
  api_version: string | null;
  application: null;
  created: number;
  description: string | null;
  enabled_events: string[];
  livemode: boolean;
  metadata: Record<string, string>;
  /** Only in the response to create (Stripe's behaviour); never readable again. */
  secret?: string;
  status: 'enabled' | 'disabled';
  url: string;
}

// Dashboard (tRPC) inputs and views of the delivery log.

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const endpointId = z.string().trim().min(1).max(100);

export const endpointIdInput = z.strictObject({ id: endpointId });

export const listDeliveriesInput = z.strictObject({
  endpointId,
  status: z.enum(DELIVERY_STATUSES).optional(),
  eventType: z.string().trim().min(1).max(100).optional(),
  eventId: z.string().trim().min(1).max(100).optional(),
  /** Unix seconds: created at or after. */
  createdGte: z.number().int().min(0).optional(),
  /** Unix seconds: created before. */
  createdLt: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(100).default(50),
});
export type ListDeliveriesInput = z.input<typeof listDeliveriesInput>;

export const deliveryIdInput = z.strictObject({ id: z.string().trim().min(1).max(100) });

export const sendTestEventInput = z.strictObject({ id: endpointId, type: z.string().trim().min(1).max(100).default('payment_intent.succeeded') });

export const recoverFailedInput = z.strictObject({
  id: endpointId,
  /** Unix seconds: every failed delivery created since then is sent again, oldest first. */
  since: z.number().int().min(0),
  /** Only deliveries of this event type (the log's current filter). */
  eventType: z.string().trim().min(1).max(100).optional(),
  /** Only this event's deliveries (the log's current filter). */
  eventId: z.string().trim().regex(/^evt_[A-Za-z0-9_]{1,100}$/, 'Must be an event id (evt_…)').optional(),
  /** Unix seconds, exclusive: only deliveries created before then (the log's "To" filter). */
  until: z.number().int().min(0).optional(),
});
/** A "Recover failed since" job and its progress. */
export interface RecoveryDto {
  id: string;
  endpointId: string;
  since: number;
  eventType: string | null;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  /** Failed deliveries found when the job started (null until then). */
  total: number | null;
  /** Sent again so far (in order, into the endpoint's queue). */
  queued: number;
  /** Of those, delivered since the recovery started. */
  delivered: number;
  error: string | null;
  created: number;
  finished: number | null;
}

export const recoveryIdInput = z.strictObject({ id: z.string().trim().min(1).max(100) });

export const rollSecretInput = z.strictObject({ id: endpointId, overlapHours: z.number().min(0).max(24).default(24) });

export const dashboardEndpointInput = z.strictObject({
  url: z.string(),
  enabled_events: z.array(z.string()).min(1, 'Choose at least one event'),
  description: z.string().max(5000).optional(),
});
export const dashboardUpdateEndpointInput = dashboardEndpointInput.partial().extend({ id: endpointId, disabled: z.boolean().optional() });

export interface DeliveryDto {
  id: string;
  endpointId: string;
  /** The endpoint's URL, or `cli://<device>` for a local listener. */
  endpointUrl: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  lastStatusCode: number | null;
  nextAttempt: number | null;
  created: number;
}

export interface DeliveryAttemptDto {
  id: string;
  created: number;
  statusCode: number | null;
  error: string | null;
  latencyMs: number | null;
  requestHeaders: Record<string, string> | null;
  requestBody: string | null;
  responseHeaders: Record<string, string> | null;
  responseExcerpt: string | null;
}

// Local forwarding: `npm run cli -- listen` opens a listen session (one per device, test mode only), holds
// its event stream and reports what the local receiver answered for each delivery.

export const startListenSessionParams = z.strictObject({
  /** The session (and its signing secret) belongs to this device: the same name gets the same secret. */
  device_name: z.string().trim().min(1).max(100).regex(/^[\w.@-]+$/, 'Use letters, digits, dots, dashes, @ and underscores'),
  /** Event types to forward; all of them when left out. */
  events: enabledEventsParam.optional(),
});
export type StartListenSessionInput = z.input<typeof startListenSessionParams>;

export interface ListenSessionDto {
  id: string;
  object: 'listen_session';
  device_name: string;
  enabled_events: string[];
  livemode: false;
  /** The signing secret of everything forwarded to this device, kept across restarts of the CLI. */
  secret: string;
}

/** One forwarded delivery, as the stream hands it to the CLI: POST `body` with `headers` to the local URL. */
export interface ListenDeliveryMessage {
  delivery_id: string;
  event_id: string;
  event_type: string;
  headers: Record<string, string>;
  body: string;
}

/** What the local receiver answered (or the network error), reported back by the CLI. */
export const listenResultParams = z.strictObject({
  status_code: z.coerce.number().int().min(100).max(599).optional(),
  error: z.string().max(1000).optional(),
  latency_ms: z.coerce.number().int().min(0).max(3_600_000),
  request_headers: z.record(z.string(), z.string().max(4096)).optional(),
  request_body: z.string().max(1_000_000).optional(),
  response_headers: z.record(z.string(), z.string().max(4096)).optional(),
  response_body: z.string().max(100_000).optional(),
}).refine((r) => r.status_code !== undefined || r.error !== undefined, 'Send status_code or error');
export type ListenResultInput = z.input<typeof listenResultParams>;
