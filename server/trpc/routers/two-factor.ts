import {
  confirmTotpInput, passwordConfirmation, registerPasskeyInput, removePasskeyInput, requireTwoFactorInput, resetMemberTwoFactorInput,
} from '../../../shared/contracts/two-factor.js';
import * as accounts from '../../core/accounts/accounts.service.js';
import * as twoFactor from '../../core/two-factor/two-factor.service.js';
import { authedProcedure, memberProcedure, router } from '../trpc.js';

/**
 * Settings → Security: the signed-in user's own second factors (any signed-in user, also one whose account
 * requires two-factor and who has none yet), and the owner's controls for the team.
 */
export const twoFactorRouter = router({
  status: authedProcedure.query(({ ctx }) => twoFactor.getTwoFactorStatus(ctx.deps.db, ctx.session.user.id)),

  startTotp: authedProcedure.mutation(({ ctx }) => twoFactor.startTotpEnrolment(ctx.deps, ctx.session.user)),

  confirmTotp: authedProcedure.input(confirmTotpInput).mutation(({ ctx, input }) =>
    twoFactor.confirmTotpEnrolment(ctx.deps, ctx.session.user.id, input.code, { ip: ctx.ip, userAgent: ctx.userAgent }),
  ),

  disableTotp: authedProcedure.input(passwordConfirmation).mutation(async ({ ctx, input }) => {
    await twoFactor.disableTotp(ctx.deps, ctx.session.user.id, input.password, { ip: ctx.ip, userAgent: ctx.userAgent });
    return { ok: true };
  }),

  regenerateRecoveryCodes: authedProcedure.input(passwordConfirmation).mutation(async ({ ctx, input }) => ({
    recoveryCodes: await twoFactor.regenerateRecoveryCodes(ctx.deps, ctx.session.user.id, input.password, { ip: ctx.ip, userAgent: ctx.userAgent }),
  })),

  passkeyOptions: authedProcedure.mutation(({ ctx }) => twoFactor.passkeyRegistrationOptions(ctx.deps, ctx.session.user)),

  registerPasskey: authedProcedure.input(registerPasskeyInput).mutation(({ ctx, input }) =>
    twoFactor.registerPasskey(ctx.deps, ctx.session.user.id, input, { ip: ctx.ip, userAgent: ctx.userAgent }),
  ),

  removePasskey: authedProcedure.input(removePasskeyInput).mutation(async ({ ctx, input }) => {
    await twoFactor.removePasskey(ctx.deps, ctx.session.user.id, input.id, input.password, { ip: ctx.ip, userAgent: ctx.userAgent });
    return { ok: true };
  }),

  /** Every member and whether they have a second factor, with the account's rule. */
  team: memberProcedure('settings:manage').query(async ({ ctx }) => {
    const members = await accounts.findMembers(ctx.deps.db, ctx.merchant.id);
    const status = new Map((await twoFactor.findTeamTwoFactor(ctx.deps.db, members)).map((m) => [m.userId, m.enabled]));
    return {
      required: ctx.merchant.requireTwoFactor,
      members: members.map((m) => ({ userId: m.userId, email: m.email, name: m.name, role: m.role, enabled: status.get(m.userId) ?? false })),
    };
  }),

  setRequired: memberProcedure('settings:manage').input(requireTwoFactorInput).mutation(({ ctx, input }) =>
    twoFactor.setTwoFactorRequired(ctx.deps.db, { ...ctx.actor, role: ctx.role, userId: ctx.user.id }, input.required),
  ),

  resetMember: memberProcedure('settings:manage').input(resetMemberTwoFactorInput).mutation(async ({ ctx, input }) => {
    const members = await accounts.findMembers(ctx.deps.db, ctx.merchant.id);
    await twoFactor.resetMemberTwoFactor(ctx.deps.db, { ...ctx.actor, role: ctx.role, userId: ctx.user.id }, input.userId, members.some((m) => m.userId === input.userId));
    return { ok: true };
  }),
});
