import { createFileRoute } from '@tanstack/react-router';
import { PageHeader } from '../../components/card';
import { EmptyState } from '../../components/empty-state';
import { Icon } from '../../components/icons';

// A minimal page until the Customers area (web/features/customers) replaces this file.
export const Route = createFileRoute('/_app/customers/')({
  component: () => (
    <>
      <PageHeader title="Customers" />
      <div className="rounded-xl border border-dashed border-slate-300 bg-white">
        <EmptyState icon={<Icon name="customers" />} description="Customers you create through the API and checkout will be listed here." />
      </div>
    </>
  ),
});
