import { z } from 'zod';
import { trpc } from '../../lib/trpc';

export const customersSearchSchema = z.object({
  q: z.string().trim().max(512).optional().catch(undefined),
  limit: z.union([z.literal(10), z.literal(25), z.literal(50), z.literal(100)]).catch(25).default(25),
  cursor: z.string().max(1000).optional().catch(undefined),
});
export type CustomersSearch = z.output<typeof customersSearchSchema>;
export const CUSTOMERS_SEARCH_DEFAULTS = { limit: 25 } as const;

export function customerListQueryInput(search: CustomersSearch) {
  return { q: search.q || undefined, limit: search.limit, cursor: search.cursor };
}

export const customerDetailQuery = (id: string) => trpc.customers.get.queryOptions({ id });
