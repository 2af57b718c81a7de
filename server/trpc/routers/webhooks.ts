import {
  dashboardEndpointInput,
  dashboardUpdateEndpointInput,
  deliveryIdInput,
  endpointIdInput,
  listDeliveriesInput,
  recoverFailedInput,
  recoveryIdInput,
  rollSecretInput,
  sendTestEventInput,
} from '../../../shared/contracts/webhook-endpoints.js';
import { dashboardEventsInput, EVENT_TYPES, eventIdInput } from '../../../shared/contracts/events.js';
import * as events from '../../core/events/events.service.js';
import { recordAudit } from '../../core/accounts/accounts.service.js';
import * as endpoints from '../../core/webhook-endpoints/webhook-endpoints.service.js';
import * as webhooks from '../../core/webhooks/webhooks.service.js';
import { memberProcedure, router } from '../trpc.js';

const manage = memberProcedure('developers:manage');
/** Seeing or replacing a signing secret: in live mode only roles with live-keys:manage, as for API keys. */
const secrets = memberProcedure('developers:manage', { live: 'live-keys:manage' });

/** Developers > Webhooks: endpoints of the session's merchant and mode, their delivery log and recovery. */
export const webhooksRouter = router({
  catalogue: manage.query(() => ({ eventTypes: [...EVENT_TYPES] })),

  endpoints: manage.query(async ({ ctx }) => (await endpoints.listWebhookEndpoints(ctx.deps, ctx.scope, { limit: 100 })).data),

  endpoint: manage.input(endpointIdInput).query(({ ctx, input }) => endpoints.getWebhookEndpoint(ctx.deps, ctx.scope, input.id)),

  // The URL's DNS check (checkEndpointUrl) runs before the transaction that writes and audits the change opens.
  create: manage.input(dashboardEndpointInput).mutation(async ({ ctx, input }) => {
    const checked = await endpoints.checkEndpointUrl(ctx.scope, input);
    return ctx.deps.db.transaction().execute(async (tx) => {
      const created = await endpoints.createWebhookEndpoint(ctx.deps, ctx.actor, checked, tx);
      await recordAudit(tx, { ...ctx.actor, action: 'webhook_endpoint.created', targetId: created.id, data: { url: created.url }, ip: ctx.ip });
      return created;
    });
  }),

  update: manage.input(dashboardUpdateEndpointInput).mutation(async ({ ctx, input }) => {
    const { id, ...changes } = input;
    await endpoints.checkEndpointUrl(ctx.scope, changes);
    return ctx.deps.db.transaction().execute(async (tx) => {
      const updated = await endpoints.updateWebhookEndpoint(ctx.deps, ctx.actor, id, changes, tx);
      await recordAudit(tx, { ...ctx.actor, action: 'webhook_endpoint.updated', targetId: id, data: changes });
      return updated;
    });
  }),

  remove: manage.input(endpointIdInput).mutation(({ ctx, input }) =>
    ctx.deps.db.transaction().execute(async (tx) => {
      const deleted = await endpoints.deleteWebhookEndpoint(ctx.deps, ctx.actor, input.id, tx);
      await recordAudit(tx, { ...ctx.actor, action: 'webhook_endpoint.deleted', targetId: input.id });
      return deleted;
    }),
  ),

  /** Shows the signing secret again; every reveal is in the audit log. */
  revealSecret: secrets.input(endpointIdInput).mutation(async ({ ctx, input }) => {
    const secret = await endpoints.getWebhookEndpointSecret(ctx.deps, ctx.scope, input.id);
    await recordAudit(ctx.deps.db, { ...ctx.actor, action: 'webhook_endpoint.secret_revealed', targetId: input.id, ip: ctx.ip });
    return { secret };
  }),

  rollSecret: secrets.input(rollSecretInput).mutation(({ ctx, input }) =>
    ctx.deps.db.transaction().execute(async (tx) => {
      const rolled = await endpoints.rollWebhookEndpointSecret(ctx.deps, ctx.actor, input.id, input.overlapHours, tx);
      await recordAudit(tx, { ...ctx.actor, action: 'webhook_endpoint.secret_rolled', targetId: input.id, data: { overlapHours: input.overlapHours }, ip: ctx.ip });
      return rolled;
    }),
  ),

  sendTestEvent: manage.input(sendTestEventInput).mutation(({ ctx, input }) => webhooks.sendTestEvent(ctx.deps, ctx.actor, input.id, input.type)),

  deliveries: manage.input(listDeliveriesInput).query(({ ctx, input }) => webhooks.listDeliveries(ctx.deps, ctx.scope, input)),

  /** Developers > Events: newest first, by type, date range and delivery outcome. */
  events: manage.input(dashboardEventsInput).query(async ({ ctx, input }) => {
    const created = input.createdGte !== undefined || input.createdLt !== undefined ? { ...(input.createdGte !== undefined ? { gte: input.createdGte } : {}), ...(input.createdLt !== undefined ? { lt: input.createdLt } : {}) } : undefined;
    const page = await events.listEvents(ctx.deps, ctx.scope, {
      limit: input.limit,
      ...(input.type ? { type: input.type } : {}),
      ...(created ? { created } : {}),
      ...(input.deliverySuccess !== undefined ? { delivery_success: input.deliverySuccess } : {}),
      ...(input.startingAfter ? { starting_after: input.startingAfter } : {}),
    }, '/v1/events');
    return { events: page.data, hasMore: page.has_more };
  }),

  /** One event with its payload and its deliveries to every endpoint. */
  event: manage.input(eventIdInput).query(async ({ ctx, input }) => ({
    event: await events.getEvent(ctx.deps, ctx.scope, input.id),
    deliveries: await webhooks.listDeliveries(ctx.deps, ctx.scope, { eventId: input.id, limit: 100 }),
  })),

  attempts: manage.input(deliveryIdInput).query(({ ctx, input }) => webhooks.listAttempts(ctx.deps, ctx.scope, input.id)),

  resend: manage.input(deliveryIdInput).mutation(async ({ ctx, input }) => (await webhooks.resendDelivery(ctx.deps, ctx.scope, input.id), { ok: true })),

  /** Starts a recovery job; `recovery` and `latestRecovery` show its progress. */
  recoverFailed: manage.input(recoverFailedInput).mutation(({ ctx, input }) =>
    webhooks.startRecovery(ctx.deps, ctx.actor, input.id, new Date(input.since * 1000), {
      eventType: input.eventType ?? null, eventId: input.eventId ?? null, until: input.until !== undefined ? new Date(input.until * 1000) : null,
    }),
  ),

  recovery: manage.input(recoveryIdInput).query(({ ctx, input }) => webhooks.getRecovery(ctx.deps, ctx.scope, input.id)),

  latestRecovery: manage.input(endpointIdInput).query(({ ctx, input }) => webhooks.getLatestRecovery(ctx.deps, ctx.scope, input.id)),
});
