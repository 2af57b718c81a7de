import { createFileRoute } from '@tanstack/react-router';
import { PageSkeleton } from '../../components/spinner';
import { CustomerDetailPage } from '../../features/customers/customer-detail';
import { customerDetailQuery } from '../../features/customers/customers-search';
import { detailErrorComponent } from '../../components/detail-error';

export const Route = createFileRoute('/_app/customers/$customerId')({
  loader: ({ context, params }) => context.queryClient.ensureQueryData(customerDetailQuery(params.customerId)),
  pendingComponent: PageSkeleton,
  errorComponent: detailErrorComponent('customer'),
  component: function CustomerDetailRoute() {
    const { customerId } = Route.useParams();
    return <CustomerDetailPage customerId={customerId} />;
  },
});
