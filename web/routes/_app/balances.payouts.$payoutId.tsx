import { createFileRoute } from '@tanstack/react-router';
import { detailErrorComponent } from '../../components/detail-error';
import { PageSkeleton } from '../../components/spinner';
import { payoutDetailQuery } from '../../features/balances/balance-queries';
import { PayoutDetailPage } from '../../features/balances/payout-detail';

export const Route = createFileRoute('/_app/balances/payouts/$payoutId')({
  loader: ({ context, params }) => context.queryClient.ensureQueryData(payoutDetailQuery(params.payoutId)),
  pendingComponent: PageSkeleton,
  errorComponent: detailErrorComponent('payout'),
  component: function PayoutDetailRoute() {
    const { payoutId } = Route.useParams();
    return <PayoutDetailPage payoutId={payoutId} />;
  },
});
