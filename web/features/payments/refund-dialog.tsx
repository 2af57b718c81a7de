import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { REFUND_REASONS } from '../../../shared/status';
import { AmountConfirmDialog } from '../../components/amount-confirm-dialog';
import { Field } from '../../components/field';
import { Select } from '../../components/input';
import { toast } from '../../components/toast';
import { checkRefundAmount } from '../../lib/amount-check';
import { money } from '../../lib/money';
import { REFUND_REASON_LABELS, type RefundReason } from '../../lib/refund-labels';
import { trpc } from '../../lib/trpc';
import { invalidatePayment } from './payment-queries';

/**
 * Refund: full or partial (never more than what is left), a reason and an internal note, then the exact
 * amount confirmed. A refusal (someone refunded in the meantime) stays in the dialog to correct and retry.
 */
export default function RefundDialog({
  open,
  onClose,
  paymentId,
  currency,
  refundable,
}: {
  open: boolean;
  onClose: () => void;
  paymentId: string;
  currency: string;
  refundable: number;
}) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState<RefundReason>('requested_by_customer');
  const [note, setNote] = useState('');
  const refund = useMutation(trpc.payments.refund.mutationOptions());

  async function submit(amount: number) {
    try {
      await refund.mutateAsync({ id: paymentId, amount, reason, note: note.trim() || undefined });
    } catch (error) {
      // What is refundable now, before the dialog words its message.
      await queryClient.refetchQueries({ queryKey: trpc.payments.get.queryKey({ id: paymentId }) });
      throw error;
    }
    await invalidatePayment(queryClient, paymentId);
    toast.success(`Refund of ${money(amount, currency)} issued.`);
    setReason('requested_by_customer');
    setNote('');
  }

  return (
    <AmountConfirmDialog
      open={open}
      onClose={onClose}
      currency={currency}
      max={refundable}
      verb="refunded"
      check={(text) => checkRefundAmount(text, currency, refundable)}
      title="Refund payment"
      description={`Up to ${money(refundable, currency)} can still be refunded.`}
      fullLabel="Full refund"
      partialLabel="Partial refund"
      amountLabel="Amount to refund"
      amountHint={`At most ${money(refundable, currency)}.`}
      reviewLabel="Review refund"
      fields={
        <>
          <Field label="Reason">
            <Select value={reason} onChange={(e) => setReason(e.target.value as RefundReason)}>
              {REFUND_REASONS.map((r) => <option key={r} value={r}>{REFUND_REASON_LABELS[r]}</option>)}
            </Select>
          </Field>
          <Field label="Internal note" optional hint="Shown in the timeline to your team, never to the customer.">
            <textarea
              value={note}
              maxLength={1000}
              rows={3}
              onChange={(e) => setNote(e.target.value)}
              className="block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-xs ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-brand-500 focus:outline-none"
            />
          </Field>
        </>
      }
      confirmTitle={(amount) => `Refund ${money(amount, currency)}?`}
      confirmDescription={() => 'The money goes back to the customer’s card. This cannot be undone.'}
      confirmLabel={(amount) => `Refund ${money(amount, currency)}`}
      confirmVariant="danger"
      summary={(amount) => [
        ['Amount', <span className="font-semibold">{money(amount, currency)}</span>],
        ['Reason', REFUND_REASON_LABELS[reason]],
        ...(note.trim() ? [['Note', note.trim()] as [string, string]] : []),
        ['Left after', money(refundable - amount, currency)],
      ]}
      onConfirm={submit}
    />
  );
}
