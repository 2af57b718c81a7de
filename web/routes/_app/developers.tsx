import { createFileRoute } from '@tanstack/react-router';
import { can } from '../../../shared/permissions';
import { NoAccess } from '../../components/no-access';
import { PageSkeleton } from '../../components/spinner';
import { ApiKeysPage } from '../../features/developers/api-keys-page';
import { useSession } from '../../lib/use-session';
import { trpc } from '../../lib/trpc';

export const Route = createFileRoute('/_app/developers')({
  loader: async ({ context }) => {
    if (can(context.me.role, 'developers:manage')) await context.queryClient.ensureQueryData(trpc.developers.keys.queryOptions());
  },
  pendingComponent: PageSkeleton,
  component: function DevelopersRoute() {
    const role = useSession()?.role ?? null;
    return can(role, 'developers:manage') ? <ApiKeysPage /> : <NoAccess role={role} area="Developers" />;
  },
});
