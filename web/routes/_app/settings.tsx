import { createFileRoute } from '@tanstack/react-router';
import { z } from 'zod';
import { can } from '../../../shared/permissions';
import { PageSkeleton } from '../../components/spinner';
import { auditLogQuery } from '../../features/settings/audit-log';
import { SettingsPage } from '../../features/settings/settings-page';
import { trpc } from '../../lib/trpc';

export const Route = createFileRoute('/_app/settings')({
  validateSearch: z.object({ tab: z.enum(['business', 'team', 'payouts', 'audit', 'account']).catch('business').default('business') }),
  loaderDeps: ({ search }) => ({ tab: search.tab }),
  loader: async ({ context, deps }) => {
    const role = context.me.role;
    const { queryClient } = context;
    if (deps.tab === 'business' && can(role, 'settings:manage')) await queryClient.ensureQueryData(trpc.settings.business.queryOptions());
    if (deps.tab === 'team' && can(role, 'settings:manage')) await queryClient.ensureQueryData(trpc.settings.members.queryOptions());
    if (deps.tab === 'payouts' && can(role, 'balance:read')) await queryClient.ensureQueryData(trpc.balances.settings.queryOptions());
    if (deps.tab === 'audit' && can(role, 'audit:read')) await queryClient.ensureInfiniteQueryData(auditLogQuery());
  },
  pendingComponent: PageSkeleton,
  component: function SettingsRoute() {
    const { tab } = Route.useSearch();
    return <SettingsPage tab={tab} />;
  },
});
