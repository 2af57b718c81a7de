import { createFileRoute } from '@tanstack/react-router';
import { can } from '../../../shared/permissions';
import { NoAccess } from '../../components/no-access';
import { PageSkeleton } from '../../components/spinner';
import { ReportsPage } from '../../features/reports/reports-page';
import { reportsSearchSchema } from '../../features/reports/reports-search';
import { trpc } from '../../lib/trpc';
import { useSession } from '../../lib/use-session';

export const Route = createFileRoute('/_app/reports')({
  validateSearch: reportsSearchSchema,
  loader: async ({ context }) => {
    if (!can(context.me.role, 'exports:manage')) return;
    await Promise.all([
      context.queryClient.ensureQueryData(trpc.reports.types.queryOptions()),
      context.queryClient.ensureQueryData(trpc.reports.list.queryOptions({ limit: 20 })),
    ]).catch(() => undefined);
  },
  pendingComponent: PageSkeleton,
  component: function ReportsRoute() {
    const role = useSession()?.role ?? null;
    const search = Route.useSearch();
    return can(role, 'exports:manage') ? <ReportsPage search={search} /> : <NoAccess role={role} area="Reports" />;
  },
});
