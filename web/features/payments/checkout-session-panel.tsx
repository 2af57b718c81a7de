import type { PaymentCheckoutSession } from '../../../shared/contracts/dashboard';
import { Badge } from '../../components/badge';
import { Card, CardBody, CardHeader } from '../../components/card';
import { CopyButton } from '../../components/copy-button';
import { money } from '../../lib/money';

const STATUS_TONES = { open: 'info', complete: 'success', expired: 'neutral' } as const;
const STATUS_LABELS = { open: 'Open', complete: 'Complete', expired: 'Expired' } as const;

/** What the buyer bought through a checkout session: the session, the merchant's reference and the items. */
export function CheckoutSessionPanel({ session, currency }: { session: PaymentCheckoutSession; currency: string }) {
  const total = session.lineItems.reduce((sum, item) => sum + item.amount, 0);
  return (
    <Card>
      <CardHeader
        title="Checkout session"
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            <span className="font-mono text-xs break-all" data-testid="checkout-session-id">{session.id}</span>
            <CopyButton value={session.id} label="Copy session id" compact />
            <Badge tone={STATUS_TONES[session.status]}>{STATUS_LABELS[session.status]}</Badge>
          </span>
        }
      />
      <CardBody>
        <dl className="mb-4 text-sm">
          <dt className="text-xs font-medium text-slate-500">Client reference</dt>
          <dd className="mt-0.5 break-words text-slate-900" data-testid="client-reference-id">{session.clientReferenceId ?? '—'}</dd>
        </dl>
        <table className="w-full text-sm" data-testid="session-line-items">
          <caption className="sr-only">Line items</caption>
          <thead>
            <tr className="border-b border-slate-100 text-left text-xs font-medium text-slate-500">
              <th scope="col" className="py-2 pr-3 font-medium">Item</th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">Qty</th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">Unit price</th>
              <th scope="col" className="py-2 text-right font-medium">Amount</th>
            </tr>
          </thead>
          <tbody>
            {session.lineItems.map((item, i) => (
              <tr key={i} className="border-b border-slate-100 align-top">
                <td className="py-2 pr-3">
                  <span className="font-medium break-words text-slate-900">{item.name}</span>
                  {item.description && <span className="block text-xs text-slate-500">{item.description}</span>}
                </td>
                <td className="py-2 pr-3 text-right tabular-nums">{item.quantity}</td>
                <td className="py-2 pr-3 text-right tabular-nums">{money(item.unitAmount, currency)}</td>
                <td className="py-2 text-right tabular-nums">{money(item.amount, currency)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3} className="pt-3 text-left font-semibold text-slate-900">Total</th>
              <td className="pt-3 text-right font-semibold tabular-nums text-slate-900">{money(total, currency)}</td>
            </tr>
          </tfoot>
        </table>
      </CardBody>
    </Card>
  );
}
