import { useId, type FormEvent, type ReactNode } from 'react';
import { Button } from './button';
import { Dialog } from './dialog';
import { FormError } from './field';

/**
 * A dialog holding one form: fields, one form-level error (the server's answer, when it is not about a
 * field), Cancel and a submit button that shows progress. Enter submits; Esc and the backdrop cancel
 * unless a request is running.
 */
export function FormDialog({
  open,
  onClose,
  title,
  description,
  submitLabel,
  submitVariant = 'primary',
  cancelLabel = 'Cancel',
  onSubmit,
  busy = false,
  error,
  size = 'md',
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  submitLabel: ReactNode;
  submitVariant?: 'primary' | 'danger';
  cancelLabel?: string;
  onSubmit: () => void;
  busy?: boolean;
  error?: string | null;
  size?: 'sm' | 'md' | 'lg';
  children?: ReactNode;
}) {
  const formId = useId();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      busy={busy}
      size={size}
      title={title}
      description={description}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>{cancelLabel}</Button>
          <Button variant={submitVariant} type="submit" form={formId} loading={busy}>{submitLabel}</Button>
        </>
      }
    >
      <form
        id={formId}
        noValidate
        className="mt-1 space-y-4"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          if (!busy) onSubmit();
        }}
      >
        <FormError message={error} />
        {children}
      </form>
    </Dialog>
  );
}
