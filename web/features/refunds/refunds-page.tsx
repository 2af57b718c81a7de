import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import type { RefundListItem } from '../../../shared/contracts/dashboard';
import { REFUND_STATUSES, type RefundStatus } from '../../../shared/status';
import { REFUND_STATUS_LABELS } from '../../../shared/status';
import { Button, buttonClass } from '../../components/button';
import { can } from '../../../shared/permissions';
import { exportSearch } from '../../lib/export-search';
import { Card, PageHeader } from '../../components/card';
import { EmptyState } from '../../components/empty-state';
import { Icon } from '../../components/icons';
import { SearchBox, SearchProblem } from '../../components/search-box';
import { isBadRequest } from '../../lib/errors';
import { formatListDateTime } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { exactTime, money } from '../../lib/money';
import { DataTable, type DataColumn } from '../../components/data-table';
import { ListError, Pagination } from '../../components/list-table';
import { AmountFilter, CurrencyFilter, DateFilter, StatusFilter, TextFilter } from '../../components/filters';
import { PaymentsTabs } from '../../components/payments-tabs';
import { REFUND_REASON_LABELS, type RefundReason } from '../../lib/refund-labels';
import { SavedViewsMenu } from '../../components/saved-views';
import { humanize, RefundStatusBadge } from '../../components/status-badge';
import { useSession } from '../../lib/use-session';
import { REFUND_FILTER_KEYS, refundListInput, refundStatusList, type RefundsSearch } from './refunds-search';


