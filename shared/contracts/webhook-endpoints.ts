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
