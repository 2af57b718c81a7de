import {
  auditLogFilters, auditLogInput, changeMemberRoleInput, removeMemberInput, transferOwnershipInput, updateBusinessSettingsInput,
} from '../../../shared/contracts/settings.js';
import * as accounts from '../../core/accounts/accounts.service.js';
import { memberProcedure, router } from '../trpc.js';

/** Business settings, team and audit log of the current merchant. */
export const settingsRouter = router({
  // The session already carries the current merchant, read with the member's role.
  business: memberProcedure('settings:manage').query(({ ctx }) => ctx.merchant),

  updateBusiness: memberProcedure('settings:manage').input(updateBusinessSettingsInput).mutation(({ ctx, input }) =>
    accounts.updateMerchantSettings(ctx.deps.db, ctx.merchant.id, ctx.user.id, input, ctx.actor),
  ),

  members: memberProcedure('settings:manage').query(async ({ ctx }) => ({
    members: await accounts.findMembers(ctx.deps.db, ctx.merchant.id),
    currentUserId: ctx.user.id,
  })),

  /** The acting owner hands the owner role to another member and becomes an administrator. */
  transferOwnership: memberProcedure('settings:manage').input(transferOwnershipInput).mutation(async ({ ctx, input }) => {
    await accounts.transferOwnership(ctx.deps.db, ctx.merchant.id, { userId: ctx.user.id, role: ctx.role, ip: ctx.ip, userAgent: ctx.userAgent }, input.userId);
    return { ok: true };
  }),

  changeRole: memberProcedure('settings:manage').input(changeMemberRoleInput).mutation(async ({ ctx, input }) => {
    await accounts.changeMemberRole(ctx.deps.db, ctx.merchant.id, { userId: ctx.user.id, role: ctx.role, ip: ctx.ip, userAgent: ctx.userAgent }, input.userId, input.role);
    return { ok: true };
  }),

  removeMember: memberProcedure('settings:manage').input(removeMemberInput).mutation(async ({ ctx, input }) => {
    await accounts.removeTeamMember(ctx.deps.db, ctx.merchant.id, { userId: ctx.user.id, role: ctx.role, ip: ctx.ip, userAgent: ctx.userAgent }, input.userId);
    return { ok: true };
  }),

  auditLog: memberProcedure('audit:read').input(auditLogInput).query(({ ctx, input }) =>
    accounts.findAuditLog(ctx.deps.db, ctx.merchant.id, input.limit, input.cursor ?? undefined, input.filters),
  ),

  /** The audit log entries matching the filters, as CSV (RFC 4180), for the member to download. */
  auditLogCsv: memberProcedure('audit:read').input(auditLogFilters).query(async ({ ctx, input }) => ({
    filename: `audit-log-${ctx.merchant.id}-${new Date().toISOString().slice(0, 10)}.csv`,
    csv: await accounts.exportAuditLogCsv(ctx.deps.db, { ...ctx.actor, livemode: null }, input),
  })),
});
