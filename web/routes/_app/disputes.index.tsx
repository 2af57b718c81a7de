import { createFileRoute, stripSearchParams } from '@tanstack/react-router';
import { DisputesPage } from '../../features/disputes/disputes-page';
import { disputeListInput, DISPUTES_SEARCH_DEFAULTS, disputesSearchSchema } from '../../features/disputes/disputes-search';
import { trpc } from '../../lib/trpc';

export const Route = createFileRoute('/_app/disputes/')({
  validateSearch: disputesSearchSchema,
  search: { middlewares: [stripSearchParams(DISPUTES_SEARCH_DEFAULTS)] },
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => {
    const list = context.queryClient.ensureQueryData(trpc.disputes.list.queryOptions(disputeListInput(deps)));
    void list.catch(() => undefined);
  },
  component: function DisputesRoute() {
    return <DisputesPage search={Route.useSearch()} />;
  },
});
