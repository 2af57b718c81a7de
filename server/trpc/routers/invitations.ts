import { acceptInvitationInput, tokenInput } from '../../../shared/contracts/auth.js';
import { invitationIdInput, inviteMemberInput } from '../../../shared/contracts/settings.js';
import * as accounts from '../../core/accounts/accounts.service.js';
import { memberProcedure, publicProcedure, router } from '../trpc.js';

/** Invitations to the current merchant's team (settings:manage), and the invitee's side of the link (public). */
export const invitationsRouter = router({
  list: memberProcedure('settings:manage').query(({ ctx }) => accounts.findInvitations(ctx.deps.db, ctx.merchant.id)),

  create: memberProcedure('settings:manage').input(inviteMemberInput).mutation(({ ctx, input }) =>
    accounts.inviteMember(ctx.deps.db, ctx.merchant.id, mailActor(ctx), input),
  ),

  resend: memberProcedure('settings:manage').input(invitationIdInput).mutation(({ ctx, input }) =>
    accounts.resendInvitation(ctx.deps.db, ctx.merchant.id, mailActor(ctx), input.invitationId),
  ),

  revoke: memberProcedure('settings:manage').input(invitationIdInput).mutation(async ({ ctx, input }) => {
    await accounts.revokeInvitation(ctx.deps.db, ctx.merchant.id, { userId: ctx.user.id, role: ctx.role, ip: ctx.ip, userAgent: ctx.userAgent }, input.invitationId);
    return { ok: true };
  }),

  preview: publicProcedure.input(tokenInput).query(({ ctx, input }) => accounts.previewInvitation(ctx.deps.db, input.token)),

  /** Creates the account (and signs it in) or attaches the signed-in one; either way the session lands in the merchant joined. */
  accept: publicProcedure.input(acceptInvitationInput).mutation(async ({ ctx, input }) => {
    const result = await accounts.acceptInvitation(ctx.deps.db, input.token, { session: ctx.session, name: input.name, password: input.password, ip: ctx.ip, userAgent: ctx.userAgent });
    if (result.session) {
      ctx.setSession(result.session.token, result.session.expiresAt);
      ctx.setDevice(accounts.issueDeviceToken(ctx.deps.secret, result.user.email));
    }
    return { merchantId: result.merchantId, user: result.user };
  }),
});

function mailActor(ctx: { user: { id: string; name: string }; role: import('../../../shared/permissions.js').Role; ip: string; userAgent: string | null; merchant: { name: string }; deps: { appUrl: string } }) {
  return { userId: ctx.user.id, role: ctx.role, ip: ctx.ip, userAgent: ctx.userAgent, appUrl: ctx.deps.appUrl, inviterName: ctx.user.name, merchantName: ctx.merchant.name };
}
