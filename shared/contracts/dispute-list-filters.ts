import { z } from 'zod';

/**
 * The Disputes list's filters (dashboard tRPC input, re-exported by disputes.ts). Apart from the disputes contract
 * because the disputes route's URL schema is built from it, and every route's URL schema loads on every page
 * (web/features/payments/bundle-size.test.ts): the whole contract would go with it.
 */
export const disputeListFilters = z.object({
  status: z.enum(['needs_response', 'under_review', 'closed', 'all']).catch('all').default('all'),
  cursor: z.string().max(255).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type DisputeListFilters = z.infer<typeof disputeListFilters>;
