import { z } from 'zod';
import { REPORT_TYPE_IDS, type ReportTypeId } from '../../../shared/contracts/reports';

/**
 * The Reports page's URL: which report the form starts on and the list filters an "Export" button carried
 * from the payments or refunds list (the list's own payments.list / refunds.list input, paging removed).
 */
export const reportsSearchSchema = z.object({
  type: z.enum(REPORT_TYPE_IDS as [ReportTypeId, ...ReportTypeId[]]).optional().catch(undefined),
  filters: z.record(z.string().max(64), z.unknown()).optional().catch(undefined),
});
export type ReportsSearch = z.output<typeof reportsSearchSchema>;
