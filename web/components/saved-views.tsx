import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import type { SavedViewDto, SavedViewPage } from '../../shared/contracts/dashboard';
import { Button, buttonClass } from './button';
import { FormDialog } from './form-dialog';
import { Field } from './field';
import { Icon } from './icons';
import { Input } from './input';
import { Spinner } from './spinner';
import { toast } from './toast';
import { errorMessage, serverFieldErrors } from '../lib/errors';
import { trpc } from '../lib/trpc';
import { Popover } from './popover';

const PATHS: Record<SavedViewPage, '/payments' | '/refunds' | '/customers'> = { payments: '/payments', refunds: '/refunds', customers: '/customers' };

/** A view keeps the filters, sort and page size; never a cursor (pages move as data arrives). */
function viewParams(search: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(search).filter(([k, v]) => k !== 'cursor' && v !== undefined));
}

function sameParams(a: Record<string, unknown>, b: Record<string, unknown>) {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/** "Views": the member's named filter sets for a list, applied with one click, plus "Save view". */
export function SavedViewsMenu({ page = 'payments', search }: { page?: SavedViewPage; search: Record<string, unknown> }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const views = useQuery(trpc.views.list.queryOptions({ page }));
  const [saving, setSaving] = useState(false);
  const current = viewParams(search);
  const list: SavedViewDto[] = views.data ?? [];
  const active = list.find((v) => sameParams(v.params, current));
  const remove = useMutation(trpc.views.delete.mutationOptions({
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: trpc.views.list.queryKey({ page }) });
      toast.success('View deleted.');
    },
    onError: (e) => toast.error(errorMessage(e)),
  }));

  return (
    <>
      <Popover
        label="Saved views"
        align="end"
        triggerClassName={buttonClass('secondary', 'sm')}
        trigger={<>{active ? <span className="max-w-32 truncate">View: {active.name}</span> : 'Views'}<Icon name="chevronDown" className="size-3.5" /></>}
      >
        {(close) => (
          <div>
            <p className="mb-1.5 text-xs font-medium text-slate-500">Saved views</p>
            {views.isPending ? (
              <div className="flex justify-center py-3"><Spinner label="Loading views" /></div>
            ) : list.length === 0 ? (
              <p className="px-1.5 py-2 text-sm text-slate-500">No saved views yet. Filter the list, then save the view to come back to it in one click.</p>
            ) : (
              <ul className="max-h-64 space-y-0.5 overflow-y-auto">
                {list.map((view) => (
                  <li key={view.id} className="group flex items-center gap-1">
                    <button
                      type="button"
                      className="min-w-0 flex-1 truncate rounded-md px-2 py-1.5 text-left text-sm text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-500 aria-[current=true]:font-semibold aria-[current=true]:text-brand-700"
                      aria-current={view.id === active?.id || undefined}
                      onClick={() => {
                        close();
                        void navigate({ to: PATHS[page], search: view.params as never });
                      }}
                    >
                      {view.name}
                    </button>
                    <button
                      type="button"
                      aria-label={`Delete view ${view.name}`}
                      disabled={remove.isPending}
                      onClick={() => remove.mutate({ id: view.id })}
                      className="rounded-md p-1.5 text-slate-400 hover:bg-red-50 hover:text-red-600 focus-visible:outline-2 focus-visible:outline-brand-500"
                    >
                      <Icon name="trash" className="size-4" />
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <div className="mt-2 border-t border-slate-100 pt-2">
              <Button
                size="sm"
                className="w-full"
                icon={<Icon name="plus" className="size-4" />}
                onClick={() => {
                  close();
                  setSaving(true);
                }}
              >
                Save view
              </Button>
            </div>
          </div>
        )}
      </Popover>
      <SaveViewDialog open={saving} page={page} params={current} onClose={() => setSaving(false)} />
    </>
  );
}

function SaveViewDialog({ open, page, params, onClose }: { open: boolean; page: SavedViewPage; params: Record<string, unknown>; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const create = useMutation(trpc.views.create.mutationOptions({
    onSuccess: async (view) => {
      await queryClient.invalidateQueries({ queryKey: trpc.views.list.queryKey({ page }) });
      toast.success(`View “${view.name}” saved.`);
      setName('');
      onClose();
    },
    onError: (e) => {
      const fields = serverFieldErrors(e);
      setError(fields.name ?? null);
      setFormError(fields.name ? null : errorMessage(e));
    },
  }));
  const close = () => {
    setError(null);
    setFormError(null);
    onClose();
  };
  return (
    <FormDialog
      open={open}
      onClose={close}
      busy={create.isPending}
      size="sm"
      title="Save view"
      description="Keeps the current filters, sort and page size under a name only you see."
      submitLabel="Save view"
      error={formError}
      onSubmit={() => {
        if (!name.trim()) return setError('Give the view a name.');
        create.mutate({ page, name: name.trim(), params });
      }}
    >
      <Field label="Name" error={error}>
        <Input value={name} maxLength={80} autoFocus placeholder="e.g. Failed this week" onChange={(e) => { setName(e.target.value); setError(null); }} />
      </Field>
    </FormDialog>
  );
}
