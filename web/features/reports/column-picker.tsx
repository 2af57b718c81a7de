import { useState } from 'react';
import type { ReportTypeView } from '../../../shared/contracts/reports';
import { Button } from '../../components/button';
import { Input } from '../../components/input';

/** The report's columns as checkboxes, its metadata keys, a field to add another key, and "Default set". */
export function ColumnPicker({ type, columns, onChange, error }: { type: ReportTypeView; columns: string[]; onChange: (columns: string[]) => void; error?: string }) {
  const [metadataKey, setMetadataKey] = useState('');
  const metadataColumns = [...new Set([...type.metadataKeys.map((k) => `metadata[${k}]`), ...columns.filter((c) => c.startsWith('metadata['))])];
  const toggle = (id: string) => onChange(columns.includes(id) ? columns.filter((c) => c !== id) : [...columns, id]);
  const addMetadata = () => {
    const key = metadataKey.trim();
    if (!key) return;
    const id = `metadata[${key}]`;
    if (!columns.includes(id)) onChange([...columns, id]);
    setMetadataKey('');
  };
  return (
    <fieldset>
      <div className="flex items-baseline justify-between">
        <legend className="text-sm font-medium text-slate-800">Columns</legend>
        <button type="button" className="text-[13px] font-medium text-brand-600 hover:text-brand-700" onClick={() => onChange(type.defaultColumns)}>Default set</button>
      </div>
      <div className="mt-1.5 grid grid-cols-1 gap-x-3 gap-y-1 sm:grid-cols-2">
        {[...type.columns.map((c) => ({ id: c.id, label: c.label })), ...metadataColumns.map((id) => ({ id, label: id }))].map((c) => (
          <label key={c.id} className="flex items-center gap-1.5 text-sm text-slate-700">
            <input type="checkbox" className="size-4 accent-brand-600" checked={columns.includes(c.id)} onChange={() => toggle(c.id)} />
            {c.label}
          </label>
        ))}
      </div>
      {type.metadataColumns && <div className="mt-2 flex gap-2">
        <Input aria-label="Metadata key" placeholder="Metadata key, e.g. order_id" value={metadataKey} maxLength={40} onChange={(e) => setMetadataKey(e.target.value)}
          onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); addMetadata(); } }} />
        <Button onClick={addMetadata} disabled={!metadataKey.trim()}>Add column</Button>
      </div>}
      {error && <p className="mt-1 text-[13px] text-red-600">{error}</p>}
    </fieldset>
  );
}
