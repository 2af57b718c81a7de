import { createFileRoute } from '@tanstack/react-router';
import { z } from 'zod';
import { DELIVERY_STATUSES } from '../../../shared/contracts/webhook-endpoints';
import { can } from '../../../shared/permissions';
import { NoAccess } from '../../components/no-access';
import { PageSkeleton } from '../../components/spinner';
import { useSession } from '../../lib/use-session';
import { WebhooksPage } from '../../features/webhooks/webhooks-page';
import { trpc } from '../../lib/trpc';

export const Route = createFileRoute('/_app/developers_/webhooks')({
  validateSearch: z.object({
    endpoint: z.string().optional(),
    status: z.enum(DELIVERY_STATUSES).optional().catch(undefined),
    type: z.string().max(100).optional().catch(undefined),
    event: z.string().max(100).optional().catch(undefined),
    after: z.number().int().optional().catch(undefined),
    before: z.number().int().optional().catch(undefined),
  }),
  loader: async ({ context }) => {
    if (can(context.me.role, 'developers:manage')) await context.queryClient.ensureQueryData(trpc.webhooks.endpoints.queryOptions());
  },
  pendingComponent: PageSkeleton,
  component: function WebhooksRoute() {
    const role = useSession()?.role ?? null;
    const { endpoint, ...filters } = Route.useSearch();
    const navigate = Route.useNavigate();
    return can(role, 'developers:manage')
      ? <WebhooksPage selected={endpoint} filters={filters} onFilters={(f) => navigate({ search: { endpoint, ...f }, replace: true })} />
      : <NoAccess role={role} area="Developers" />;
  },
});
