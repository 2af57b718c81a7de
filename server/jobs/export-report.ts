import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { runReportAndMail } from '../core/report-schedules/report-schedules.service.js';
import type { CoreDeps } from '../core/shared/deps.js';

const payload = z.object({ merchantId: z.string().min(1), livemode: z.boolean(), runId: z.string().min(1) });

/**
 * Queued by createReportRun in the run's own transaction. A retry (a crash, a forced unlock after a
 * worker died) runs the export again from the start; the last attempt records a failure instead. A
 * scheduled export's run then mails its link to the schedule's members (once).
 */
export const exportReportTask = (deps: CoreDeps, options: { fileTtlDays?: number } = {}): Task => async (raw, helpers) => {
  const { merchantId, livemode, runId } = payload.parse(raw);
  await runReportAndMail(deps, { merchantId, livemode }, runId, {
    final: helpers.job.attempts >= helpers.job.max_attempts,
    signal: helpers.abortSignal,
    fileTtlDays: options.fileTtlDays,
  });
};
