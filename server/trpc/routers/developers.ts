import { createRestrictedKeyInput } from '../../../shared/contracts/api-keys.js';
import { createSecretKeyInput, revokeApiKeyInput, rollApiKeyInput } from '../../../shared/contracts/settings.js';
import { recordAudit } from '../../core/accounts/accounts.service.js';
import * as apiKeys from '../../core/api-keys/api-keys.service.js';
import { memberProcedure, router } from '../trpc.js';

const manage = memberProcedure('developers:manage');
/** Creating, rolling and revoking: in live mode only roles with live-keys:manage (owner, admin). */
const changeKeys = memberProcedure('developers:manage', { live: 'live-keys:manage' });

/** API keys of the session's merchant and mode. A new secret is returned once, by the call that made it. */
export const developersRouter = router({
  keys: manage.query(async ({ ctx }) => ({ livemode: ctx.scope.livemode, keys: await apiKeys.findApiKeys(ctx.deps.db, ctx.scope) })),

  createSecretKey: changeKeys.input(createSecretKeyInput).mutation(({ ctx, input }) =>
    ctx.deps.db.transaction().execute(async (tx) => {
      const created = await apiKeys.createApiKey(tx, ctx.scope, 'secret', { name: input.name || null, createdBy: ctx.user.id });
      await recordAudit(tx, { ...ctx.actor, action: 'api_key.created', targetId: created.dto.id, data: { type: 'secret', name: created.dto.name }, ip: ctx.ip });
      return { key: created.dto, secret: created.plaintext };
    }),
  ),

  /** A restricted key (rk_): access per resource; shown once, like a secret key. */
  createRestrictedKey: changeKeys.input(createRestrictedKeyInput).mutation(({ ctx, input }) =>
    ctx.deps.db.transaction().execute(async (tx) => {
      const created = await apiKeys.createApiKey(tx, ctx.scope, 'restricted', { name: input.name, createdBy: ctx.user.id, permissions: input.permissions });
      await recordAudit(tx, { ...ctx.actor, action: 'api_key.created', targetId: created.dto.id, data: { type: 'restricted', name: created.dto.name, permissions: input.permissions }, ip: ctx.ip });
      return { key: created.dto, secret: created.plaintext };
    }),
  ),

  rollKey: changeKeys.input(rollApiKeyInput).mutation(async ({ ctx, input }) => {
    const created = await ctx.deps.db.transaction().execute(async (tx) => {
      const key = await apiKeys.rollApiKey(tx, ctx.scope, input.id, input.expiresInHours, ctx.user.id);
      await recordAudit(tx, { ...ctx.actor, action: 'api_key.rolled', targetId: input.id, data: { replacedBy: key.dto.id, expiresInHours: input.expiresInHours }, ip: ctx.ip });
      return key;
    });
    return { key: created.dto, secret: created.plaintext };
  }),

  revokeKey: changeKeys.input(revokeApiKeyInput).mutation(({ ctx, input }) =>
    ctx.deps.db.transaction().execute(async (tx) => {
      await apiKeys.revokeApiKey(tx, ctx.scope, input.id);
      await recordAudit(tx, { ...ctx.actor, action: 'api_key.revoked', targetId: input.id, ip: ctx.ip });
      return { ok: true };
    }),
  ),
});
