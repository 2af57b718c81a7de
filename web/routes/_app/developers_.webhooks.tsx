import { createFileRoute } from '@tanstack/react-router';
import { z } from 'zod';
import { can } from '../../../shared/permissions';
import { NoAccess } from '../../components/no-access';
import { PageSkeleton } from '../../components/spinner';
import { useSession } from '../../lib/use-session';
import { WebhooksPage } from '../../features/webhooks/webhooks-page';
import { trpc } from '../../lib/trpc';

export const Route = createFileRoute('/_app/developers_/webhooks')({
  validateSearch: z.object({ endpoint: z.string().optional() }),
  loader: async ({ context }) => {
    if (can(context.me.role, 'developers:manage')) await context.queryClient.ensureQueryData(trpc.webhooks.endpoints.queryOptions());
  },
  pendingComponent: PageSkeleton,
  component: function WebhooksRoute() {
    const role = useSession()?.role ?? null;
    const { endpoint } = Route.useSearch();
    return can(role, 'developers:manage') ? <WebhooksPage selected={endpoint} /> : <NoAccess role={role} area="Developers" />;
  },
});
