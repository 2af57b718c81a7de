import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import type { CustomerListItem } from '../../../shared/contracts/dashboard';
import { can } from '../../../shared/permissions';
import { Button } from '../../components/button';
import { Card, PageHeader } from '../../components/card';
import { EmptyState } from '../../components/empty-state';
import { Icon } from '../../components/icons';
import { formatDateTime } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { exactTime } from '../../lib/money';
import { DataTable, type DataColumn } from '../../components/data-table';
import { ListError, Pagination } from '../../components/list-table';
import { useSession } from '../../lib/use-session';
import { CustomerFormDialog } from './customer-form-dialog';
import { customerListQueryInput, type CustomersSearch } from './customers-search';

export function CustomersPage({ search }: { search: CustomersSearch }) {
  const session = useSession()!;
  const zone = session.merchant!.timezone;
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const [text, setText] = useState(search.q ?? '');
  const update = (patch: Partial<CustomersSearch>, keepCursor = false) =>
    navigate({ to: '/customers', search: (prev) => ({ ...prev, ...(keepCursor ? {} : { cursor: undefined }), ...patch }) });
  const list = useQuery({ ...trpc.customers.list.queryOptions(customerListQueryInput(search)), placeholderData: keepPreviousData });
  const items = list.data?.items ?? [];
  const canEdit = can(session.role, 'customers:write');
  const columns = useMemo(() => customerColumns(zone), [zone]);

  return (
    <>
      <PageHeader
        title="Customers"
        description="The people who pay you, with their payments and details."
        actions={canEdit && <Button variant="primary" icon={<Icon name="plus" className="size-4" />} onClick={() => setCreating(true)}>New customer</Button>}
      />
      <form
        role="search"
        className="mb-4 flex max-w-xl gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          update({ q: text.trim() || undefined });
        }}
      >
        <label htmlFor="customer-search" className="sr-only">Search customers</label>
        <div className="relative flex-1">
          <Icon name="search" className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400" />
          <input
            id="customer-search"
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              // Escape clears the box and the search it applied.
              if (e.key === 'Escape' && (text || search.q)) {
                e.preventDefault();
                setText('');
                if (search.q) update({ q: undefined });
              }
            }}
            placeholder="Search by email, name or id"
            className="block h-9 w-full rounded-md border-0 bg-white pr-3 pl-9 text-sm text-slate-900 shadow-xs ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-brand-500 focus:outline-none"
          />
        </div>
        <Button type="submit">Search</Button>
        {search.q && <Button variant="ghost" onClick={() => { setText(''); update({ q: undefined }); }}>Clear</Button>}
      </form>

      <Card className="overflow-hidden">
        {list.isError && !list.data ? (
          <ListError error={list.error} onRetry={() => void list.refetch()} />
        ) : !list.isPending && items.length === 0 ? (
          search.q ? (
            <EmptyState icon={<Icon name="search" />} title="No customers match your search" description={`Nothing found for “${search.q}”. Search by email, part of a name, or a customer id.`} action={<Button onClick={() => { setText(''); update({ q: undefined }); }}>Clear search</Button>} />
          ) : (
            <EmptyState
              icon={<Icon name="customers" />}
              title="No customers yet"
              description="Customers you create here, through the API or at checkout appear in this list."
              action={canEdit && <Button variant="primary" onClick={() => setCreating(true)}>New customer</Button>}
            />
          )
        ) : (
          <>
            <DataTable
              columns={columns}
              data={items}
              getRowId={(c) => c.id}
              caption="Customers"
              loading={list.isPending}
              busy={list.isFetching}
              dimmed={list.isPlaceholderData}
            />
            <Pagination
              label="Customers"
              count={items.length}
              limit={search.limit}
              hasPrev={Boolean(list.data?.prevCursor)}
              hasNext={Boolean(list.data?.nextCursor)}
              busy={list.isFetching}
              onPrev={() => update({ cursor: list.data?.prevCursor ?? undefined }, true)}
              onNext={() => update({ cursor: list.data?.nextCursor ?? undefined }, true)}
              onLimit={(limit) => update({ limit })}
            />
          </>
        )}
      </Card>
      {canEdit && <CustomerFormDialog open={creating} onClose={() => setCreating(false)} />}
    </>
  );
}

function customerColumns(zone: string): DataColumn<CustomerListItem>[] {
  const none = <span className="text-slate-500">—</span>;
  return [
    {
      id: 'name', header: 'Name', enableSorting: false,
      cell: ({ row: { original: c } }) => (
        <Link
          to="/customers/$customerId"
          params={{ customerId: c.id }}
          className="font-medium text-slate-900 outline-none after:absolute after:inset-0 focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-brand-500"
        >
          {c.name ?? <span className="font-mono text-xs text-slate-600">{c.id}</span>}
        </Link>
      ),
    },
    { id: 'email', header: 'Email', enableSorting: false, meta: { className: 'max-w-64 truncate text-slate-700' }, cell: ({ row }) => row.original.email ?? none },
    { id: 'description', header: 'Description', enableSorting: false, meta: { className: 'max-w-64 truncate text-slate-600' }, cell: ({ row }) => row.original.description ?? none },
    {
      id: 'created', header: 'Created', enableSorting: false, meta: { align: 'right', className: 'whitespace-nowrap text-slate-600 tabular-nums' },
      cell: ({ row: { original: c } }) => <span className="relative z-10" title={exactTime(c.created, zone)}>{formatDateTime(c.created, zone)}</span>,
    },
  ];
}
