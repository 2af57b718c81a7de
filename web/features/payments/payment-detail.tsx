import { AmountTitle, DetailHeader } from '../../components/detail-header';
import { Tooltip } from '../../components/tooltip';
import { KeyValues } from '../../components/key-values';
import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import type { PaymentDetail as PaymentDetailData } from '../../../shared/contracts/dashboard';
import { can } from '../../../shared/permissions';
import { Button } from '../../components/button';
import { Card, CardBody, CardHeader } from '../../components/card';
import { CopyButton } from '../../components/copy-button';
import { FormDialog } from '../../components/form-dialog';
import { Field } from '../../components/field';
import { Icon } from '../../components/icons';
import { Select } from '../../components/input';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { formatDateTime, formatListDateTime } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { useSession } from '../../lib/use-session';
import { brandName, exactTime, money } from '../../lib/money';
import { RawJson } from '../../components/raw-json';
import { invalidatePayment, paymentDetailQuery } from './payment-queries';
import { REFUND_REASON_LABELS, type RefundReason } from '../../lib/refund-labels';
import { PaymentStatusBadge, RefundStatusBadge, humanize } from '../../components/status-badge';
import { PaymentLedgerPanel } from './payment-ledger';
import { Timeline } from './timeline';
import { CheckoutSessionPanel } from './checkout-session-panel';
import { CANCELABLE_STATUSES, REQUESTABLE_CANCELLATION_REASONS } from '../../../shared/status';

// The refund dialog is only needed by members who refund, and only when they do.
const loadRefundDialog = () => import('./refund-dialog');
const RefundDialog = lazy(loadRefundDialog);
const loadCaptureDialog = () => import('./capture-dialog');
const CaptureDialog = lazy(loadCaptureDialog);

export function PaymentDetailPage({ paymentId }: { paymentId: string }) {
  const session = useSession()!;
  const zone = session.merchant!.timezone;
  const { data } = useSuspenseQuery(paymentDetailQuery(paymentId));
  const { payment, displayStatus, refundable } = data;
  const canWrite = can(session.role, 'payments:write');
  const [dialog, setDialog] = useState<'refund' | 'capture' | 'cancel' | null>(null);
  const cancelable = (CANCELABLE_STATUSES as readonly string[]).includes(payment.status);

  return (
    <div className="space-y-6">
      <DetailHeader
        back={{ to: '/payments', label: 'Payments' }}
        kind="Payment"
        id={payment.id}
        title={<AmountTitle amount={payment.amount} currency={payment.currency} status={<PaymentStatusBadge status={displayStatus} />} />}
        actions={canWrite && (
          <>
            {payment.status === 'requires_capture' && <Button variant="primary" onPointerEnter={loadCaptureDialog} onFocus={loadCaptureDialog} onClick={() => setDialog('capture')}>Capture</Button>}
            {cancelable && <Button onClick={() => setDialog('cancel')}>Cancel payment</Button>}
            {refundable > 0 && (
              <Button variant="primary" onPointerEnter={loadRefundDialog} onFocus={loadRefundDialog} onClick={() => setDialog('refund')}>Refund</Button>
            )}
          </>
        )}
      />

      <Card>
        <dl className="grid grid-cols-2 divide-slate-100 sm:grid-cols-4 sm:divide-x">
          <Summary label="Amount">{money(payment.amount, payment.currency)}</Summary>
          <Summary label="Refunded">{money(payment.amount_refunded, payment.currency)}</Summary>
          <Summary label="Refundable">{money(refundable, payment.currency)}</Summary>
          <Summary label="Created">
            <Tooltip content={exactTime(payment.created, zone)}>
              <span tabIndex={0} className="rounded focus-visible:outline-2 focus-visible:outline-brand-500">{formatDateTime(payment.created, zone)}</span>
            </Tooltip>
          </Summary>
        </dl>
      </Card>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <Card>
            <CardHeader title="Timeline" />
            <CardBody>
              <Timeline entries={data.timeline} currency={payment.currency} zone={zone} />
            </CardBody>
          </Card>
          {data.checkoutSession && <CheckoutSessionPanel session={data.checkoutSession} currency={payment.currency} />}
          <RefundsTable data={data} zone={zone} />
          <Card>
            <CardHeader title="Metadata" />
            <CardBody>
              <KeyValues values={payment.metadata} empty="No metadata." />
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Raw JSON" description="The payment intent as the API returns it." />
            <CardBody>
              <RawJson value={payment} label="payment intent" />
            </CardBody>
          </Card>
        </div>
        <div className="min-w-0 space-y-6">
          <DisputePanel paymentId={payment.id} />
          <PaymentMethodPanel data={data} />
          <PaymentLedgerPanel paymentId={payment.id} zone={zone} />
          <CustomerPanel data={data} />
          <Card>
            <CardHeader title="Details" />
            <CardBody>
              <dl className="space-y-3 text-sm">
                <Detail label="Description">{payment.description ?? '—'}</Detail>
                <Detail label="Statement descriptor">{payment.statement_descriptor ?? '—'}</Detail>
                <Detail label="Capture">{humanize(payment.capture_method)}</Detail>
                <Detail label="API status"><span className="font-mono text-xs">{payment.status}</span></Detail>
                {payment.receipt_email && <Detail label="Receipt email">{payment.receipt_email}</Detail>}
                {payment.canceled_at && <Detail label="Canceled"><span title={exactTime(payment.canceled_at, zone)}>{formatDateTime(payment.canceled_at, zone)}</span></Detail>}
              </dl>
            </CardBody>
          </Card>
        </div>
      </div>

      {canWrite && dialog === 'refund' && (
        <Suspense fallback={null}>
          <RefundDialog open onClose={() => setDialog(null)} paymentId={payment.id} currency={payment.currency} refundable={refundable} />
        </Suspense>
      )}
      {canWrite && dialog === 'capture' && (
        <Suspense fallback={null}>
          <CaptureDialog open onClose={() => setDialog(null)} paymentId={payment.id} currency={payment.currency} capturable={payment.amount_capturable} />
        </Suspense>
      )}
      {canWrite && <CancelDialog open={dialog === 'cancel'} onClose={() => setDialog(null)} data={data} />}
    </div>
  );
}

