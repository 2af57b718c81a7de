import { createFileRoute } from '@tanstack/react-router';
import { PageHeader } from '../../components/card';
import { EmptyState } from '../../components/empty-state';
import { Icon } from '../../components/icons';

// A minimal page until the Payments area (web/features/payments) replaces this file.
export const Route = createFileRoute('/_app/payments/')({
  component: () => (
    <>
      <PageHeader title="Payments" />
      <div className="rounded-xl border border-dashed border-slate-300 bg-white">
        <EmptyState icon={<Icon name="payments" />} description="Payments you accept through the API and hosted checkout will be listed here." />
      </div>
    </>
  ),
});
