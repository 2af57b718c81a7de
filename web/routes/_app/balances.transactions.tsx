import { createFileRoute, stripSearchParams } from '@tanstack/react-router';
import { can } from '../../../shared/permissions';
import { NoAccess } from '../../components/no-access';
import { TransactionsPage } from '../../features/balances/transactions-page';
import { transactionListInput, transactionsQuery, TRANSACTIONS_SEARCH_DEFAULTS, transactionsSearchSchema } from '../../features/balances/transactions-search';
import { useSession } from '../../lib/use-session';

export const Route = createFileRoute('/_app/balances/transactions')({
  validateSearch: transactionsSearchSchema,
  search: { middlewares: [stripSearchParams(TRANSACTIONS_SEARCH_DEFAULTS)] },
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => {
    if (!can(context.me.role, 'balance:read')) return;
    const list = context.queryClient.ensureQueryData(transactionsQuery(transactionListInput(deps, context.me.merchant?.timezone ?? 'UTC')));
    // Not awaited: the filters show at once with skeleton rows.
    void list.catch(() => undefined);
  },
  component: function TransactionsRoute() {
    const session = useSession();
    if (!can(session?.role, 'balance:read')) return <NoAccess role={session?.role ?? null} area="balances and payouts" />;
    return <TransactionsPage search={Route.useSearch()} />;
  },
});