export function RefundsPage({ search }: { search: RefundsSearch }) {
  const session = useSession()!;
  const merchant = session.merchant!;
  const zone = merchant.timezone;
  const navigate = useNavigate();
  const update = (patch: Partial<RefundsSearch>, keepCursor = false) =>
    navigate({ to: '/refunds', search: (prev) => ({ ...prev, ...(keepCursor ? {} : { cursor: undefined }), ...patch }) });
  const list = useQuery({ ...trpc.refunds.list.queryOptions(refundListInput(search, merchant)), placeholderData: keepPreviousData });
  const items = list.data?.items ?? [];
  const columns = useMemo(() => refundColumns(zone), [zone]);
  const selected = refundStatusList(search);
  const filtered = REFUND_FILTER_KEYS.some((k) => search[k] !== undefined);
  const clearFilters = () => update(Object.fromEntries(REFUND_FILTER_KEYS.map((k) => [k, undefined])));
  const sortBy = (column: 'created' | 'amount') => update({ sort: column, dir: search.sort === column && search.dir === 'desc' ? 'asc' : 'desc' });

  return (
    <>
      <PageHeader title="Refunds" description={`Refunds issued from the dashboard and the API. Times are shown in ${zone.replaceAll('_', ' ')}.`} />
      <PaymentsTabs current="refunds" />
      <SearchBox
        className="mb-4 w-full max-w-xl"
        resource="refunds"
        label="Search refunds"
        placeholder="Search by id, amount, payment or customer email"
        hint={`A refund or payment id, an amount in ${(search.currency ?? merchant.defaultCurrency).toUpperCase()} like 12.50, part of the customer's email, or a query like status:"pending".`}
        value={search.q ?? ''}
        serverError={search.q && list.isError && !list.isFetching ? list.error : null}
        onSearch={(q) => update({ q: q || undefined })}
      />
      <div className="mb-4 flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Filters">
          <StatusFilter<RefundStatus>
            legend="Show refunds that are"
            statuses={REFUND_STATUSES}
            labels={REFUND_STATUS_LABELS}
            selected={selected}
            onChange={(next) => update({ status: next.length ? next.join(',') : undefined })}
          />
          <DateFilter value={search} onChange={update} />
          <AmountFilter value={search} defaultCurrency={merchant.defaultCurrency} onChange={update} />
          <CurrencyFilter value={search.currency} onChange={update} />
          <TextFilter label="Payment" fieldLabel="Payment id" placeholder="pi_…" value={search.payment} onChange={(payment) => update({ payment })} />
          {filtered && <Button size="sm" variant="ghost" onClick={clearFilters}>Clear filters</Button>}
        </div>
        <div className="flex shrink-0 items-center gap-2">
          <SavedViewsMenu page="refunds" search={search} />
          {can(session.role, 'exports:manage') && (
            <Link to="/reports" search={exportSearch('refunds.itemized.1', refundListInput(search, merchant))} className={buttonClass('secondary', 'md')}>Export</Link>
          )}
        </div>
      </div>

      <Card className="overflow-hidden">
        {list.isError && !list.data && search.q && isBadRequest(list.error) ? (
          <SearchProblem onClear={() => update({ q: undefined })} />
        ) : list.isError && !list.data ? (
          <ListError error={list.error} onRetry={() => void list.refetch()} />
        ) : !list.isPending && items.length === 0 ? (
          filtered ? (
            <EmptyState icon={<Icon name="search" />} title="No refunds match these filters" description="Try a wider date range or fewer filters." action={<Button onClick={clearFilters}>Clear filters</Button>} />
          ) : (
            <EmptyState icon={<Icon name="payments" />} title="No refunds yet" description="Refunds you issue from a payment’s page or through the API appear here." />
          )
        ) : (
          <>
            <DataTable
              columns={columns}
              data={items}
              getRowId={(r) => r.id}
              sort={{ id: search.sort, dir: search.dir }}
              onSort={(id) => sortBy(id as 'created' | 'amount')}
              caption="Refunds"
              loading={list.isPending}
              busy={list.isFetching}
              dimmed={list.isPlaceholderData}
            />
            <Pagination
              label="Refunds"
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
    </>
  );
}

/**
 * Search refunds by id, payment id, amount, part of the payer's email or a search-language query. Focus
 * stays in the box after Enter; Escape clears the box and the search.
 */
function refundColumns(zone: string): DataColumn<RefundListItem>[] {
  const none = <span className="text-slate-500">—</span>;
  return [
    {
      id: 'amount', header: 'Amount', accessorFn: (r) => r.amount, enableSorting: true, meta: { className: 'whitespace-nowrap' },
      cell: ({ row: { original: r } }) => (
        <Link
          to="/refunds/$refundId"
          params={{ refundId: r.id }}
          className="font-semibold text-slate-900 tabular-nums outline-none after:absolute after:inset-0 focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-brand-500"
        >
          {money(r.amount, r.currency)}
          <span className="ml-1.5 text-xs font-normal text-slate-500 uppercase">{r.currency}</span>
          <span className="sr-only">, refund {r.id}</span>
        </Link>
      ),
    },
    { id: 'status', header: 'Status', enableSorting: false, cell: ({ row }) => <RefundStatusBadge status={row.original.status} /> },
    {
      id: 'reason', header: 'Reason', enableSorting: false, meta: { className: 'text-slate-700' },
      cell: ({ row: { original: r } }) => (r.reason ? REFUND_REASON_LABELS[r.reason as RefundReason] ?? humanize(r.reason) : none),
    },
    { id: 'payment', header: 'Payment', enableSorting: false, meta: { className: 'font-mono text-xs text-slate-600' }, cell: ({ row }) => row.original.paymentIntentId },
    { id: 'customer', header: 'Customer', enableSorting: false, meta: { className: 'max-w-48 truncate text-slate-700' }, cell: ({ row }) => row.original.customerEmail ?? none },
    {
      id: 'created', header: 'Date', accessorFn: (x) => x.created, enableSorting: true, meta: { align: 'right', className: 'whitespace-nowrap text-slate-600 tabular-nums' },
      cell: ({ row: { original: r } }) => <span className="relative z-10" title={exactTime(r.created, zone)}>{formatListDateTime(r.created, zone)}</span>,
    },
  ];
}
