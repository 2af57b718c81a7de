import type { ReportTypeId } from '../../shared/contracts/reports';

const PAGING = ['sort', 'dir', 'limit', 'cursor'];

/**
 * The Reports page's search params for exporting what a list shows: the list's own query input (its
 * filters, paging left out), which the report validates with that list's schema.
 */
export function exportSearch(type: ReportTypeId, listInput: object): { type: ReportTypeId; filters?: Record<string, unknown> } {
  const filters = Object.fromEntries(Object.entries(listInput).filter(([k, v]) => !PAGING.includes(k) && v !== undefined && v !== null && v !== ''));
  return { type, filters: Object.keys(filters).length ? filters : undefined };
}
