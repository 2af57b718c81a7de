import { z } from 'zod';
import { disputeListFilters, type DisputeListFilters } from '../../../shared/contracts/dispute-list-filters';
import { trpc } from '../../lib/trpc';

/** The Disputes list's URL state: which disputes, and the page cursor. */
export const disputesSearchSchema = z.object({
  status: disputeListFilters.shape.status,
  cursor: z.string().max(255).optional().catch(undefined),
});
export type DisputesSearch = z.output<typeof disputesSearchSchema>;
export const DISPUTES_SEARCH_DEFAULTS = { status: 'all' } as const;

export function disputeListInput(search: DisputesSearch): DisputeListFilters {
  return { status: search.status, cursor: search.cursor, limit: 25 };
}

export const disputeDetailQuery = (id: string) => trpc.disputes.get.queryOptions({ id });
