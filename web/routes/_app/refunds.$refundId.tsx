import { createFileRoute } from '@tanstack/react-router';
import { PageSkeleton } from '../../components/spinner';
import { detailErrorComponent } from '../../components/detail-error';
import { RefundDetailPage } from '../../features/refunds/refund-detail';
import { refundDetailQuery } from '../../features/refunds/refunds-search';

export const Route = createFileRoute('/_app/refunds/$refundId')({
  loader: ({ context, params }) => context.queryClient.ensureQueryData(refundDetailQuery(params.refundId)),
  pendingComponent: PageSkeleton,
  errorComponent: detailErrorComponent('refund'),
  component: function RefundDetailRoute() {
    const { refundId } = Route.useParams();
    return <RefundDetailPage refundId={refundId} />;
  },
});
