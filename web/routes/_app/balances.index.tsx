import { createFileRoute } from '@tanstack/react-router';
import { z } from 'zod';
import { can } from '../../../shared/permissions';
import { NoAccess } from '../../components/no-access';
import { PageSkeleton } from '../../components/spinner';
import { balanceOverviewQuery, payoutsQuery } from '../../features/balances/balance-queries';
import { BalancesPage } from '../../features/balances/balances-page';
import { useSession } from '../../lib/use-session';

const balancesSearch = z.object({
  after: z.string().max(255).optional().catch(undefined),
  before: z.string().max(255).optional().catch(undefined),
});

export const Route = createFileRoute('/_app/balances/')({
  validateSearch: balancesSearch,
  loaderDeps: ({ search }) => search,
  loader: async ({ context, deps }) => {
    if (!can(context.me.role, 'balance:read')) return;
    const payouts = context.queryClient.ensureQueryData(payoutsQuery({ starting_after: deps.after, ending_before: deps.before }));
    void payouts.catch(() => undefined);
    await context.queryClient.ensureQueryData(balanceOverviewQuery());
  },
  pendingComponent: PageSkeleton,
  component: function BalancesRoute() {
    const session = useSession();
    if (!can(session?.role, 'balance:read')) return <NoAccess role={session?.role ?? null} area="balances and payouts" />;
    return <BalancesPage search={Route.useSearch()} />;
  },
});
