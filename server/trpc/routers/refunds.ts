import { refundIdInput, refundListFilters } from '../../../shared/contracts/dashboard.js';
import * as dashboard from '../../core/dashboard/refunds.service.js';
import { memberProcedure, router, fromReplica } from '../trpc.js';

const read = memberProcedure('payments:read');

/** Dashboard refunds list and detail; refunds are issued from a payment (payments.refund). */
export const refundsRouter = router({
  list: read.use(fromReplica).input(refundListFilters).query(({ ctx, input }) => dashboard.findRefunds(ctx.deps, ctx.scope, ctx.merchant.timezone, input)),
  get: read.input(refundIdInput).query(({ ctx, input }) => dashboard.getRefundDetail(ctx.deps, ctx.scope, input.id)),
});
