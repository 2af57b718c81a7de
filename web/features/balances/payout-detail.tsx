import { useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Card, CardBody, CardHeader } from '../../components/card';
import { AmountTitle, DetailHeader } from '../../components/detail-header';
import { tableClass, theadClass, Th } from '../../components/list-table';
import { RawJson } from '../../components/raw-json';
import { formatDate, formatDateTime } from '../../lib/format';
import { money } from '../../lib/money';
import { useSession } from '../../lib/use-session';
import { payoutDetailQuery, TRANSACTION_TYPE_LABELS } from './balance-queries';
import { PayoutStatusBadge } from './balances-page';
import { TransactionSource } from './transactions-page';

/** A payout and the balance transactions it settles: the reconciliation a finance user checks against the bank. */
export function PayoutDetailPage({ payoutId }: { payoutId: string }) {
  const zone = useSession()!.merchant?.timezone ?? 'UTC';
  const { data } = useSuspenseQuery(payoutDetailQuery(payoutId));
  const { payout, transactions } = data;
  // Its own transaction is not one it settles; a partial payout's own line, settled here, is.
  const settled = transactions.data.filter((t) => t.id !== payout.balance_transaction);
  const itemized = payout.reconciliation_status !== 'not_applicable';
  const sum = (pick: (t: (typeof settled)[number]) => number) => settled.reduce((s, t) => s + pick(t), 0);
  return (
    <div className="space-y-6">
      <DetailHeader
        back={{ to: '/balances', label: 'Balances' }}
        kind="Payout"
        id={payout.id}
        title={<AmountTitle amount={payout.amount} currency={payout.currency} status={<PayoutStatusBadge status={payout.status} />} />}
      />
      <Card>
        <CardHeader title="Details" />
        <CardBody>
          <dl className="grid grid-cols-1 gap-4 text-sm sm:grid-cols-4">
            <div><dt className="text-slate-500">Created</dt><dd>{formatDateTime(payout.created, zone)}</dd></div>
            <div><dt className="text-slate-500">Arrival</dt><dd>{formatDate(payout.arrival_date, zone)}</dd></div>
            <div><dt className="text-slate-500">Type</dt><dd>{payout.automatic ? 'Automatic (schedule)' : itemized ? 'Manual' : 'Manual, partial'}</dd></div>
            <div><dt className="text-slate-500">Failure</dt><dd>{payout.failure_message ?? '—'}</dd></div>
          </dl>
        </CardBody>
      </Card>
      {itemized ? (
        <Card>
          <CardHeader
            title="Transactions settled"
            description={`${settled.length} transaction${settled.length === 1 ? '' : 's'}: gross ${money(sum((t) => t.amount), payout.currency)}, fees ${money(sum((t) => t.fee), payout.currency)}, net ${money(sum((t) => t.net), payout.currency)} = the payout.`}
            actions={<Link to="/balances/transactions" search={{ payout: payout.id }} className="text-sm font-medium text-brand-600 hover:text-brand-700">Open in balance transactions</Link>}
          />
          <div className="overflow-x-auto">
            <table className={tableClass} aria-label="Transactions settled by this payout">
              <thead className={theadClass}>
                <tr>
                  <Th>Type</Th>
                  <Th>Source</Th>
                  <Th className="text-right">Gross</Th>
                  <Th className="text-right">Fee</Th>
                  <Th className="text-right">Net</Th>
                  <Th>Created</Th>
                </tr>
              </thead>
              <tbody>
                {settled.map((t) => (
                  <tr key={t.id} className="border-b border-slate-100 last:border-0">
                    <td className="px-4 py-3">{TRANSACTION_TYPE_LABELS[t.type] ?? t.type}</td>
                    <td className="px-4 py-3"><TransactionSource t={t} /></td>
                    <td className="px-4 py-3 text-right tabular-nums">{money(t.amount, t.currency)}</td>
                    <td className="px-4 py-3 text-right tabular-nums">{money(t.fee, t.currency)}</td>
                    <td className="px-4 py-3 text-right font-medium tabular-nums">{money(t.net, t.currency)}</td>
                    <td className="px-4 py-3 text-slate-600">{formatDateTime(t.created, zone)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      ) : (
        <Card>
          <CardHeader title="Not itemized" />
          <CardBody>
            <p className="text-sm text-slate-600">
              This manual payout took part of the available balance, so it settles no particular payments (as with Stripe, only full payouts are itemized).
              Its own line, {money(-payout.amount, payout.currency)}, is listed on the next full payout with the payments that payout settles.
            </p>
          </CardBody>
        </Card>
      )}
      <Card>
        <CardHeader title="Raw JSON" description="The payout as the API returns it." />
        <CardBody><RawJson value={payout} label="payout" /></CardBody>
      </Card>
    </div>
  );
}
