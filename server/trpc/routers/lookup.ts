import { lookupInput } from '../../../shared/contracts/dashboard.js';
import { resolveLookup } from '../../core/dashboard/lookup.service.js';
import { memberProcedure, router } from '../trpc.js';

/** The command palette: an id opens that object, an email lists matching customers and payments. */
export const lookupRouter = router({
  resolve: memberProcedure('payments:read').input(lookupInput).query(({ ctx, input }) => resolveLookup(ctx.deps, ctx.scope, input.q)),
});
