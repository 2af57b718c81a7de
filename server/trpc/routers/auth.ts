import { changePasswordInput, requestPasswordResetInput, resetPasswordInput, setModeInput, signInInput, signUpInput, switchMerchantInput, tokenInput } from '../../../shared/contracts/auth.js';
import { passkeySignInOptionsInput, verifySecondFactorInput } from '../../../shared/contracts/two-factor.js';
import * as accounts from '../../core/accounts/accounts.service.js';
import * as twoFactor from '../../core/two-factor/two-factor.service.js';
import { authedProcedure, publicProcedure, router } from '../trpc.js';

export const authRouter = router({
  /** The signed-in user, current merchant, role and mode; null when signed out (not an error). */
  me: publicProcedure.query(async ({ ctx }) => {
    const s = ctx.session;
    if (!s) return null;
    // liveProcessor: without a card-processor connector every live payment is declined; the dashboard says so.
    // twoFactorEnrolmentRequired: the account requires a second factor this member has not set up; the dashboard sends them to enrol.
    const twoFactorEnrolmentRequired = Boolean(s.merchant?.requireTwoFactor) && !(await twoFactor.hasSecondFactor(ctx.deps.db, s.user.id));
    return { user: s.user, merchant: s.merchant, role: s.role, livemode: s.livemode, memberships: s.memberships, liveProcessor: Boolean(ctx.deps.liveCardProcessor), emailVerified: s.emailVerified, merchantVerified: s.merchantVerified, twoFactorEnrolmentRequired };
  }),

  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    const created = await accounts.createMerchantWithOwner(ctx.deps.db, { ...input, verifyEmailAt: ctx.deps.appUrl, from: { ip: ctx.ip, userAgent: ctx.userAgent } });
    const session = await accounts.createSession(ctx.deps.db, created.user.id, created.merchant.id, { ip: ctx.ip, userAgent: ctx.userAgent });
    ctx.setSession(session.token, session.expiresAt);
    // This browser is the account's first known device: signing in here again sends no new-device mail.
    ctx.setDevice(accounts.issueDeviceToken(ctx.deps.secret, created.user.email));
    return { user: created.user, merchant: created.merchant };
  }),

  signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
    const result = await accounts.signIn(ctx.deps.db, { ...input, ip: ctx.ip, userAgent: ctx.userAgent, device: { secret: ctx.deps.secret, token: ctx.deviceToken }, appUrl: ctx.deps.appUrl });
    if (result.deviceToken) ctx.setDevice(result.deviceToken);
    // A correct password of a user with a second factor: no session yet, a challenge for auth.verifySecondFactor.
    if (result.twoFactor) return { user: result.user, twoFactor: { challenge: result.twoFactor.token, methods: result.twoFactor.methods } };
    ctx.setSession(result.token, result.expiresAt);
    return { user: result.user, twoFactor: null };
  }),

  /** WebAuthn options for signing in with a passkey (the challenge from auth.signIn). */
  passkeySignInOptions: publicProcedure.input(passkeySignInOptionsInput).mutation(({ ctx, input }) => twoFactor.passkeySignInOptions(ctx.deps, input.challenge)),

  verifySecondFactor: publicProcedure.input(verifySecondFactorInput).mutation(async ({ ctx, input }) => {
    const result = await accounts.completeSecondFactorSignIn(ctx.deps, input.challenge, input.proof, { ip: ctx.ip, userAgent: ctx.userAgent });
    ctx.setSession(result.token, result.expiresAt);
    return { user: result.user };
  }),

  signOut: authedProcedure.mutation(async ({ ctx }) => {
    await accounts.signOut(ctx.deps.db, ctx.session.tokenHash);
    ctx.clearSession();
    return { ok: true };
  }),

  /** Changes the signed-in user's password and signs out their other sessions; this one stays signed in. */
  changePassword: authedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    await accounts.changePassword(ctx.deps.db, ctx.session.user.id, input.currentPassword, input.newPassword, ctx.session.tokenHash, { ip: ctx.ip, userAgent: ctx.userAgent });
    return { ok: true };
  }),

  switchMerchant: authedProcedure.input(switchMerchantInput).mutation(async ({ ctx, input }) => {
    await accounts.switchMerchant(ctx.deps.db, ctx.session, input.merchantId);
    return { ok: true };
  }),

  setMode: authedProcedure.input(setModeInput).mutation(async ({ ctx, input }) => {
    await accounts.setMode(ctx.deps.db, ctx.session, input.livemode);
    return { livemode: input.livemode };
  }),

  // Mailed links: verify the email address, reset a forgotten password.
  verifyEmail: publicProcedure.input(tokenInput).mutation(({ ctx, input }) => accounts.verifyEmail(ctx.deps.db, input.token, { ip: ctx.ip, userAgent: ctx.userAgent })),

  resendVerification: authedProcedure.mutation(({ ctx }) => accounts.resendEmailVerification(ctx.deps.db, ctx.deps.appUrl, ctx.session.user.id)),

  /** The same answer whether or not the address has an account. */
  requestPasswordReset: publicProcedure.input(requestPasswordResetInput).mutation(async ({ ctx, input }) => {
    await accounts.requestPasswordReset(ctx.deps.db, ctx.deps.appUrl, input.email, { ip: ctx.ip, userAgent: ctx.userAgent });
    return { ok: true };
  }),

  checkResetLink: publicProcedure.input(tokenInput).query(({ ctx, input }) => accounts.checkPasswordResetLink(ctx.deps.db, input.token)),

  /** Sets the new password and signs out every session, this browser's included: the user signs in afresh. */
  resetPassword: publicProcedure.input(resetPasswordInput).mutation(async ({ ctx, input }) => {
    const result = await accounts.resetPassword(ctx.deps.db, input.token, input.password, { ip: ctx.ip, userAgent: ctx.userAgent });
    ctx.clearSession();
    return result;
  }),
});
