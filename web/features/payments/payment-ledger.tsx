import { useQuery } from '@tanstack/react-query';
import { Card, CardBody, CardHeader } from '../../components/card';
import { formatDate } from '../../lib/format';
import { money } from '../../lib/money';
import { trpc } from '../../lib/trpc';

const TYPE_LABELS: Record<string, string> = { charge: 'Charge', refund: 'Refund', refund_failure: 'Refund failure', dispute: 'Dispute', dispute_reversal: 'Dispute reversal' };

/** A payment's money: its charge, the fee, the net, and each balance effect (charge, refunds) with when it is available. */
export function PaymentLedgerPanel({ paymentId, zone }: { paymentId: string; zone: string }) {
  const { data } = useQuery(trpc.balances.forPayment.queryOptions({ paymentIntentId: paymentId }));
  if (!data) return null;
  const charge = data.charges.findLast((c) => c.status === 'succeeded') ?? data.charges.at(-1);
  const chargeTxn = data.transactions.find((t) => t.type === 'charge');
  const net = data.transactions.reduce((s, t) => s + t.net, 0);
  return (
    <Card>
      <CardHeader title="Fees and balance" description={charge ? undefined : 'No charge yet: nothing has reached the balance.'} />
      {charge && (
        <CardBody>
          <dl className="space-y-3 text-sm">
            <div className="flex justify-between gap-4"><dt className="text-slate-500">Charge</dt><dd className="font-mono text-xs break-all">{charge.id}</dd></div>
            {charge.disputed && <div className="flex justify-between gap-4"><dt className="text-slate-500">Disputed</dt><dd className="text-rose-700">Yes</dd></div>}
            {charge.receipt_url && (
              <div className="flex justify-between gap-4">
                <dt className="text-slate-500">Receipt</dt>
                {/* The receipt is the customer's page: a new tab, and no Referer carrying the dashboard's URL. */}
                <dd><a href={charge.receipt_url} target="_blank" rel="noopener noreferrer" className="font-medium text-brand-600 hover:text-brand-700">View receipt<span className="sr-only"> (opens in a new tab)</span></a></dd>
              </div>
            )}
            {chargeTxn && (
              <>
                <div className="flex justify-between gap-4"><dt className="text-slate-500">Amount</dt><dd className="tabular-nums">{money(chargeTxn.amount, chargeTxn.currency)}</dd></div>
                <div className="flex justify-between gap-4"><dt className="text-slate-500">Fee</dt><dd className="tabular-nums" data-testid="payment-fee">{money(chargeTxn.fee, chargeTxn.currency)}</dd></div>
                <div className="flex justify-between gap-4"><dt className="text-slate-500">Net</dt><dd className="font-medium tabular-nums" data-testid="payment-net">{money(net, chargeTxn.currency)}</dd></div>
              </>
            )}
          </dl>
          {data.transactions.length > 0 && (
            <ul className="mt-4 space-y-2 border-t border-slate-100 pt-3 text-sm" aria-label="Balance effects">
              {data.transactions.map((t) => (
                <li key={t.id} className="flex justify-between gap-4">
                  <span>{TYPE_LABELS[t.type] ?? t.type} <span className="text-slate-500">· {t.status === 'pending' ? `available ${formatDate(t.available_on, zone)}` : t.payout ? 'paid out' : 'available'}</span></span>
                  <span className="tabular-nums">{money(t.net, t.currency)}</span>
                </li>
              ))}
            </ul>
          )}
        </CardBody>
      )}
    </Card>
  );
}
