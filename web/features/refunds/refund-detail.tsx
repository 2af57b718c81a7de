import { useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { REFUND_FAILURE_REASONS } from '../../../shared/status';
import { Card, CardBody, CardHeader } from '../../components/card';
import { CopyButton } from '../../components/copy-button';
import { Icon } from '../../components/icons';
import { formatDateTime } from '../../lib/format';
import { brandName, exactTime, money } from '../../lib/money';
import { KeyValues } from '../../components/key-values';
import { RawJson } from '../../components/raw-json';
import { REFUND_REASON_LABELS, type RefundReason } from '../../lib/refund-labels';
import { humanize, PaymentStatusBadge, RefundStatusBadge } from '../../components/status-badge';
import { useSession } from '../shell/use-session';
import { refundDetailQuery } from './refunds-search';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[10rem_1fr] gap-4 py-2.5 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 break-words text-slate-900">{children}</dd>
    </div>
  );
}

export function RefundDetailPage({ refundId }: { refundId: string }) {
  const zone = useSession()!.merchant!.timezone;
  const { data } = useSuspenseQuery(refundDetailQuery(refundId));
  const { refund, payment, note, created_by } = data;
  return (
    <div className="space-y-6">
      <div>
        <Link to="/refunds" className="inline-flex items-center gap-1 text-sm font-medium text-slate-500 hover:text-slate-800">
          <Icon name="chevronRight" className="size-4 rotate-180" />
          Refunds
        </Link>
        <p className="mt-3 text-sm text-slate-500">Refund</p>
        <h1 className="mt-0.5 flex flex-wrap items-center gap-3 text-3xl font-semibold tracking-tight text-slate-900 tabular-nums">
          {money(refund.amount, refund.currency)}
          <span className="text-lg font-normal text-slate-500 uppercase">{refund.currency}</span>
          <RefundStatusBadge status={refund.status} />
        </h1>
        <p className="mt-2 flex items-center gap-2 font-mono text-xs text-slate-500">
          {refund.id}
          <CopyButton value={refund.id} label="Copy refund id" variant="ghost" />
        </p>
      </div>

      <div className="grid items-start gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card>
            <CardHeader title="Details" />
            <CardBody className="py-1">
              <dl className="divide-y divide-slate-100">
                <Row label="Created"><span title={exactTime(refund.created, zone)}>{formatDateTime(refund.created, zone)}</span></Row>
                <Row label="Reason">{refund.reason ? REFUND_REASON_LABELS[refund.reason as RefundReason] ?? humanize(refund.reason) : '—'}</Row>
                <Row label="Issued by">{created_by?.email ?? 'The API'}</Row>
                <Row label="Internal note">{note ?? '—'}</Row>
                {refund.status === 'failed' && (
                  <Row label="Failure">{refund.failure_reason ? REFUND_FAILURE_REASONS[refund.failure_reason] ?? humanize(refund.failure_reason) : 'The refund failed.'}</Row>
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
