import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { RefundListItem } from '../../../shared/contracts/dashboard';
import { REFUND_STATUSES } from '../../../shared/contracts/refunds';
import { REFUND_STATUS_LABELS } from '../../../shared/status';
import { Button } from '../../components/button';
import { Card, PageHeader } from '../../components/card';
import { EmptyState } from '../../components/empty-state';
import { Icon } from '../../components/icons';
import { formatListDateTime } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { exactTime, money } from '../../lib/money';
import { ListError, Pagination, rowLinkClass, SkeletonRows, SortHeader, tableClass, Th, theadClass } from '../../components/list-table';
import { AmountFilter, CurrencyFilter, DateFilter, StatusFilter, TextFilter } from '../../components/filters';
import { PaymentsTabs } from '../../components/payments-tabs';
import { REFUND_REASON_LABELS, type RefundReason } from '../../lib/refund-labels';
import { SavedViewsMenu } from '../../components/saved-views';
import { humanize, RefundStatusBadge } from '../../components/status-badge';
import { useSession } from '../shell/use-session';
import { REFUND_FILTER_KEYS, refundListInput, refundStatusList, type RefundsSearch } from './refunds-search';

type RefundStatus = (typeof REFUND_STATUSES)[number];

export function RefundsPage({ search }: { search: RefundsSearch }) {
  const session = useSession()!;
  const merchant = session.merchant!;
  const zone = merchant.timezone;
  const navigate = useNavigate();
  const update = (patch: Partial<RefundsSearch>, keepCursor = false) =>
    navigate({ to: '/refunds', search: (prev) => ({ ...prev, ...(keepCursor ? {} : { cursor: undefined }), ...patch }) });
  const list = useQuery({ ...trpc.refunds.list.queryOptions(refundListInput(search, merchant)), placeholderData: keepPreviousData });
  const items = list.data?.items ?? [];
  const selected = refundStatusList(search);
  const filtered = REFUND_FILTER_KEYS.some((k) => search[k] !== undefined);
  const clearFilters = () => update(Object.fromEntries(REFUND_FILTER_KEYS.map((k) => [k, undefined])));
  const sortBy = (column: 'created' | 'amount') => update({ sort: column, dir: search.sort === column && search.dir === 'desc' ? 'asc' : 'desc' });

  return (
    <>
      <PageHeader title="Refunds" description={`Refunds issued from the dashboard and the API. Times are shown in ${zone.replaceAll('_', ' ')}.`} />
      <PaymentsTabs current="refunds" />
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
        <SavedViewsMenu page="refunds" search={search} />
      </div>

      <Card className="overflow-hidden">
        {list.isError && !list.data ? (
          <ListError error={list.error} onRetry={() => void list.refetch()} />
        ) : !list.isPending && items.length === 0 ? (
          filtered ? (
            <EmptyState icon={<Icon name="search" />} title="No refunds match these filters" description="Try a wider date range or fewer filters." action={<Button onClick={clearFilters}>Clear filters</Button>} />
          ) : (
            <EmptyState icon={<Icon name="payments" />} title="No refunds yet" description="Refunds you issue from a payment’s page or through the API appear here." />
          )
        ) : (
          <>
            <div className="overflow-x-auto">
              <table className={tableClass}>
                <caption className="sr-only">Refunds</caption>
                <thead className={theadClass}>
                  <tr>
                    <SortHeader active={search.sort === 'amount'} dir={search.dir} onSort={() => sortBy('amount')}>Amount</SortHeader>
                    <Th>Status</Th>
                    <Th>Reason</Th>
                    <Th>Payment</Th>
                    <Th>Customer</Th>
                    <SortHeader active={search.sort === 'created'} dir={search.dir} onSort={() => sortBy('created')} align="right">Date</SortHeader>
                  </tr>
                </thead>
                <tbody aria-busy={list.isFetching || undefined} className={list.isPlaceholderData ? 'opacity-60 transition-opacity' : undefined}>
                  {list.isPending ? <SkeletonRows columns={6} /> : items.map((r) => <RefundRow key={r.id} refund={r} zone={zone} />)}
                </tbody>
              </table>
            </div>
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

function RefundRow({ refund: r, zone }: { refund: RefundListItem; zone: string }) {
  return (
    <tr className={`${rowLinkClass} relative`}>
      <td className="px-4 py-3 whitespace-nowrap">
        <Link
          to="/refunds/$refundId"
          params={{ refundId: r.id }}
          className="font-semibold text-slate-900 tabular-nums outline-none after:absolute after:inset-0 focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-brand-500"
        >
          {money(r.amount, r.currency)}
          <span className="ml-1.5 text-xs font-normal text-slate-500 uppercase">{r.currency}</span>
          <span className="sr-only">, refund {r.id}</span>
        </Link>
      </td>
      <td className="px-4 py-3"><RefundStatusBadge status={r.status} /></td>
      <td className="px-4 py-3 text-slate-700">{r.reason ? REFUND_REASON_LABELS[r.reason as RefundReason] ?? humanize(r.reason) : <span className="text-slate-500">—</span>}</td>
      <td className="px-4 py-3 font-mono text-xs text-slate-600">{r.paymentIntentId}</td>
      <td className="max-w-48 truncate px-4 py-3 text-slate-700">{r.customerEmail ?? <span className="text-slate-500">—</span>}</td>
      <td className="px-4 py-3 text-right whitespace-nowrap text-slate-600 tabular-nums">
        <span className="relative z-10" title={exactTime(r.created, zone)}>{formatListDateTime(r.created, zone)}</span>
      </td>
    </tr>
  );
}