function Summary({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="px-5 py-4">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-1 text-sm font-semibold text-slate-900 tabular-nums">{children}</dd>
    </div>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5 break-words text-slate-900">{children}</dd>
    </div>
  );
}

/** The payment's dispute, when its cardholder disputed it: status, amount, time left, a link to respond. */
function DisputePanel({ paymentId }: { paymentId: string }) {
  const { data: dispute } = useQuery(trpc.disputes.forPayment.queryOptions({ id: paymentId }));
  if (!dispute) return null;
  const needsResponse = dispute.status === 'needs_response' || dispute.status === 'warning_needs_response';
  return (
    <Card>
      <CardHeader title={dispute.status.startsWith('warning_') ? 'Inquiry' : 'Dispute'} />
      <CardBody className="space-y-2 text-sm">
        <p className="font-semibold text-slate-900 tabular-nums">{money(dispute.amount, dispute.currency)} · {humanize(dispute.status.replace(/^warning_/, 'inquiry_'))}</p>
        <p className="text-slate-600">Reason: {humanize(dispute.reason)}</p>
        <Link to="/disputes/$disputeId" params={{ disputeId: dispute.id }} className="inline-block font-medium text-brand-600 hover:text-brand-700">
          {needsResponse ? 'Respond to the dispute' : 'View the dispute'}
        </Link>
      </CardBody>
    </Card>
  );
}

function PaymentMethodPanel({ data }: { data: PaymentDetailData }) {
  const pm = data.paymentMethod;
  return (
    <Card>
      <CardHeader title="Payment method" />
      <CardBody>
        {pm ? (
          <dl className="space-y-3 text-sm">
            <Detail label="Card">
              <span className="font-medium">{brandName(pm.brand)}</span> <span className="tabular-nums">•••• {pm.last4}</span>
            </Detail>
            {pm.expMonth && pm.expYear && <Detail label="Expires">{String(pm.expMonth).padStart(2, '0')}/{pm.expYear}</Detail>}
            {pm.funding && <Detail label="Funding">{humanize(pm.funding)}</Detail>}
            {pm.country && <Detail label="Country">{pm.country}</Detail>}
            {pm.usage && (
              <Detail label="History">
                Used for {pm.usage.payments} payment{pm.usage.payments === 1 ? '' : 's'}
                {pm.usage.failedAttempts > 0 && `, ${pm.usage.failedAttempts} declined attempt${pm.usage.failedAttempts === 1 ? '' : 's'}`}
              </Detail>
            )}
          </dl>
        ) : (
          <p className="text-sm text-slate-500">No card has been attached yet.</p>
        )}
      </CardBody>
    </Card>
  );
}

