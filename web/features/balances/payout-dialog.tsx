import { useMutation, useQueryClient } from '@tanstack/react-query';
import { AmountConfirmDialog } from '../../components/amount-confirm-dialog';
import { toast } from '../../components/toast';
import { checkPayoutAmount } from '../../lib/amount-check';
import { money } from '../../lib/money';
import { trpc } from '../../lib/trpc';

/**
 * A manual payout: the whole available balance of a currency (the default; itemized, it lists what it
 * settles) or part of it (not itemized, decision 009), then the exact amount confirmed. A refusal (someone
 * paid out in the meantime) stays in the dialog, worded from the balance fetched again.
 */
export function PayoutDialog({ open, onClose, currency, available }: { open: boolean; onClose: () => void; currency: string; available: number }) {
  const queryClient = useQueryClient();
  const payOut = useMutation(trpc.balances.createPayout.mutationOptions());

  async function submit(amount: number, full: boolean) {
    try {
      // The whole balance is sent without `amount`, so the server pays out whatever is available when it runs.
      await payOut.mutateAsync({ currency, amount: full ? undefined : amount });
    } catch (error) {
      await queryClient.refetchQueries({ queryKey: trpc.balances.overview.queryKey() });
      throw error;
    }
    await queryClient.invalidateQueries({ queryKey: trpc.balances.pathKey() });
    toast.success(`Payout of ${money(amount, currency)} created.`);
  }

  return (
    <AmountConfirmDialog
      open={open}
      onClose={onClose}
      currency={currency}
      max={available}
      verb="paid out"
      check={(text) => checkPayoutAmount(text, currency, available)}
      title={`Pay out ${currency.toUpperCase()}`}
      description={`${money(available, currency)} is available. Pay out all of it, or part of it; the rest stays in your balance.`}
      fullLabel="Whole available balance"
      partialLabel="Another amount"
      amountLabel="Amount to pay out"
      amountHint={`At most ${money(available, currency)}. A partial payout is not itemized: the payments it pays out are listed on the next full payout.`}
      reviewLabel="Review payout"
      confirmTitle={(amount) => `Pay out ${money(amount, currency)}?`}
      confirmDescription={(amount) =>
        available - amount > 0
          ? `${money(amount, currency)} is sent to your bank account; ${money(available - amount, currency)} stays available.`
          : 'Your whole available balance is sent to your bank account.'}
      confirmLabel={(amount) => `Pay out ${money(amount, currency)}`}
      summary={(amount) => [
        ['Payout', <span className="font-semibold">{money(amount, currency)}</span>],
        ['Stays available', money(available - amount, currency)],
      ]}
      onConfirm={submit}
    />
  );
}
