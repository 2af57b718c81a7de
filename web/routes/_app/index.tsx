import { createFileRoute } from '@tanstack/react-router';
import { can } from '../../../shared/permissions';
import { PageSkeleton } from '../../components/spinner';
import { homeSearchSchema } from '../../features/analytics/analytics-search';
import { HomeAnalytics } from '../../features/analytics/home-analytics';
import { HomePage } from '../../features/home/home-page';
import { trpc } from '../../lib/trpc';

export const Route = createFileRoute('/_app/')({
  validateSearch: homeSearchSchema,
  loader: ({ context }) => {
    if (can(context.me.role, 'developers:manage')) void context.queryClient.prefetchQuery(trpc.developers.keys.queryOptions());
  },
  pendingComponent: PageSkeleton,
  component: () => <HomePage analytics={<HomeAnalytics />} />,
});
