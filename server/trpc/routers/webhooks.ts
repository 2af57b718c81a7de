import {
  dashboardEndpointInput,
  dashboardUpdateEndpointInput,
  deliveryIdInput,
  endpointIdInput,
  listDeliveriesInput,
  recoverFailedInput,
  rollSecretInput,
  sendTestEventInput,
} from '../../../shared/contracts/webhook-endpoints.js';
import { EVENT_TYPES } from '../../../shared/contracts/events.js';
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

  create: manage.input(dashboardEndpointInput).mutation(({ ctx, input }) =>
    ctx.deps.db.transaction().execute(async (tx) => {
      const created = await endpoints.createWebhookEndpoint(ctx.deps, ctx.actor, input, tx);
      await recordAudit(tx, { ...ctx.actor, action: 'webhook_endpoint.created', targetId: created.id, data: { url: created.url }, ip: ctx.ip });
      return created;
    }),
  ),

  update: manage.input(dashboardUpdateEndpointInput).mutation(({ ctx, input }) => {
    const { id, ...changes } = input;
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

  deliveries: manage.input(listDeliveriesInput).query(({ ctx, input }) => webhooks.listDeliveries(ctx.deps, ctx.scope, input.endpointId, input)),

  attempts: manage.input(deliveryIdInput).query(({ ctx, input }) => webhooks.listAttempts(ctx.deps, ctx.scope, input.id)),

  resend: manage.input(deliveryIdInput).mutation(async ({ ctx, input }) => (await webhooks.resendDelivery(ctx.deps, ctx.scope, input.id), { ok: true })),

  recoverFailed: manage.input(recoverFailedInput).mutation(async ({ ctx, input }) => ({
    queued: await webhooks.recoverFailedSince(ctx.deps, ctx.scope, input.id, new Date(input.since * 1000)),
  })),
});
