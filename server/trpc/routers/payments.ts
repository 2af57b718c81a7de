import {
  paymentCancelInput,
  paymentCaptureInput,
  paymentIdInput,
  paymentListFilters,
  paymentRefundInput,
} from '../../../shared/contracts/dashboard.js';
import * as dashboard from '../../core/dashboard/payments.service.js';
import { memberProcedure, router, fromReplica } from '../trpc.js';

const read = memberProcedure('payments:read');
const write = memberProcedure('payments:write');

/** Dashboard payments: the filtered list, one payment with everything about it, and the support actions. */
export const paymentsRouter = router({
  list: read.use(fromReplica).input(paymentListFilters).query(({ ctx, input }) => dashboard.findPayments(ctx.deps, ctx.scope, ctx.merchant.timezone, input)),
  get: read.input(paymentIdInput).query(({ ctx, input }) => dashboard.getPaymentDetail(ctx.deps, ctx.scope, input.id)),
  refund: write.input(paymentRefundInput).mutation(({ ctx, input }) => dashboard.refundPayment(ctx.deps, ctx.actor, input)),
  capture: write.input(paymentCaptureInput).mutation(({ ctx, input }) => dashboard.capturePayment(ctx.deps, ctx.actor, input)),
  cancel: write.input(paymentCancelInput).mutation(({ ctx, input }) => dashboard.cancelPayment(ctx.deps, ctx.actor, input)),
});
