import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useMemo } from 'react';
import type { PaymentListItem } from '../../../shared/contracts/dashboard';
import { DISPLAY_STATUS_LABELS } from '../../../shared/payment-display-status';
import { Button } from '../../components/button';
import { Card, PageHeader } from '../../components/card';
import { EmptyState } from '../../components/empty-state';
import { Icon } from '../../components/icons';
import { formatListDateTime } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { useSession } from '../../lib/use-session';
import { ColumnsMenu, useColumnChoice } from './columns';
import { brandName, exactTime, money } from '../../lib/money';
import { DataTable, type DataColumn } from '../../components/data-table';
import { ListError, Pagination } from '../../components/list-table';
import { PaymentFilters } from './payment-filters';
import { PaymentsTabs } from '../../components/payments-tabs';
import { FILTER_KEYS, hasFilters, paymentListInput, type PaymentsSearch } from './payments-search';
import { SearchBox, SearchProblem } from '../../components/search-box';
import { isBadRequest } from '../../lib/errors';
import { SavedViewsMenu } from '../../components/saved-views';
import { PaymentStatusBadge } from '../../components/status-badge';

type SearchPatch = Partial<PaymentsSearch>;

/** Navigates to the same list with some parameters changed; any change but paging starts from the first page. */
function usePaymentsNavigate() {
  const navigate = useNavigate();
  return (patch: SearchPatch, options: { keepCursor?: boolean; replace?: boolean } = {}) =>
    navigate({
      to: '/payments',
      search: (prev) => ({ ...prev, ...(options.keepCursor ? {} : { cursor: undefined }), ...patch }),
      replace: options.replace,
    });
}

export function PaymentsPage({ search }: { search: PaymentsSearch }) {
  const session = useSession()!;
  const merchant = session.merchant!;
  const zone = merchant.timezone;
  const update = usePaymentsNavigate();
  const navigate = useNavigate();
  const input = paymentListInput(search, merchant);
  const list = useQuery({ ...trpc.payments.list.queryOptions(input), placeholderData: keepPreviousData });
  const { visible } = useColumnChoice();
  const filtered = hasFilters(search);

  // An id pasted into the search box opens that object; replace, so Back returns to the list as it was.
  const jumpTo = list.data && !list.isPlaceholderData ? list.data.jumpTo : undefined;
  useEffect(() => {
    if (!jumpTo) return;
    if (jumpTo.type === 'payment') void navigate({ to: '/payments/$paymentId', params: { paymentId: jumpTo.id }, replace: true });
    else if (jumpTo.type === 'refund') void navigate({ to: '/refunds/$refundId', params: { refundId: jumpTo.id }, replace: true });
    else void navigate({ to: '/customers/$customerId', params: { customerId: jumpTo.id }, replace: true });
  }, [jumpTo, navigate]);

  const items = list.data?.items ?? [];
  const columns = useMemo(() => paymentColumns(zone), [zone]);
  const clearFilters = () => update(Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined])));
  const sortBy = (column: 'created' | 'amount') =>
    update({ sort: column, dir: search.sort === column && search.dir === 'desc' ? 'asc' : 'desc' });

  return (
    <>
      <PageHeader title="Payments" description={`Times are shown in ${zone.replaceAll('_', ' ')}.`} />
      <PaymentsTabs current="payments" />

      <div className="mb-4 flex flex-col gap-3 lg:flex-row lg:items-start lg:justify-between">
        <SearchBox
          value={search.q ?? ''}
          serverError={search.q && list.isError && !list.isFetching ? list.error : null}
          onSearch={(q) => update({ q: q || undefined })}
        />
        <div className="flex shrink-0 items-center gap-2">
          <SavedViewsMenu search={search} />
          <ColumnsMenu />
        </div>
      </div>

      <PaymentFilters search={search} defaultCurrency={merchant.defaultCurrency} onChange={update} onClear={clearFilters} />

      <Card className="overflow-hidden">
        {list.isError && !list.data && search.q && isBadRequest(list.error) ? (
          <SearchProblem onClear={() => update({ q: undefined })} />
        ) : list.isError && !list.data ? (
          <ListError error={list.error} onRetry={() => void list.refetch()} />
        ) : !list.isPending && items.length === 0 ? (
          filtered ? (
            <EmptyState
              icon={<Icon name="search" />}
              title="No payments match these filters"
              description="Try a wider date range or fewer filters."
              action={<Button onClick={clearFilters}>Clear filters</Button>}
            />
          ) : search.cursor ? (
            <EmptyState
              icon={<Icon name="payments" />}
              title="No more payments"
              action={<Button onClick={() => update({})}>Back to the first page</Button>}
            />
          ) : (
            <EmptyState
              icon={<Icon name="payments" />}
              title="No payments yet"
              description="Payments you accept through the API and the hosted checkout appear here, newest first."
              action={<Link to="/developers" className="text-sm font-medium text-brand-600 hover:text-brand-700">Get your API keys</Link>}
            />
          )
        ) : (
          <>
            <DataTable
              columns={columns}
              data={items}
              getRowId={(p) => p.id}
              visible={new Set(['amount', ...visible])}
              sort={{ id: search.sort, dir: search.dir }}
              onSort={(id) => sortBy(id as 'created' | 'amount')}
              caption={`Payments${filtered ? ' matching the filters' : ''}, sorted by ${search.sort === 'amount' ? 'amount' : 'date'}`}
              loading={list.isPending}
              busy={list.isFetching}
              dimmed={list.isPlaceholderData}
            />
            <Pagination
              label="Payments"
              count={items.length}
              limit={search.limit}
              hasPrev={Boolean(list.data?.prevCursor)}
              hasNext={Boolean(list.data?.nextCursor)}
              busy={list.isFetching}
              onPrev={() => update({ cursor: list.data?.prevCursor ?? undefined }, { keepCursor: true })}
              onNext={() => update({ cursor: list.data?.nextCursor ?? undefined }, { keepCursor: true })}
              onLimit={(limit) => update({ limit })}
            />
          </>
        )}
      </Card>
    </>
  );
}

