import { createFileRoute } from '@tanstack/react-router';
import { detailErrorComponent } from '../../components/detail-error';
import { PageSkeleton } from '../../components/spinner';
import { DisputeDetailPage } from '../../features/disputes/dispute-detail';
import { disputeDetailQuery } from '../../features/disputes/disputes-search';

export const Route = createFileRoute('/_app/disputes/$disputeId')({
  loader: ({ context, params }) => context.queryClient.ensureQueryData(disputeDetailQuery(params.disputeId)),
  pendingComponent: PageSkeleton,
  errorComponent: detailErrorComponent('dispute'),
  component: function DisputeDetailRoute() {
    const { disputeId } = Route.useParams();
    return <DisputeDetailPage disputeId={disputeId} />;
  },
});
