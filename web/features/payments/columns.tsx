import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { buttonClass } from '../../components/button';
import { Icon } from '../../components/icons';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { trpc } from '../../lib/trpc';
import { columnsPreferenceQuery, PAYMENT_COLUMNS_PREFERENCE } from './payment-queries';
import { Popover } from '../../components/popover';

const PAYMENT_COLUMNS = ['status', 'description', 'customer', 'method', 'created'] as const;
type PaymentColumn = (typeof PAYMENT_COLUMNS)[number];
const COLUMN_LABELS: Record<PaymentColumn, string> = {
  status: 'Status',
  description: 'Description',
  customer: 'Customer email',
  method: 'Payment method',
  created: 'Date',
};
const PREFERENCE_KEY = PAYMENT_COLUMNS_PREFERENCE;

/** Stored as the hidden columns, so columns added later show up for everyone. */
function hiddenFrom(value: unknown): PaymentColumn[] {
  const hidden = (value as { hidden?: unknown } | null)?.hidden;
  return Array.isArray(hidden) ? hidden.filter((c): c is PaymentColumn => (PAYMENT_COLUMNS as readonly string[]).includes(c)) : [];
}

/** The columns the member chose to see on the Payments list, remembered per user (preferences). */
export function useColumnChoice() {
  const queryClient = useQueryClient();
  const options = columnsPreferenceQuery();
  const pref = useQuery({ ...options, staleTime: Infinity });
  // The checkbox must follow the click at once; the cache update below waits for in-flight reads to cancel.
  const [pending, setPending] = useState<PaymentColumn[] | null>(null);
  const hidden = pending ?? hiddenFrom(pref.data?.value);
  const visible = new Set(PAYMENT_COLUMNS.filter((c) => !hidden.includes(c)));
  const save = useMutation(trpc.preferences.set.mutationOptions({
    onMutate: async ({ value }) => {
      await queryClient.cancelQueries({ queryKey: options.queryKey });
      const previous = queryClient.getQueryData(options.queryKey);
      queryClient.setQueryData(options.queryKey, { key: PREFERENCE_KEY, value });
      return { previous };
    },
    onError: (error, _input, context) => {
      queryClient.setQueryData(options.queryKey, context?.previous);
      toast.error(errorMessage(error));
    },
    onSettled: () => setPending(null),
  }));
  const toggle = (column: PaymentColumn) => {
    const next = hidden.includes(column) ? hidden.filter((c) => c !== column) : [...hidden, column];
    setPending(next);
    save.mutate({ key: PREFERENCE_KEY, value: { hidden: next } });
  };
  return { visible, toggle };
}

export function ColumnsMenu() {
  const { visible, toggle } = useColumnChoice();
  return (
    <Popover
      label="Columns"
      align="end"
      panelClassName="w-56"
      triggerClassName={buttonClass('secondary', 'sm')}
      trigger={<><Icon name="eye" className="size-4" />Columns</>}
    >
      {() => (
        <fieldset>
          <legend className="mb-2 text-xs font-medium text-slate-500">Show columns</legend>
          <div className="space-y-1">
            {PAYMENT_COLUMNS.map((column) => (
              <label key={column} className="flex cursor-pointer items-center gap-2.5 rounded-md px-1.5 py-1.5 text-sm text-slate-700 hover:bg-slate-50">
                <input type="checkbox" className="size-4 accent-brand-600" checked={visible.has(column)} onChange={() => toggle(column)} />
                {COLUMN_LABELS[column]}
              </label>
            ))}
          </div>
        </fieldset>
      )}
    </Popover>
  );
}
