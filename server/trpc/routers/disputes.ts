import { disputeIdInput, disputeListFilters, submitDisputeEvidenceInput, uploadEvidenceFileInput } from '../../../shared/contracts/disputes.js';
import * as disputes from '../../core/disputes/disputes.service.js';
import { auditOf, recordAudit } from '../../core/accounts/accounts.service.js';
import { memberProcedure, router } from '../trpc.js';

// Every member who sees payments sees their disputes (finance included); owner, admin and support respond.
const read = memberProcedure('payments:read');
const respond = memberProcedure('disputes:respond');

export const disputesRouter = router({
  list: read.input(disputeListFilters).query(({ ctx, input }) => disputes.findDisputeQueue(ctx.deps, ctx.scope, input)),
  get: read.input(disputeIdInput).query(({ ctx, input }) => disputes.getDisputeDetail(ctx.deps, ctx.scope, input.id)),
  file: read.input(disputeIdInput).query(({ ctx, input }) => disputes.getEvidenceFileContent(ctx.deps, ctx.scope, input.id)),
  forPayment: read.input(disputeIdInput).query(({ ctx, input }) => disputes.findDisputeForPayment(ctx.deps, ctx.scope, input.id)),
  saveEvidence: respond
    .input(submitDisputeEvidenceInput)
    .mutation(({ ctx, input }) =>
      ctx.deps.db.transaction().execute(async (tx) => {
        const dispute = await disputes.updateDispute(ctx.deps, ctx.actor, input.id, { evidence: input.evidence, submit: input.submit }, tx);
        await recordAudit(tx, { ...ctx.actor, ...auditOf.disputeUpdated(dispute, ['evidence', 'submit']) });
        return dispute;
      }),
    ),
  accept: respond.input(disputeIdInput).mutation(({ ctx, input }) =>
    ctx.deps.db.transaction().execute(async (tx) => {
      const dispute = await disputes.closeDispute(ctx.deps, ctx.actor, input.id, {}, tx);
      await recordAudit(tx, { ...ctx.actor, ...auditOf.disputeClosed(dispute) });
      return dispute;
    }),
  ),
  uploadFile: respond.input(uploadEvidenceFileInput).mutation(({ ctx, input }) => disputes.uploadEvidenceFile(ctx.deps, ctx.actor, input)),
});
