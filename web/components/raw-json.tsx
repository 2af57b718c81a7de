import { useState } from 'react';
import { CopyButton } from './copy-button';

/** The API object for developers: collapsed by default, monospace, copyable. */
export function RawJson({ value, label }: { value: unknown; label: string }) {
  const [open, setOpen] = useState(false);
  const text = open ? JSON.stringify(value, null, 2) : '';
  return (
    <details className="group" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="cursor-pointer rounded text-sm font-medium text-brand-600 select-none hover:text-brand-700 focus-visible:outline-2 focus-visible:outline-brand-500">
        <span className="group-open:hidden">Show JSON</span>
        <span className="hidden group-open:inline">Hide JSON</span>
      </summary>
      {open && (
        <div className="relative mt-3">
          <div className="absolute top-2 right-2">
            <CopyButton value={text} label={`Copy ${label} JSON`} />
          </div>
          <pre tabIndex={0} aria-label={`${label} JSON`} className="max-h-[32rem] overflow-auto rounded-lg bg-slate-900 p-4 font-mono text-[12.5px] leading-relaxed text-slate-100">
            <code>{text}</code>
          </pre>
        </div>
      )}
    </details>
  );
}
