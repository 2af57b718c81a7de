import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { REFUND_REASONS } from '../../../shared/contracts/refunds';
import { toMajorUnitString } from '../../../shared/money';
import { checkRefundAmount } from './amount-check';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { Field, FormError } from '../../components/field';
import { Input, Select } from '../../components/input';
import { toast } from '../../components/toast';
import { errorMessage, serverFieldErrors } from '../../lib/errors';
import { trpc } from '../../lib/trpc';
import { money } from '../../lib/money';
import { invalidatePayment } from './payment-queries';
import { REFUND_REASON_LABELS, type RefundReason } from '../../lib/refund-labels';
import { humanize } from '../../components/status-badge';

type Reason = RefundReason;

/**
 * Refund in two steps: choose full or partial (never more than what is left), a reason and an internal
 * note, then confirm the exact amount. The server's answer (e.g. someone refunded in the meantime) stays
 * in the dialog so the person can correct and retry.
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
  const [kind, setKind] = useState<'full' | 'partial'>('full');
  const [amountText, setAmountText] = useState('');
  const [reason, setReason] = useState<Reason>('requested_by_customer');
  const [note, setNote] = useState('');
  const [amountError, setAmountError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  const refund = useMutation(trpc.payments.refund.mutationOptions({
    onSuccess: async (_result, input) => {
      await invalidatePayment(queryClient, paymentId);
      toast.success(`Refund of ${money(input.amount ?? refundable, currency)} issued.`);
      reset();
      onClose();
    },
    onError: (error) => {
      const fields = serverFieldErrors(error);
      if (fields.amount) {
        setAmountError(fields.amount);
        setConfirming(null);
      }
      setFormError(errorMessage(error));
      void queryClient.invalidateQueries({ queryKey: trpc.payments.get.queryKey({ id: paymentId }) });
    },
  }));

  function reset() {
    setKind('full');
    setAmountText('');
    setReason('requested_by_customer');
    setNote('');
    setAmountError(null);
    setConfirming(null);
    setFormError(null);
  }

  function close() {
    reset();
    onClose();
  }

  function review(event: React.FormEvent) {
    event.preventDefault();
    setFormError(null);
    if (kind === 'full') return setConfirming(refundable);
    const checked = checkRefundAmount(amountText, currency, refundable);
    if (!checked.ok) return setAmountError(checked.error);
    setConfirming(checked.amount);
  }

  const busy = refund.isPending;
  return (
    <Dialog
      open={open}
      onClose={close}
      busy={busy}
      title={confirming === null ? 'Refund payment' : `Refund ${money(confirming, currency)}?`}
      description={confirming === null ? `Up to ${money(refundable, currency)} can still be refunded.` : 'The money goes back to the customer’s card. This cannot be undone.'}
      footer={
        confirming === null ? (
          <>
            <Button onClick={close}>Cancel</Button>
            <Button variant="primary" type="submit" form="refund-form">Review refund</Button>
          </>
        ) : (
          <>
            <Button onClick={() => { setConfirming(null); setFormError(null); }} disabled={busy}>Back</Button>
            <Button
              variant="danger"
              loading={busy}
              onClick={() => refund.mutate({ id: paymentId, amount: confirming, reason, note: note.trim() || undefined })}
            >
              Refund {money(confirming, currency)}
            </Button>
          </>
        )
      }
    >
      {formError && <div className="mb-3"><FormError message={formError} /></div>}
      {confirming === null ? (
        <form id="refund-form" noValidate onSubmit={review} className="mt-1 space-y-4">
          <fieldset className="space-y-2">
            <legend className="mb-1 text-sm font-medium text-slate-800">Amount</legend>
            <label className="flex cursor-pointer items-center gap-2.5 text-sm text-slate-700">
              <input type="radio" name="refund-kind" className="size-4 accent-brand-600" checked={kind === 'full'} onChange={() => { setKind('full'); setAmountError(null); }} />
              Full refund ({money(refundable, currency)})
            </label>
            <label className="flex cursor-pointer items-center gap-2.5 text-sm text-slate-700">
              <input type="radio" name="refund-kind" className="size-4 accent-brand-600" checked={kind === 'partial'} onChange={() => setKind('partial')} />
              Partial refund
            </label>
          </fieldset>
          {kind === 'partial' && (
            <Field label={`Amount to refund (${currency.toUpperCase()})`} error={amountError} hint={`At most ${money(refundable, currency)}.`}>
              <Input inputMode="decimal" autoFocus value={amountText} onChange={(e) => { setAmountText(e.target.value); setAmountError(null); }} placeholder={toMajorUnitString(0, currency)} />
            </Field>
          )}
          <Field label="Reason">
            <Select value={reason} onChange={(e) => setReason(e.target.value as Reason)}>
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
        </form>
      ) : (
        <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
          <dt className="text-slate-500">Amount</dt>
          <dd className="font-semibold text-slate-900 tabular-nums">{money(confirming, currency)}</dd>
          <dt className="text-slate-500">Reason</dt>
          <dd className="text-slate-900">{REFUND_REASON_LABELS[reason] ?? humanize(reason)}</dd>
          {note.trim() && (
            <>
              <dt className="text-slate-500">Note</dt>
              <dd className="break-words text-slate-900">{note.trim()}</dd>
            </>
          )}
          <dt className="text-slate-500">Left after</dt>
          <dd className="text-slate-900 tabular-nums">{money(refundable - confirming, currency)}</dd>
        </dl>
      )}
    </Dialog>
  );
}
