import { pauseReportScheduleInput, reportScheduleIdInput, reportScheduleInput, updateReportScheduleInput } from '../../../shared/contracts/report-schedules.js';
import { createReportRunInput, reportRunIdInput, reportRunListInput } from '../../../shared/contracts/reports.js';
import * as schedules from '../../core/report-schedules/report-schedules.service.js';
import * as reports from '../../core/reports/reports.service.js';
import { memberProcedure, router } from '../trpc.js';

const exports = memberProcedure('exports:manage');

/** Reports (exports): start a run, follow its progress, get a short-lived download link; scheduled exports. */
export const reportsRouter = router({
  types: exports.query(({ ctx }) => reports.findReportTypeViews(ctx.deps, ctx.scope, ctx.user.id)),
  list: exports.input(reportRunListInput).query(({ ctx, input }) => reports.findReportRunViews(ctx.deps, ctx.scope, input.limit)),
  get: exports.input(reportRunIdInput).query(({ ctx, input }) => reports.getReportRunView(ctx.deps, ctx.scope, input.id)),
  create: exports.input(createReportRunInput).mutation(({ ctx, input }) => reports.createReportRun(ctx.deps, ctx.actor, ctx.merchant.timezone, input)),
  downloadLink: exports.input(reportRunIdInput).mutation(({ ctx, input }) => reports.createDownloadLink(ctx.deps, { ...ctx.actor, userId: ctx.user.id }, input.id)),
  schedules: router({
    list: exports.query(({ ctx }) => schedules.findReportSchedules(ctx.deps, ctx.scope)),
    recipients: exports.query(({ ctx }) => schedules.findReportRecipients(ctx.deps, ctx.scope)),
    create: exports.input(reportScheduleInput).mutation(({ ctx, input }) => schedules.createReportSchedule(ctx.deps, ctx.actor, ctx.merchant.timezone, input)),
    update: exports.input(updateReportScheduleInput).mutation(({ ctx, input }) => schedules.updateReportSchedule(ctx.deps, ctx.actor, ctx.merchant.timezone, input.id, input.schedule)),
    pause: exports.input(pauseReportScheduleInput).mutation(({ ctx, input }) => schedules.pauseReportSchedule(ctx.deps, ctx.actor, input.id, input.paused)),
    delete: exports.input(reportScheduleIdInput).mutation(({ ctx, input }) => schedules.deleteReportSchedule(ctx.deps, ctx.actor, input.id)),
  }),
});
