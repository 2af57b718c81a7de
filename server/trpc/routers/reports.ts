import { createReportRunInput, reportRunIdInput, reportRunListInput } from '../../../shared/contracts/reports.js';
import * as reports from '../../core/reports/reports.service.js';
import { memberProcedure, router } from '../trpc.js';

const exports = memberProcedure('exports:manage');

/** Reports (exports): start a run, follow its progress, get a short-lived download link. */
export const reportsRouter = router({
  types: exports.query(({ ctx }) => reports.findReportTypeViews(ctx.deps, ctx.scope, ctx.user.id)),
  list: exports.input(reportRunListInput).query(({ ctx, input }) => reports.findReportRunViews(ctx.deps, ctx.scope, input.limit)),
  get: exports.input(reportRunIdInput).query(({ ctx, input }) => reports.getReportRunView(ctx.deps, ctx.scope, input.id)),
  create: exports.input(createReportRunInput).mutation(({ ctx, input }) => reports.createReportRun(ctx.deps, ctx.actor, ctx.merchant.timezone, input)),
  downloadLink: exports.input(reportRunIdInput).mutation(({ ctx, input }) => reports.createDownloadLink(ctx.deps, { ...ctx.actor, userId: ctx.user.id }, input.id)),
});
