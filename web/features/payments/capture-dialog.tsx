import { useMutation, useQueryClient } from '@tanstack/react-query';
import { AmountConfirmDialog } from '../../components/amount-confirm-dialog';
import { toast } from '../../components/toast';
import { checkCaptureAmount } from '../../lib/amount-check';
import { money } from '../../lib/money';
import { trpc } from '../../lib/trpc';
import { invalidatePayment } from './payment-queries';

/**
 * Capture: the full authorized amount or a partial one (the rest of the authorization is released), then
 * the exact amount confirmed. A refusal stays in the dialog to correct and retry.
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
  const capture = useMutation(trpc.payments.capture.mutationOptions());

  async function submit(amount: number, full: boolean) {
    try {
      // The full amount is sent without `amount` so the server captures whatever is still authorized.
      await capture.mutateAsync({ id: paymentId, amount: full ? undefined : amount });
    } catch (error) {
      await queryClient.refetchQueries({ queryKey: trpc.payments.get.queryKey({ id: paymentId }) });
      throw error;
    }
    await invalidatePayment(queryClient, paymentId);
    toast.success(`${money(amount, currency)} captured.`);
  }

  return (
    <AmountConfirmDialog
      open={open}
      onClose={onClose}
      currency={currency}
      max={capturable}
      verb="captured"
      check={(text) => checkCaptureAmount(text, currency, capturable)}
      title="Capture payment"
      description={`${money(capturable, currency)} is authorized on the customer’s card. Capture all of it or part of it; the rest of the authorization is released.`}
      fullLabel="Full amount"
      partialLabel="Partial amount"
      amountLabel="Amount to capture"
      amountHint={`At most ${money(capturable, currency)}; the rest is released.`}
      reviewLabel="Review capture"
      cancelLabel="Not now"
      confirmTitle={(amount) => `Capture ${money(amount, currency)}?`}
      confirmDescription={(amount) =>
        capturable - amount > 0
          ? `${money(amount, currency)} is collected from the customer’s card and the remaining ${money(capturable - amount, currency)} of the authorization is released. This cannot be undone.`
          : 'The authorized amount is collected from the customer’s card. This cannot be undone.'}
      confirmLabel={(amount) => `Capture ${money(amount, currency)}`}
      summary={(amount) => [
        ['Capture', <span className="font-semibold">{money(amount, currency)}</span>],
        ['Released', money(capturable - amount, currency)],
      ]}
      onConfirm={submit}
    />
  );
}
