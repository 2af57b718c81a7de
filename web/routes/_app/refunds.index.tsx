import { createFileRoute, stripSearchParams } from '@tanstack/react-router';
import { RefundsPage } from '../../features/refunds/refunds-page';
import { refundListInput, REFUNDS_SEARCH_DEFAULTS, refundsSearchSchema } from '../../features/refunds/refunds-search';
import { trpc } from '../../lib/trpc';

export const Route = createFileRoute('/_app/refunds/')({
  validateSearch: refundsSearchSchema,
  search: { middlewares: [stripSearchParams(REFUNDS_SEARCH_DEFAULTS)] },
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => {
    const merchant = context.me.merchant;
    if (!merchant) return;
    const list = context.queryClient.ensureQueryData(trpc.refunds.list.queryOptions(refundListInput(deps, merchant)));
    void list.catch(() => undefined);
  },
  component: function RefundsRoute() {
    return <RefundsPage search={Route.useSearch()} />;
  },
});
