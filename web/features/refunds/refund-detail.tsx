import { useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { REFUND_FAILURE_REASONS } from '../../../shared/status';
import { Card, CardBody, CardHeader } from '../../components/card';
import { DetailRow } from '../../components/detail-row';
import { CopyButton } from '../../components/copy-button';
import { Icon } from '../../components/icons';
import { formatDateTime } from '../../lib/format';
import { brandName, exactTime, money } from '../../lib/money';
import { AmountTitle, DetailHeader } from '../../components/detail-header';
import { KeyValues } from '../../components/key-values';
import { RawJson } from '../../components/raw-json';
import { REFUND_REASON_LABELS, type RefundReason } from '../../lib/refund-labels';
import { humanize, PaymentStatusBadge, RefundStatusBadge } from '../../components/status-badge';
import { useSession } from '../../lib/use-session';
import { refundDetailQuery } from './refunds-search';


export function RefundDetailPage({ refundId }: { refundId: string }) {
  const zone = useSession()!.merchant!.timezone;
  const { data } = useSuspenseQuery(refundDetailQuery(refundId));
  const { refund, payment, note, created_by } = data;
  return (
    <div className="space-y-6">
      <DetailHeader
        back={{ to: '/refunds', label: 'Refunds' }}
        kind="Refund"
        id={refund.id}
        title={<AmountTitle amount={refund.amount} currency={refund.currency} status={<RefundStatusBadge status={refund.status} />} />}
      />

      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <Card>
            <CardHeader title="Details" />
            <CardBody className="py-1">
              <dl className="divide-y divide-slate-100">
                <DetailRow label="Created"><span title={exactTime(refund.created, zone)}>{formatDateTime(refund.created, zone)}</span></DetailRow>
                <DetailRow label="Reason">{refund.reason ? REFUND_REASON_LABELS[refund.reason as RefundReason] ?? humanize(refund.reason) : '—'}</DetailRow>
                <DetailRow label="Issued by">{created_by?.email ?? 'The API'}</DetailRow>
                <DetailRow label="Internal note">{note ?? '—'}</DetailRow>
                {refund.status === 'failed' && (
                  <DetailRow label="Failure">{refund.failure_reason ? REFUND_FAILURE_REASONS[refund.failure_reason] ?? humanize(refund.failure_reason) : 'The refund failed.'}</DetailRow>
                )}
              </dl>
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Metadata" />
            <CardBody><KeyValues values={refund.metadata} empty="No metadata." /></CardBody>
          </Card>
          <Card>
            <CardHeader title="Raw JSON" description="The refund as the API returns it." />
            <CardBody><RawJson value={refund} label="refund" /></CardBody>
          </Card>
        </div>
        <Card>
          <CardHeader title="Payment" />
          <CardBody className="space-y-3 text-sm">
            <div className="flex flex-wrap items-center gap-2">
              <Link to="/payments/$paymentId" params={{ paymentId: payment.id }} className="font-semibold text-brand-600 tabular-nums hover:text-brand-700">
                {money(payment.amount, payment.currency)}
              </Link>
              <PaymentStatusBadge status={payment.displayStatus} />
            </div>
            <p className="font-mono text-xs break-all text-slate-500">{payment.id}</p>
            {payment.customerEmail && <p className="text-slate-700">{payment.customerEmail}</p>}
            {payment.cardLast4 && <p className="text-slate-700">{brandName(payment.cardBrand)} •••• {payment.cardLast4}</p>}
            <p className="text-slate-600">Refunded so far: {money(payment.amountRefunded, payment.currency)}</p>
          </CardBody>
        </Card>
      </div>
    </div>
  );
}
