import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { BALANCE_TRANSACTION_TYPES, type BalanceTransactionListItem } from '../../../shared/contracts/balance';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { Card, PageHeader } from '../../components/card';
import { DataTable, type DataColumn } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { CurrencyFilter, DateFilter, TextFilter } from '../../components/filters';
import { Field } from '../../components/field';
import { Icon } from '../../components/icons';
import { Select } from '../../components/input';
import { ListError, Pagination } from '../../components/list-table';
import { FilterPopover } from '../../components/popover';
import { formatDate, formatListDateTime } from '../../lib/format';
import { exactTime, money } from '../../lib/money';
import { useSession } from '../../lib/use-session';
import { TRANSACTION_TYPE_LABELS } from './balance-queries';
import { TRANSACTION_FILTER_KEYS, transactionListInput, transactionsQuery, type TransactionsSearch } from './transactions-search';

// Ids are long: one line, cut with an ellipsis, the whole id in the tooltip.
const linkClass = 'block max-w-40 truncate font-mono text-xs text-brand-600 hover:text-brand-700';

/** Where a transaction comes from: the payment of a charge, the refund, the dispute or the payout. */
export function TransactionSource({ t }: { t: Pick<BalanceTransactionListItem, 'source' | 'payment_intent'> }) {
  const source = t.source;
  if (!source) return <span className="text-slate-500">—</span>;
  if (t.payment_intent && source.startsWith('ch_')) {
    return <Link to="/payments/$paymentId" params={{ paymentId: t.payment_intent }} title={source} className={linkClass}>{source}</Link>;
  }
  if (source.startsWith('re_')) return <Link to="/refunds/$refundId" params={{ refundId: source }} title={source} className={linkClass}>{source}</Link>;
  if (source.startsWith('dp_')) return <Link to="/disputes/$disputeId" params={{ disputeId: source }} title={source} className={linkClass}>{source}</Link>;
  if (source.startsWith('po_')) return <Link to="/balances/payouts/$payoutId" params={{ payoutId: source }} title={source} className={linkClass}>{source}</Link>;
  return <span title={source} className="block max-w-40 truncate font-mono text-xs">{source}</span>;
}

function typeLabel(t: Pick<BalanceTransactionListItem, 'type' | 'reporting_category'>): string {
  // Disputes are adjustments whose reporting category says which way the money went.
  if (t.type === 'adjustment' && (t.reporting_category === 'dispute' || t.reporting_category === 'dispute_reversal')) return TRANSACTION_TYPE_LABELS[t.reporting_category];
  return TRANSACTION_TYPE_LABELS[t.type] ?? t.type;
}

