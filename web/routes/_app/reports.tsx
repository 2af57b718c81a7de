import { createFileRoute } from '@tanstack/react-router';
import { PageHeader } from '../../components/card';
import { EmptyState } from '../../components/empty-state';
import { Icon } from '../../components/icons';

// A minimal page until the Reports area (exports) replaces this file.
export const Route = createFileRoute('/_app/reports')({
  component: () => (
    <>
      <PageHeader title="Reports" />
      <div className="rounded-xl border border-dashed border-slate-300 bg-white">
        <EmptyState icon={<Icon name="reports" />} description="CSV exports of payments, refunds and customers will be listed here." />
      </div>
    </>
  ),
});