function paymentColumns(zone: string): DataColumn<PaymentListItem>[] {
  const none = <span className="text-slate-500">—</span>;
  return [
    {
      id: 'amount',
      header: 'Amount',
      accessorFn: (p) => p.amount,
      enableSorting: true,
      meta: { className: 'whitespace-nowrap' },
      cell: ({ row: { original: p } }) => (
        <Link
          to="/payments/$paymentId"
          params={{ paymentId: p.id }}
          className="font-semibold text-slate-900 tabular-nums outline-none after:absolute after:inset-0 focus-visible:after:rounded-sm focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-brand-500"
        >
          {money(p.amount, p.currency)}
          <span className="ml-1.5 text-xs font-normal text-slate-500 uppercase">{p.currency}</span>
          <span className="sr-only">, {DISPLAY_STATUS_LABELS[p.displayStatus]}, payment {p.id}</span>
        </Link>
      ),
    },
    { id: 'status', header: 'Status', enableSorting: false, cell: ({ row }) => <PaymentStatusBadge status={row.original.displayStatus} /> },
    {
      id: 'description', header: 'Description', enableSorting: false, meta: { className: 'max-w-32 truncate text-slate-700 2xl:max-w-64' },
      cell: ({ row }) => <span title={row.original.description ?? undefined}>{row.original.description ?? none}</span>,
    },
    {
      id: 'customer', header: 'Customer', enableSorting: false, meta: { className: 'max-w-40 truncate text-slate-700 2xl:max-w-64' },
      cell: ({ row }) => <span title={row.original.customerEmail ?? undefined}>{row.original.customerEmail ?? none}</span>,
    },
    {
      id: 'method', header: 'Payment method', enableSorting: false, meta: { className: 'whitespace-nowrap text-slate-700' },
      cell: ({ row: { original: p } }) => p.cardLast4 ? (
        <>
          <span className="font-medium">{brandName(p.cardBrand)}</span> <span className="tabular-nums">•••• {p.cardLast4}</span>
        </>
      ) : none,
    },
    {
      id: 'created', header: 'Date', accessorFn: (x) => x.created, enableSorting: true, meta: { align: 'right', className: 'whitespace-nowrap text-slate-600 tabular-nums' },
      // Above the stretched link so the exact time shows on hover.
      cell: ({ row: { original: p } }) => <span className="relative z-10" title={exactTime(p.created, zone)}>{formatListDateTime(p.created, zone)}</span>,
    },
  ];
}