/** Every balance transaction of the mode: filters and the keyset cursor live in the URL. */
export function TransactionsPage({ search }: { search: TransactionsSearch }) {
  const zone = useSession()!.merchant?.timezone ?? 'UTC';
  const navigate = useNavigate();
  const update = (patch: Partial<TransactionsSearch>, keepCursor = false) =>
    navigate({ to: '/balances/transactions', search: { ...search, ...(keepCursor ? {} : { after: undefined, before: undefined }), ...patch } });
  const list = useQuery({ ...transactionsQuery(transactionListInput(search, zone)), placeholderData: keepPreviousData });
  const rows = list.data?.data ?? [];
  const columns = useMemo(() => transactionColumns(zone), [zone]);
  const filtered = TRANSACTION_FILTER_KEYS.some((k) => search[k] !== undefined);
  const clearFilters = () => update(Object.fromEntries(TRANSACTION_FILTER_KEYS.map((k) => [k, undefined])));
  const backwards = Boolean(search.before);
  const hasMore = Boolean(list.data?.has_more);

  return (
    <>
      <PageHeader
        title="Balance transactions"
        description={`Every charge, refund, dispute and payout that moved your balance. Times are shown in ${zone.replaceAll('_', ' ')}.`}
        actions={<Link to="/balances" className="text-sm font-medium text-brand-600 hover:text-brand-700">Back to Balances</Link>}
      />
      <div className="mb-4 flex flex-wrap items-center gap-2" role="group" aria-label="Filters">
        <FilterPopover label="Type" value={search.type ? TRANSACTION_TYPE_LABELS[search.type] ?? search.type : undefined}>
          {(close) => (
            <Field label="Type">
              <Select value={search.type ?? ''} onChange={(e) => { update({ type: (e.target.value || undefined) as TransactionsSearch['type'] }); close(); }}>
                <option value="">Any type</option>
                {BALANCE_TRANSACTION_TYPES.map((t) => <option key={t} value={t}>{TRANSACTION_TYPE_LABELS[t] ?? t}</option>)}
              </Select>
            </Field>
          )}
        </FilterPopover>
        <CurrencyFilter value={search.currency} onChange={(patch) => update({ currency: patch.currency })} />
        <DateFilter value={search} onChange={update} />
        <TextFilter
          label="Payout"
          fieldLabel="Payout id"
          placeholder="po_…"
          value={search.payout}
          validate={(v) => (/^po_[A-Za-z0-9]+$/.test(v) ? null : 'A payout id starts with po_.')}
          onChange={(payout) => update({ payout })}
        />
        {filtered && <Button size="sm" variant="ghost" onClick={clearFilters}>Clear filters</Button>}
      </div>

      <Card className="overflow-hidden">
        {list.isError && !list.data ? (
          <ListError error={list.error} onRetry={() => void list.refetch()} />
        ) : !list.isPending && rows.length === 0 ? (
          filtered ? (
            <EmptyState icon={<Icon name="search" />} title="No balance transactions match these filters" description="Try a wider date range or fewer filters." action={<Button onClick={clearFilters}>Clear filters</Button>} />
          ) : (
            <EmptyState icon={<Icon name="payments" />} title="No balance transactions yet" description="Successful payments, refunds, disputes and payouts appear here as they move your balance." />
          )
        ) : (
          <>
            <DataTable columns={columns} data={rows} getRowId={(r) => r.id} caption="Balance transactions" loading={list.isPending} busy={list.isFetching} dimmed={list.isPlaceholderData} />
            <Pagination
              label="Balance transactions"
              count={rows.length}
              limit={search.limit}
              hasPrev={backwards ? hasMore : Boolean(search.after)}
              hasNext={backwards ? true : hasMore}
              busy={list.isFetching}
              onPrev={() => update({ before: rows[0]?.id, after: undefined }, true)}
              onNext={() => update({ after: rows[rows.length - 1]?.id, before: undefined }, true)}
              onLimit={(limit) => update({ limit })}
            />
          </>
        )}
      </Card>
    </>
  );
}

function transactionColumns(zone: string): DataColumn<BalanceTransactionListItem>[] {
  const amount = (value: number, currency: string) => <span className="tabular-nums whitespace-nowrap">{money(value, currency)}</span>;
  return [
    { id: 'type', header: 'Type', enableSorting: false, meta: { className: 'whitespace-nowrap text-slate-900' }, cell: ({ row: { original: t } }) => typeLabel(t) },
    { id: 'source', header: 'Source', enableSorting: false, meta: { className: 'max-w-56' }, cell: ({ row: { original: t } }) => <TransactionSource t={t} /> },
    { id: 'amount', header: 'Amount', enableSorting: false, meta: { align: 'right', className: 'text-right' }, cell: ({ row: { original: t } }) => amount(t.amount, t.currency) },
    { id: 'fee', header: 'Fee', enableSorting: false, meta: { align: 'right', className: 'text-right text-slate-600' }, cell: ({ row: { original: t } }) => amount(t.fee, t.currency) },
    { id: 'net', header: 'Net', enableSorting: false, meta: { align: 'right', className: 'text-right font-medium' }, cell: ({ row: { original: t } }) => amount(t.net, t.currency) },
    {
      id: 'available_on', header: 'Available on', enableSorting: false, meta: { className: 'whitespace-nowrap text-slate-600' },
      cell: ({ row: { original: t } }) => <span title={exactTime(t.available_on, zone)}>{formatDate(t.available_on, zone)}</span>,
    },
    {
      id: 'status', header: 'Status', enableSorting: false,
      cell: ({ row: { original: t } }) => <Badge tone={t.status === 'available' ? 'success' : 'warning'}>{t.status === 'available' ? 'Available' : 'Pending'}</Badge>,
    },
    {
      id: 'payout', header: 'Payout', enableSorting: false, meta: { className: 'max-w-48' },
      cell: ({ row: { original: t } }) => t.payout && t.type !== 'payout'
        ? <Link to="/balances/payouts/$payoutId" params={{ payoutId: t.payout }} title={t.payout} className={linkClass}>{t.payout}</Link>
        : <span className="text-slate-500">—</span>,
    },
    {
      id: 'created', header: 'Created', enableSorting: false, meta: { className: 'whitespace-nowrap text-slate-600' },
      cell: ({ row: { original: t } }) => <span title={exactTime(t.created, zone)}>{formatListDateTime(t.created, zone)}</span>,
    },
  ];
}
