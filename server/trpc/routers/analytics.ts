import { analyticsOverviewInput } from '../../../shared/contracts/analytics.js';
import { getOverview } from '../../core/analytics/analytics.service.js';
import { memberProcedure, router, fromReplica } from '../trpc.js';

const read = memberProcedure('analytics:read');

/** Home analytics: key figures, series and breakdowns from the rollups. */
export const analyticsRouter = router({
  overview: read.use(fromReplica).input(analyticsOverviewInput).query(({ ctx, input }) => getOverview(ctx.deps, ctx.scope, input)),
});
