import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from '@tanstack/react-router';
import { can } from '../../../shared/permissions';
import { Badge } from '../../components/badge';
import { Button, buttonClass } from '../../components/button';
import { Card, CardBody, CardHeader, PageHeader } from '../../components/card';
import { EmptyState } from '../../components/empty-state';
import { ListError, SkeletonRows, tableClass, theadClass, Th } from '../../components/list-table';
import { humanize } from '../../components/status-badge';
import { formatDate, formatDateTime } from '../../lib/format';
import { money } from '../../lib/money';
import { useSession } from '../../lib/use-session';
import { balanceOverviewQuery, PAYOUT_STATUS_TONES, payoutsQuery, scheduleLabel } from './balance-queries';
import { PayoutDialog } from './payout-dialog';

export interface BalancesSearch {
  after?: string;
  before?: string;
}

export function PayoutStatusBadge({ status }: { status: string }) {
  return <Badge tone={PAYOUT_STATUS_TONES[status] ?? 'neutral'}>{humanize(status)}</Badge>;
}

export function BalancesPage({ search }: { search: BalancesSearch }) {
  const session = useSession()!;
  const zone = session.merchant?.timezone ?? 'UTC';
  const navigate = useNavigate();
  const { data: overview } = useSuspenseQuery(balanceOverviewQuery());
  const page = useQuery(payoutsQuery({ starting_after: search.after, ending_before: search.before }));
  const mayPayOut = can(session.role, 'payouts:manage');
  const [payoutCurrency, setPayoutCurrency] = useState<string | null>(null);
  const currencies = [...new Set([...overview.balance.available, ...overview.balance.pending].map((b) => b.currency))];
  const amountOf = (list: { currency: string; amount: number }[], currency: string) => list.find((b) => b.currency === currency)?.amount ?? 0;
  const payouts = page.data?.data ?? [];

  return (
    <>
      <PageHeader title="Balances" description={`Payout schedule: ${scheduleLabel(overview.settings)}.`} />
      <div className="mb-6 grid grid-cols-1 gap-4 md:grid-cols-3">
        {currencies.length === 0 && (
          <Card className="md:col-span-3">
            <CardBody><p className="text-sm text-slate-500">No balance yet: successful payments add to it, minus their fees.</p></CardBody>
          </Card>
        )}
        {currencies.map((currency) => {
          const available = amountOf(overview.balance.available, currency);
          const pending = amountOf(overview.balance.pending, currency);
          return (
            <Card key={currency}>
              <CardHeader
                title={<span className="uppercase">{currency}</span>}
                actions={mayPayOut && available > 0 ? (
                  <Button size="sm" onClick={() => setPayoutCurrency(currency)}>Pay out now</Button>
                ) : undefined}
              />
              <CardBody>
                <dl className="grid grid-cols-2 gap-4 text-sm">
                  <div>
                    <dt className="text-slate-500">Available</dt>
                    <dd className="mt-1 text-xl font-semibold tabular-nums text-slate-900" data-testid={`available-${currency}`}>{money(available, currency)}</dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">Pending</dt>
                    <dd className="mt-1 text-xl font-semibold tabular-nums text-slate-600" data-testid={`pending-${currency}`}>{money(pending, currency)}</dd>
                  </div>
                  <div className="col-span-2">
                    <dt className="text-slate-500">Next payout</dt>
                    <dd className="mt-1 text-slate-900">
                      {overview.next_payout_date === null
                        ? 'Manual: pay out when you choose.'
                        : `${formatDate(overview.next_payout_date, 'UTC')}${available > 0 ? `, about ${money(available, currency)}` : ''}`}
                    </dd>
                  </div>
                </dl>
              </CardBody>
            </Card>
          );
        })}
      </div>

      {payoutCurrency && (
        <PayoutDialog open onClose={() => setPayoutCurrency(null)} currency={payoutCurrency} available={amountOf(overview.balance.available, payoutCurrency)} />
      )}

      <Card className="mb-6">
        <CardBody className="flex flex-col gap-2 sm:flex-row sm:items-center sm:justify-between">
          <p className="text-sm text-slate-600">Every charge, refund, dispute and payout that moved your balance, with its fee, net and when it became available.</p>
          <Link to="/balances/transactions" className={buttonClass('secondary', 'md')}>All balance transactions</Link>
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Payouts" description="Each full payout lists the payments, refunds and fees it settles." />
        {page.isError ? (
          <ListError error={page.error} onRetry={() => void page.refetch()} />
        ) : !page.isPending && payouts.length === 0 ? (
          <EmptyState title="No payouts yet" description="Payouts appear here once funds become available and your schedule pays them out." />
        ) : (
          <div className="overflow-x-auto">
            <table className={tableClass}>
              <thead className={theadClass}>
                <tr>
                  <Th className="text-right">Amount</Th>
                  <Th>Status</Th>
                  <Th>Type</Th>
                  <Th>Created</Th>
                  <Th>Arrival</Th>
                </tr>
              </thead>
              <tbody>
                {page.isPending ? (
                  <SkeletonRows columns={5} rows={5} />
                ) : (
                  payouts.map((p) => (
                    <tr key={p.id} className="border-b border-slate-100 last:border-0 hover:bg-slate-50">
                      <td className="px-4 py-3 text-right font-medium tabular-nums">
                        <Link to="/balances/payouts/$payoutId" params={{ payoutId: p.id }} className="text-brand-600 hover:text-brand-700">
                          {money(p.amount, p.currency)}
                        </Link>
                      </td>
                      <td className="px-4 py-3"><PayoutStatusBadge status={p.status} /></td>
                      <td className="px-4 py-3 text-slate-600">{p.automatic ? 'Automatic' : p.reconciliation_status === 'not_applicable' ? 'Manual, partial' : 'Manual'}</td>
                      <td className="px-4 py-3 text-slate-600">{formatDateTime(p.created, zone)}</td>
                      <td className="px-4 py-3 text-slate-600">{formatDate(p.arrival_date, zone)}</td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
            <div className="flex justify-end gap-2 border-t border-slate-100 px-4 py-3">
              <Button size="sm" disabled={!search.after && !search.before ? true : !payouts.length} onClick={() => void navigate({ to: '/balances', search: { before: payouts[0]?.id } })}>Previous</Button>
              <Button size="sm" disabled={!page.data?.has_more && !search.before} onClick={() => void navigate({ to: '/balances', search: { after: payouts[payouts.length - 1]?.id } })}>Next</Button>
            </div>
          </div>
        )}
      </Card>
    </>
  );
}
