import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { METADATA_KEY_MAX, METADATA_MAX_KEYS, METADATA_VALUE_MAX } from '../../../shared/contracts/common';
import { Button } from '../../components/button';
import { FormError } from '../../components/field';
import { Icon } from '../../components/icons';
import { Input } from '../../components/input';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { trpc } from '../../lib/trpc';
import { useDiscardGuard } from './discard-guard';

interface Row { id: number; key: string; value: string }

let nextRowId = 1;
const fieldId = (rowId: number, field: 'key' | 'value') => `metadata-${rowId}-${field}`;
const problemId = (rowId: number) => `metadata-${rowId}-problem`;
const row = (key = '', value = ''): Row => ({ id: nextRowId++, key, value });

interface Problem { field: 'key' | 'value'; message: string }

/** Rows that break the API's metadata rules, with the reason and the field at fault, before anything is sent. */
function metadataProblems(rows: Row[]): Record<number, Problem> {
  const out: Record<number, Problem> = {};
  const seen = new Set<string>();
  for (const r of rows) {
    const key = r.key.trim();
    if (!key && !r.value) continue;
    if (!key) out[r.id] = { field: 'key', message: 'Give this value a key.' };
    else if (key.length > METADATA_KEY_MAX) out[r.id] = { field: 'key', message: `Keys can be at most ${METADATA_KEY_MAX} characters.` };
    else if (seen.has(key)) out[r.id] = { field: 'key', message: `The key “${key}” is used twice.` };
    else if (r.value.length > METADATA_VALUE_MAX) out[r.id] = { field: 'value', message: `Values can be at most ${METADATA_VALUE_MAX} characters (this one has ${r.value.length}).` };
    seen.add(key);
  }
  return out;
}

/**
 * Edits a customer's metadata as key-value rows. Saving sends the new pairs plus "" for each removed key,
 * which is how the API deletes a key.
 */
export function MetadataEditor({ customerId, metadata, onDone }: { customerId: string; metadata: Record<string, string>; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [rows, setRows] = useState<Row[]>(() => {
    const existing = Object.entries(metadata).map(([k, v]) => row(k, v));
    return existing.length ? existing : [row()];
  });
  const [shownProblems, setShownProblems] = useState<Record<number, Problem>>({});
  const save = useMutation(trpc.customers.update.mutationOptions({
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: trpc.customers.get.queryKey({ id: customerId }) });
      toast.success('Metadata saved.');
      onDone();
    },
  }));
  const filled = rows.filter((r) => r.key.trim() || r.value);
  const original = Object.entries(metadata);
  const dirty = filled.length !== original.length || filled.some((r, i) => r.key.trim() !== original[i]?.[0] || r.value !== original[i]?.[1]);
  const guard = useDiscardGuard(dirty, onDone);
  const setRow = (id: number, patch: Partial<Row>) => {
    setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));
    setShownProblems((p) => {
      const { [id]: _gone, ...rest } = p;
      return rest;
    });
  };

  return (
    <form
      noValidate
      onKeyDown={(event) => {
        // Escape leaves the editor, asking first when something changed.
        if (event.key === 'Escape' && !save.isPending) {
          event.preventDefault();
          guard.requestClose();
        }
      }}
      onSubmit={(event) => {
        event.preventDefault();
        const found = metadataProblems(rows);
        setShownProblems(found);
        const first = rows.find((r) => found[r.id]);
        if (first) {
          requestAnimationFrame(() => document.getElementById(fieldId(first.id, found[first.id]!.field))?.focus());
          return;
        }
        const next: Record<string, string> = Object.fromEntries(filled.map((r) => [r.key.trim(), r.value]));
        for (const key of Object.keys(metadata)) if (!(key in next)) next[key] = '';
        save.mutate({ id: customerId, metadata: next });
      }}
      className="space-y-3"
    >
      <FormError message={save.error ? errorMessage(save.error) : null} />
      <div className="hidden grid-cols-[minmax(0,1fr)_minmax(0,1.5fr)_auto] gap-2 text-xs font-medium text-slate-500 sm:grid" aria-hidden="true">
        <span>Key</span>
        <span>Value</span>
        <span className="w-9" />
      </div>
      <ul className="space-y-2">
        {rows.map((r, index) => (
          <li key={r.id}>
            <div className="grid grid-cols-[minmax(0,1fr)_minmax(0,1.5fr)_auto] gap-2">
              <Input
                id={fieldId(r.id, 'key')}
                aria-label={`Key ${index + 1}`}
                value={r.key}
                maxLength={METADATA_KEY_MAX + 10}
                placeholder="order_id"
                aria-invalid={shownProblems[r.id]?.field === 'key' ? true : undefined}
                aria-describedby={shownProblems[r.id]?.field === 'key' ? problemId(r.id) : undefined}
                onChange={(e) => setRow(r.id, { key: e.target.value })}
              />
              <Input
                id={fieldId(r.id, 'value')}
                aria-label={`Value ${index + 1}`}
                value={r.value}
                placeholder="6735"
                aria-invalid={shownProblems[r.id]?.field === 'value' ? true : undefined}
                aria-describedby={shownProblems[r.id]?.field === 'value' ? problemId(r.id) : undefined}
                onChange={(e) => setRow(r.id, { value: e.target.value })}
              />
              <Button variant="ghost" aria-label={`Remove ${r.key.trim() || `row ${index + 1}`}`} onClick={() => setRows((rs) => (rs.length === 1 ? [row()] : rs.filter((x) => x.id !== r.id)))}>
                <Icon name="trash" className="size-4" />
              </Button>
            </div>
            {shownProblems[r.id] && (
              <p id={problemId(r.id)} role="alert" className="mt-1 text-[13px] text-red-600">
                {shownProblems[r.id]!.message}
              </p>
            )}
          </li>
        ))}
      </ul>
      {guard.prompt ?? (
        <div className="flex flex-wrap items-center justify-between gap-2">
          <Button size="sm" variant="ghost" icon={<Icon name="plus" className="size-4" />} disabled={rows.length >= METADATA_MAX_KEYS} onClick={() => setRows((rs) => [...rs, row()])}>
            Add row
          </Button>
          <div className="flex gap-2">
            <Button size="sm" onClick={guard.requestClose} disabled={save.isPending}>Cancel</Button>
            <Button size="sm" variant="primary" type="submit" loading={save.isPending}>Save metadata</Button>
          </div>
        </div>
      )}
    </form>
  );
}
