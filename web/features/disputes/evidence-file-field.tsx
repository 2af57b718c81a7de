import { useId, useRef, useState, type DragEvent } from 'react';
import { FILE_KINDS, formatBytes, purposeKindsLabel, UPLOAD_PURPOSES } from '../../../shared/contracts/files';
import { Button } from '../../components/button';
import { Spinner } from '../../components/spinner';
import { cx } from '../../lib/format';

const RULE = UPLOAD_PURPOSES.dispute_evidence;
const TYPES: string[] = RULE.kinds.map((k) => FILE_KINDS[k].contentType);
const EXTENSIONS = /\.(pdf|png|jpe?g)$/i;
/** What the picker offers; the server checks the bytes whatever the browser says. */
export const EVIDENCE_ACCEPT = [...TYPES, '.pdf', '.png', '.jpg', '.jpeg'].join(',');
export const EVIDENCE_HINT = `${purposeKindsLabel('dispute_evidence')}, at most ${formatBytes(RULE.maxBytes)}.`;

/** The check the browser can make before sending (type by name or media type, size); null when it may go. */
export function evidenceFileProblem(file: File): string | null {
  if (!TYPES.includes(file.type) && !EXTENSIONS.test(file.name)) return `Upload a ${purposeKindsLabel('dispute_evidence')} file.`;
  if (file.size > RULE.maxBytes) return `This file is too large: evidence files can be at most ${formatBytes(RULE.maxBytes)}.`;
  if (file.size === 0) return 'This file is empty.';
  return null;
}

interface EvidenceFileFieldProps {
  label: string;
  hint?: string;
  /** The attached file's id and name, if any. */
  file: { id: string; name: string } | null;
  pending: string | null;
  error: string | null;
  disabled: boolean;
  onChoose(file: File): void;
  onRemove(): void;
  onDownload(): void;
}

/**
 * One evidence file: drop it on the box or pick it (the box opens the picker), see it upload, then its name
 * with Download and Remove. The input itself stays in the page (visually hidden) so it keeps the label.
 */
export function EvidenceFileField({ label, hint, file, pending, error, disabled, onChoose, onRemove, onDownload }: EvidenceFileFieldProps) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const describedBy = error ? `${id}-error` : `${id}-hint`;

  function drop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files?.[0];
    if (dropped && !disabled) onChoose(dropped);
  }

  return (
    <div className="space-y-1.5" data-evidence-field={label}>
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        {label}
        <span className="ml-1 font-normal text-slate-500">(optional)</span>
      </label>
      <div
        data-testid="evidence-drop"
        onDragOver={(e) => {
          e.preventDefault();
          if (!disabled) setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
        className={cx(
          'flex min-h-12 flex-wrap items-center gap-x-3 gap-y-2 rounded-md border border-dashed px-3 py-2 text-sm focus-within:ring-2 focus-within:ring-brand-500',
          dragging ? 'border-brand-500 bg-brand-50' : error ? 'border-red-300' : 'border-slate-300',
          disabled && 'opacity-70',
        )}
      >
        <input
          ref={input}
          id={id}
          type="file"
          className="sr-only"
          accept={EVIDENCE_ACCEPT}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => {
            const chosen = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (chosen) onChoose(chosen);
          }}
        />
        {pending ? (
          <span role="status" className="flex min-w-0 items-center gap-2 text-slate-700">
            <Spinner size="sm" />
            <span className="break-all">Uploading {pending}…</span>
          </span>
        ) : file ? (
          <>
            <span className="min-w-0 break-all text-slate-800">Attached: {file.name}</span>
            <span className="flex gap-1">
              <Button size="sm" variant="ghost" onClick={onDownload}>Download {file.name}</Button>
              {!disabled && <Button size="sm" variant="ghost" onClick={onRemove} aria-label={`Remove ${file.name}`}>Remove</Button>}
            </span>
          </>
        ) : (
          <span className="text-slate-600">
            Drop a file here or{' '}
            <button type="button" disabled={disabled} className="font-medium text-brand-700 underline underline-offset-2 disabled:no-underline" onClick={() => input.current?.click()} tabIndex={-1}>
              choose one
            </button>
          </span>
        )}
      </div>
      {error ? (
        <p id={`${id}-error`} className="text-[13px] text-red-600">{error}</p>
      ) : (
        <p id={`${id}-hint`} className="text-[13px] text-slate-500">{hint ?? EVIDENCE_HINT}</p>
      )}
    </div>
  );
}
