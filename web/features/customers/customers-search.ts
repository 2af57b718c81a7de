import { z } from 'zod';
import { pageSizeParam } from '../../../shared/contracts/dashboard';
import { DEFAULT_PAGE_SIZE } from '../../../shared/limits';
import { trpc } from '../../lib/trpc';

export const customersSearchSchema = z.object({
  q: z.string().trim().max(512).optional().catch(undefined),
  limit: pageSizeParam.catch(DEFAULT_PAGE_SIZE),
  cursor: z.string().max(1000).optional().catch(undefined),
});
export type CustomersSearch = z.output<typeof customersSearchSchema>;
export const CUSTOMERS_SEARCH_DEFAULTS = { limit: DEFAULT_PAGE_SIZE } as const;

export function customerListQueryInput(search: CustomersSearch) {
  return { q: search.q || undefined, limit: search.limit, cursor: search.cursor };
}

export const customerDetailQuery = (id: string) => trpc.customers.get.queryOptions({ id });
