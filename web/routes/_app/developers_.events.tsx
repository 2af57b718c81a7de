import { createFileRoute } from '@tanstack/react-router';
import { z } from 'zod';
import { can } from '../../../shared/permissions';
import { NoAccess } from '../../components/no-access';
import { PageSkeleton } from '../../components/spinner';
import { EventsPage } from '../../features/webhooks/events-page';
import { useSession } from '../../lib/use-session';

export const Route = createFileRoute('/_app/developers_/events')({
  validateSearch: z.object({
    type: z.string().max(100).optional().catch(undefined),
    after: z.number().int().optional().catch(undefined),
    before: z.number().int().optional().catch(undefined),
    delivery: z.enum(['failed', 'succeeded']).optional().catch(undefined),
    cursor: z.string().max(100).optional().catch(undefined),
    event: z.string().max(100).optional().catch(undefined),
  }),
  pendingComponent: PageSkeleton,
  component: function EventsRoute() {
    const role = useSession()?.role ?? null;
    const filters = Route.useSearch();
    const navigate = Route.useNavigate();
    return can(role, 'developers:manage')
      ? <EventsPage filters={filters} onChange={(f) => navigate({ search: f, replace: true })} />
      : <NoAccess role={role} area="Developers" />;
  },
});
