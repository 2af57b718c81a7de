import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { Badge } from '../../components/badge';
import { Button, buttonClass } from '../../components/button';
import { Card, PageHeader } from '../../components/card';
import { EmptyState } from '../../components/empty-state';
import { Icon } from '../../components/icons';
import { ListError } from '../../components/list-table';
import { PaymentsTabs } from '../../components/payments-tabs';
import { exportSearch } from '../../lib/export-search';
import { cx, formatListDateTime } from '../../lib/format';
import { exactTime, money } from '../../lib/money';
import { trpc } from '../../lib/trpc';
import { useSession } from '../../lib/use-session';
import { can } from '../../../shared/permissions';
import { DISPUTE_REASON_LABELS, DISPUTE_STATUS_LABELS, DISPUTE_STATUS_TONES, timeLeftLabel } from './dispute-labels';
import { disputeListInput, type DisputesSearch } from './disputes-search';

const FILTERS: { value: DisputesSearch['status']; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'needs_response', label: 'Needs response' },
  { value: 'under_review', label: 'Under review' },
  { value: 'closed', label: 'Closed' },
];

/** Disputes, those needing a response first (soonest due first, with the time left), then the rest. */
export function DisputesPage({ search }: { search: DisputesSearch }) {
  const session = useSession()!;
  const zone = session.merchant!.timezone;
  const navigate = useNavigate();
  const update = (patch: Partial<DisputesSearch>) => navigate({ to: '/disputes', search: { status: search.status, ...patch } });
  const list = useQuery({ ...trpc.disputes.list.queryOptions(disputeListInput(search)), placeholderData: keepPreviousData });
  const items = list.data?.items ?? [];
  const needing = list.data?.needsResponse ?? 0;

  return (
    <>
      <PageHeader
        title="Disputes"
        description={needing ? `${needing} dispute${needing === 1 ? '' : 's'} need${needing === 1 ? 's' : ''} a response. Respond before the due date or the bank decides without your evidence.` : 'Chargebacks and inquiries from cardholders’ banks.'}
        actions={can(session.role, 'exports:manage') ? (
          <Link to="/reports" search={exportSearch('disputes.itemized.1', { status: search.status === 'all' ? undefined : search.status })} className={buttonClass('secondary', 'md')}>Export</Link>
        ) : undefined}
      />
      <PaymentsTabs current="disputes" />
      <div className="mb-4 flex flex-wrap gap-2" role="group" aria-label="Show disputes">
        {FILTERS.map((f) => (
          <Button key={f.value} size="sm" variant={search.status === f.value ? 'primary' : 'secondary'} aria-pressed={search.status === f.value} onClick={() => update({ status: f.value })}>
            {f.label}
          </Button>
        ))}
      </div>
      <Card className="overflow-hidden">
        {list.isError && !list.data ? (
          <ListError error={list.error} onRetry={() => void list.refetch()} />
        ) : !list.isPending && items.length === 0 ? (
          <EmptyState icon={<Icon name="payments" />} title={search.status === 'all' ? 'No disputes' : 'No disputes here'} description="When a cardholder disputes a payment, it appears here with the time left to respond." />
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Disputes" aria-busy={list.isFetching}>
            {items.map(({ dispute, customer, description, secondsLeft }) => {
              const left = timeLeftLabel(secondsLeft);
              return (
                <li key={dispute.id} className="relative flex flex-col gap-2 px-4 py-3 hover:bg-slate-50 sm:flex-row sm:items-center sm:gap-4" data-testid="dispute-row">
                  <div className="min-w-0 flex-1">
                    <div className="flex flex-wrap items-center gap-2">
                      <Link
                        to="/disputes/$disputeId"
                        params={{ disputeId: dispute.id }}
                        className="font-semibold text-slate-900 tabular-nums outline-none after:absolute after:inset-0 focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-brand-500"
                      >
                        {money(dispute.amount, dispute.currency)}
                        <span className="ml-1.5 text-xs font-normal text-slate-500 uppercase">{dispute.currency}</span>
                        <span className="sr-only">, dispute {dispute.id}</span>
                      </Link>
                      <Badge tone={DISPUTE_STATUS_TONES[dispute.status]}>{DISPUTE_STATUS_LABELS[dispute.status]}</Badge>
                      <span className="text-sm text-slate-600">{DISPUTE_REASON_LABELS[dispute.reason]}</span>
                    </div>
                    <p className="mt-0.5 truncate text-sm text-slate-500">{[customer?.email ?? customer?.name, description, dispute.payment_intent].filter(Boolean).join(' · ')}</p>
                  </div>
                  <div className="flex shrink-0 items-center gap-3 text-sm sm:text-right">
                    {left && <span className={cx('font-medium', secondsLeft! < 2 * 86_400 ? 'text-red-700' : 'text-amber-800')} data-testid="time-left">{left}</span>}
                    <span className="text-slate-500 tabular-nums" title={exactTime(dispute.created, zone)}>{formatListDateTime(dispute.created, zone)}</span>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
        {list.data?.nextCursor && (
          <div className="border-t border-slate-100 px-4 py-3">
            <Button size="sm" onClick={() => update({ cursor: list.data?.nextCursor ?? undefined })}>Next page</Button>
          </div>
        )}
      </Card>
    </>
  );
}
