import { revokeSessionInput } from '../../../shared/contracts/auth.js';
import * as accounts from '../../core/accounts/accounts.service.js';
import { authedProcedure, router } from '../trpc.js';

/** Settings → Security: the signed-in user's own sessions (every member has them, whatever the role). */
export const sessionsRouter = router({
  list: authedProcedure.query(({ ctx }) => accounts.findSessions(ctx.deps.db, ctx.session)),

  revoke: authedProcedure.input(revokeSessionInput).mutation(async ({ ctx, input }) => {
    await accounts.revokeSession(ctx.deps.db, ctx.session, input.sessionId, { ip: ctx.ip, userAgent: ctx.userAgent });
    return { ok: true };
  }),

  revokeOthers: authedProcedure.mutation(async ({ ctx }) => ({ signedOut: await accounts.revokeOtherSessions(ctx.deps.db, ctx.session, { ip: ctx.ip, userAgent: ctx.userAgent }) })),
});
