import { createFileRoute } from '@tanstack/react-router';
import { PageSkeleton } from '../../components/spinner';
import { detailErrorComponent } from '../../components/detail-error';
import { PaymentDetailPage } from '../../features/payments/payment-detail';
import { paymentDetailQuery } from '../../features/payments/payment-queries';

export const Route = createFileRoute('/_app/payments/$paymentId')({
  loader: ({ context, params }) => context.queryClient.ensureQueryData(paymentDetailQuery(params.paymentId)),
  pendingComponent: PageSkeleton,
  errorComponent: detailErrorComponent('payment'),
  component: function PaymentDetailRoute() {
    const { paymentId } = Route.useParams();
    return <PaymentDetailPage paymentId={paymentId} />;
  },
});
