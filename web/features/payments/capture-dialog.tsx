import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toMajorUnitString } from '../../../shared/money';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { Field, FormError } from '../../components/field';
import { Input } from '../../components/input';
import { toast } from '../../components/toast';
import { errorMessage, serverFieldErrors } from '../../lib/errors';
import { trpc } from '../../lib/trpc';
import { checkCaptureAmount } from './amount-check';
import { money } from '../../lib/money';
import { invalidatePayment } from './payment-queries';

/**
 * Capture in two steps: choose the full authorized amount or a partial one (the rest of the authorization
 * is released), then confirm the exact amount. Server errors stay in the dialog so the person can retry.
 */
export default function CaptureDialog({
  open,
  onClose,
  paymentId,
  currency,
  capturable,
}: {
  open: boolean;
  onClose: () => void;
  paymentId: string;
  currency: string;
  capturable: number;
}) {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<'full' | 'partial'>('full');
  const [amountText, setAmountText] = useState('');
  const [amountError, setAmountError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  const capture = useMutation(trpc.payments.capture.mutationOptions({
    onSuccess: async (_result, input) => {
      await invalidatePayment(queryClient, paymentId);
      toast.success(`${money(input.amount ?? capturable, currency)} captured.`);
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
    if (kind === 'full') return setConfirming(capturable);
    const checked = checkCaptureAmount(amountText, currency, capturable);
    if (!checked.ok) return setAmountError(checked.error);
    setConfirming(checked.amount);
  }

  const busy = capture.isPending;
  const released = confirming === null ? 0 : capturable - confirming;
  return (
    <Dialog
      open={open}
      onClose={close}
      busy={busy}
      size="sm"
      title={confirming === null ? 'Capture payment' : `Capture ${money(confirming, currency)}?`}
      description={
        confirming === null
          ? `${money(capturable, currency)} is authorized on the customer’s card. Capture all of it or part of it; the rest of the authorization is released.`
          : released > 0
            ? `${money(confirming, currency)} is collected from the customer’s card and the remaining ${money(released, currency)} of the authorization is released. This cannot be undone.`
            : 'The authorized amount is collected from the customer’s card. This cannot be undone.'
      }
      footer={
        confirming === null ? (
          <>
            <Button onClick={close}>Not now</Button>
            <Button variant="primary" type="submit" form="capture-form">Review capture</Button>
          </>
        ) : (
          <>
            <Button onClick={() => { setConfirming(null); setFormError(null); }} disabled={busy}>Back</Button>
            <Button
              variant="primary"
              loading={busy}
              // The full amount is sent without `amount` so the server captures whatever is still authorized.
              onClick={() => capture.mutate({ id: paymentId, amount: confirming === capturable ? undefined : confirming })}
            >
              Capture {money(confirming, currency)}
            </Button>
          </>
        )
      }
    >
      {formError && <div className="mb-3"><FormError message={formError} /></div>}
      {confirming === null ? (
        <form id="capture-form" noValidate onSubmit={review} className="mt-1 space-y-4">
          <fieldset className="space-y-2">
            <legend className="mb-1 text-sm font-medium text-slate-800">Amount</legend>
            <label className="flex cursor-pointer items-center gap-2.5 text-sm text-slate-700">
              <input type="radio" name="capture-kind" className="size-4 accent-brand-600" checked={kind === 'full'} onChange={() => { setKind('full'); setAmountError(null); }} />
              Full amount ({money(capturable, currency)})
            </label>
            <label className="flex cursor-pointer items-center gap-2.5 text-sm text-slate-700">
              <input type="radio" name="capture-kind" className="size-4 accent-brand-600" checked={kind === 'partial'} onChange={() => setKind('partial')} />
              Partial amount
            </label>
          </fieldset>
          {kind === 'partial' && (
            <Field label={`Amount to capture (${currency.toUpperCase()})`} error={amountError} hint={`At most ${money(capturable, currency)}; the rest is released.`}>
              <Input inputMode="decimal" autoFocus value={amountText} onChange={(e) => { setAmountText(e.target.value); setAmountError(null); }} placeholder={toMajorUnitString(0, currency)} />
            </Field>
          )}
        </form>
      ) : (
        <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
          <dt className="text-slate-500">Capture</dt>
          <dd className="font-semibold text-slate-900 tabular-nums">{money(confirming, currency)}</dd>
          <dt className="text-slate-500">Released</dt>
          <dd className="text-slate-900 tabular-nums">{money(released, currency)}</dd>
        </dl>
      )}
    </Dialog>
  );
}
