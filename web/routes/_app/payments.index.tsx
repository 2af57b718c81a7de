import { createFileRoute, stripSearchParams } from '@tanstack/react-router';
import { columnsPreferenceQuery } from '../../features/payments/payment-queries';
import { PaymentsPage } from '../../features/payments/payments-page';
import { paymentListInput, PAYMENTS_SEARCH_DEFAULTS, paymentsSearchSchema } from '../../features/payments/payments-search';
import { trpc } from '../../lib/trpc';

export const Route = createFileRoute('/_app/payments/')({
  validateSearch: paymentsSearchSchema,
  search: { middlewares: [stripSearchParams(PAYMENTS_SEARCH_DEFAULTS)] },
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => {
    const merchant = context.me.merchant;
    if (!merchant) return;
    const list = context.queryClient.ensureQueryData(trpc.payments.list.queryOptions(paymentListInput(deps, merchant)));
    void context.queryClient.prefetchQuery(columnsPreferenceQuery());
    // Not awaited: the page (search, filters) shows at once with skeleton rows, a filter change keeps the
    // previous rows dimmed until the new ones arrive, and a bad query is shown next to the search box.
    void list.catch(() => undefined);
  },
  component: function PaymentsRoute() {
    return <PaymentsPage search={Route.useSearch()} />;
  },
});