function CustomerPanel({ data }: { data: PaymentDetailData }) {
  const c = data.customer;
  return (
    <Card>
      <CardHeader title="Customer" />
      <CardBody>
        {c ? (
          <div className="text-sm">
            {c.deleted ? (
              <p className="text-slate-500">Deleted customer <span className="font-mono text-xs">{c.id}</span></p>
            ) : (
              <Link to="/customers/$customerId" params={{ customerId: c.id }} className="font-medium text-brand-600 hover:text-brand-700">
                {c.name ?? c.email ?? c.id}
              </Link>
            )}
            {!c.deleted && c.name && c.email && <p className="mt-0.5 text-slate-600">{c.email}</p>}
          </div>
        ) : (
          <p className="text-sm text-slate-500">{data.payment.receipt_email ? `Guest: ${data.payment.receipt_email}` : 'No customer attached.'}</p>
        )}
      </CardBody>
    </Card>
  );
}

function RefundsTable({ data, zone }: { data: PaymentDetailData; zone: string }) {
  return (
    <Card>
      <CardHeader title="Refunds" description={data.refunds.length ? undefined : 'No refunds for this payment.'} />
      {data.refunds.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Refunds of this payment</caption>
            <thead className="border-b border-slate-200 bg-slate-50/80 text-xs tracking-wide text-slate-500 uppercase">
              <tr>
                <th scope="col" className="px-4 py-2.5 font-medium sm:pl-5">Amount</th>
                <th scope="col" className="px-4 py-2.5 font-medium">Status</th>
                <th scope="col" className="px-4 py-2.5 font-medium">Reason and author</th>
                <th scope="col" className="px-4 py-2.5 text-right font-medium sm:pr-5">Date</th>
              </tr>
            </thead>
            <tbody>
              {data.refunds.map(({ refund, created_by, note }) => (
                <tr key={refund.id} className="border-b border-slate-100 last:border-0">
                  <td className="px-4 py-3 whitespace-nowrap sm:pl-5">
                    <Link to="/refunds/$refundId" params={{ refundId: refund.id }} className="font-semibold text-brand-600 tabular-nums hover:text-brand-700">
                      {money(refund.amount, refund.currency)}
                    </Link>
                  </td>
                  <td className="px-4 py-3"><RefundStatusBadge status={refund.status} /></td>
                  <td className="max-w-56 px-4 py-3" title={note ?? undefined}>
                    <p className="text-slate-700">{refund.reason ? REFUND_REASON_LABELS[refund.reason as RefundReason] ?? humanize(refund.reason) : '—'}</p>
                    <p className="truncate text-xs text-slate-500">{created_by?.email ?? 'API'}</p>
                  </td>
                  <td className="px-4 py-3 text-right whitespace-nowrap text-slate-600 tabular-nums sm:pr-5" title={exactTime(refund.created, zone)}>{formatListDateTime(refund.created, zone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function CancelDialog({ open, onClose, data }: { open: boolean; onClose: () => void; data: PaymentDetailData }) {
  const queryClient = useQueryClient();
  const { payment } = data;
  const [reason, setReason] = useState<(typeof REQUESTABLE_CANCELLATION_REASONS)[number]>('requested_by_customer');
  const cancel = useMutation(trpc.payments.cancel.mutationOptions({
    onSuccess: async () => {
      await invalidatePayment(queryClient, payment.id);
      toast.success('Payment canceled.');
      onClose();
    },
  }));
  return (
    <FormDialog
      open={open}
      onClose={() => { cancel.reset(); onClose(); }}
      busy={cancel.isPending}
      size="sm"
      title="Cancel this payment?"
      description={payment.status === 'requires_capture' ? 'The hold on the customer’s card is released. This cannot be undone.' : 'The customer can no longer pay with it. This cannot be undone.'}
      cancelLabel="Keep payment"
      submitLabel="Cancel payment"
      submitVariant="danger"
      onSubmit={() => cancel.mutate({ id: payment.id, reason })}
      error={cancel.error ? errorMessage(cancel.error) : null}
    >
      <Field label="Reason">
        <Select value={reason} onChange={(e) => setReason(e.target.value as typeof reason)}>
          {REQUESTABLE_CANCELLATION_REASONS.map((r) => <option key={r} value={r}>{REFUND_REASON_LABELS[r]}</option>)}
        </Select>
      </Field>
    </FormDialog>
  );
}
