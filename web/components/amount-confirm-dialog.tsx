import { useId, useState, type ReactNode } from 'react';
import { toMajorUnitString } from '../../shared/money';
import { amountTooLarge, type AmountCheck, type AmountVerb } from '../lib/amount-check';
import { errorMessage, serverFieldErrors } from '../lib/errors';
import { money } from '../lib/money';
import { Button } from './button';
import { Dialog } from './dialog';
import { Field, FormError } from './field';
import { Input } from './input';

/**
 * Moving money in two steps (refund, capture): choose the full amount or type a partial one (checked in
 * the browser with the same rules as the server), then confirm the exact amount. A refusal from the server
 * is shown once: under the amount field when it is about the amount that was typed, otherwise above the
 * form; amounts in messages are formatted money, never minor units.
 */
export function AmountConfirmDialog({
  open,
  onClose,
  currency,
  max,
  verb,
  check,
  title,
  description,
  fullLabel,
  partialLabel,
  amountLabel,
  amountHint,
  reviewLabel,
  cancelLabel = 'Cancel',
  fields,
  confirmTitle,
  confirmDescription,
  confirmLabel,
  confirmVariant = 'primary',
  summary,
  onConfirm,
}: {
  open: boolean;
  onClose: () => void;
  currency: string;
  /** The most that may be moved (minor units): what is refundable or capturable now. */
  max: number;
  verb: AmountVerb;
  check: (text: string) => AmountCheck;
  title: string;
  description: ReactNode;
  fullLabel: string;
  partialLabel: string;
  amountLabel: string;
  amountHint: ReactNode;
  reviewLabel: string;
  cancelLabel?: string;
  /** More fields of the first step (a refund's reason and note). */
  fields?: ReactNode;
  confirmTitle: (amount: number) => string;
  confirmDescription: (amount: number) => ReactNode;
  confirmLabel: (amount: number) => string;
  confirmVariant?: 'primary' | 'danger';
  /** Rows of the confirmation step. */
  summary: (amount: number) => Array<[string, ReactNode]>;
  /**
   * Sends the request; rejects with the server's error after the data behind `max` was fetched again, so
   * a message about the amount names what is left now.
   */
  onConfirm: (amount: number, full: boolean) => Promise<void>;
}) {
  const [kind, setKind] = useState<'full' | 'partial'>('full');
  const [text, setText] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const [refused, setRefused] = useState<null | { amount: boolean; message: string }>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const formId = useId();

  function reset() {
    setKind('full');
    setText('');
    setLocalError(null);
    setRefused(null);
    setConfirming(null);
  }

  function close() {
    if (busy) return;
    reset();
    onClose();
  }

  function review() {
    setRefused(null);
    if (kind === 'full') return setConfirming(max);
    const checked = check(text);
    if (!checked.ok) return setLocalError(checked.error);
    setConfirming(checked.amount);
  }

  async function confirm(amount: number) {
    setBusy(true);
    try {
      await onConfirm(amount, kind === 'full');
      reset();
      onClose();
    } catch (error) {
      const aboutAmount = Boolean(serverFieldErrors(error).amount);
      setRefused({ amount: aboutAmount, message: errorMessage(error) });
      setConfirming(null);
      if (aboutAmount && kind === 'partial') setText(toMajorUnitString(amount, currency));
    } finally {
      setBusy(false);
    }
  }

  // Worded here from the fresh `max`, so the person reads what is left now in their currency's format.
  const refusedText = refused?.amount ? amountTooLarge(max, currency, verb) : refused?.message ?? null;
  const fieldError = localError ?? (refused?.amount && kind === 'partial' ? refusedText : null);
  const bannerError = refused && !(refused.amount && kind === 'partial') ? refusedText : null;

  const step = confirming === null ? 'choose' : 'confirm';
  return (
    <Dialog
      open={open}
      onClose={close}
      busy={busy}
      size="sm"
      title={confirming === null ? title : confirmTitle(confirming)}
      description={confirming === null ? description : confirmDescription(confirming)}
      footer={
        confirming === null ? (
          <>
            <Button onClick={close}>{cancelLabel}</Button>
            <Button variant="primary" type="submit" form={formId}>{reviewLabel}</Button>
          </>
        ) : (
          <>
            <Button onClick={() => setConfirming(null)} disabled={busy}>Back</Button>
            <Button variant={confirmVariant} loading={busy} onClick={() => void confirm(confirming)}>{confirmLabel(confirming)}</Button>
          </>
        )
      }
    >
      {step === 'confirm' && confirming !== null ? (
        <dl className="mt-1 grid grid-cols-[auto_minmax(0,1fr)] gap-x-6 gap-y-2 text-sm">
          {summary(confirming).map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-slate-500">{label}</dt>
              <dd className="break-words text-slate-900 tabular-nums">{value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <form id={formId} noValidate className="mt-1 space-y-4" onSubmit={(event) => { event.preventDefault(); review(); }}>
          <FormError message={bannerError} />
          <fieldset className="space-y-2">
            <legend className="mb-1 text-sm font-medium text-slate-800">Amount</legend>
            <label className="flex cursor-pointer items-center gap-2.5 text-sm text-slate-700">
              <input type="radio" name={`${formId}-kind`} className="size-4 accent-brand-600" checked={kind === 'full'} onChange={() => { setKind('full'); setLocalError(null); }} />
              {fullLabel} ({money(max, currency)})
            </label>
            <label className="flex cursor-pointer items-center gap-2.5 text-sm text-slate-700">
              <input type="radio" name={`${formId}-kind`} className="size-4 accent-brand-600" checked={kind === 'partial'} onChange={() => setKind('partial')} />
              {partialLabel}
            </label>
          </fieldset>
          {kind === 'partial' && (
            <Field label={`${amountLabel} (${currency.toUpperCase()})`} error={fieldError} hint={amountHint}>
              <Input
                inputMode="decimal"
                autoFocus
                value={text}
                onChange={(e) => { setText(e.target.value); setLocalError(null); setRefused(null); }}
                placeholder={toMajorUnitString(0, currency)}
              />
            </Field>
          )}
          {fields}
        </form>
      )}
    </Dialog>
  );
}
