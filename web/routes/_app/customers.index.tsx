import { createFileRoute, stripSearchParams } from '@tanstack/react-router';
import { CustomersPage } from '../../features/customers/customers-page';
import { CUSTOMERS_SEARCH_DEFAULTS, customerListQueryInput, customersSearchSchema } from '../../features/customers/customers-search';
import { trpc } from '../../lib/trpc';

export const Route = createFileRoute('/_app/customers/')({
  validateSearch: customersSearchSchema,
  search: { middlewares: [stripSearchParams(CUSTOMERS_SEARCH_DEFAULTS)] },
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => {
    const list = context.queryClient.ensureQueryData(trpc.customers.list.queryOptions(customerListQueryInput(deps)));
    void list.catch(() => undefined);
  },
  component: function CustomersRoute() {
    return <CustomersPage search={Route.useSearch()} />;
  },
});
