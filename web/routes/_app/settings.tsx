import { createFileRoute } from '@tanstack/react-router';
import { z } from 'zod';
import { AUDIT_ACTOR_KINDS } from '../../../shared/contracts/url-enums';
import { can } from '../../../shared/permissions';
import { PageSkeleton } from '../../components/spinner';
import { auditFilters, auditLogQuery } from '../../features/settings/audit-log-query';
import { SettingsPage } from '../../features/settings/settings-page';
import { trpc } from '../../lib/trpc';

export const Route = createFileRoute('/_app/settings')({
  validateSearch: z.object({
    tab: z.enum(['business', 'team', 'payouts', 'audit', 'account', 'security']).catch('business').default('business'),
    // Audit log filters (shareable as a link): actor, who acted (by), action, target, first and last day in the account's zone.
    actor: z.string().max(254).optional().catch(undefined),
    by: z.enum(AUDIT_ACTOR_KINDS).optional().catch(undefined),
    action: z.string().max(80).optional().catch(undefined),
    target: z.string().max(255).optional().catch(undefined),
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined),
  }),
  loaderDeps: ({ search }) => ({ tab: search.tab, audit: { actor: search.actor, by: search.by, action: search.action, target: search.target, from: search.from, to: search.to } }),
  loader: async ({ context, deps }) => {
    const role = context.me.role;
    const { queryClient } = context;
    if (deps.tab === 'business' && can(role, 'settings:manage')) await queryClient.ensureQueryData(trpc.settings.business.queryOptions());
    if (deps.tab === 'team' && can(role, 'settings:manage')) await Promise.all([queryClient.ensureQueryData(trpc.settings.members.queryOptions()), queryClient.ensureQueryData(trpc.invitations.list.queryOptions())]);
    if (deps.tab === 'security') await queryClient.ensureQueryData(trpc.sessions.list.queryOptions());
    if (deps.tab === 'payouts' && can(role, 'balance:read')) await queryClient.ensureQueryData(trpc.balances.settings.queryOptions());
    if (deps.tab === 'audit' && can(role, 'audit:read')) await queryClient.ensureInfiniteQueryData(auditLogQuery(auditFilters(deps.audit, context.me.merchant?.timezone ?? 'UTC')));
  },
  pendingComponent: PageSkeleton,
  component: function SettingsRoute() {
    const { tab, ...audit } = Route.useSearch();
    return <SettingsPage tab={tab} audit={audit} />;
  },
});
