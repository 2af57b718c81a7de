import type { ReactNode } from 'react';
import { Button } from './button';
import { EmptyState } from './empty-state';
import { Icon } from './icons';
import { Select } from './input';
import { Skeleton } from './spinner';
import { errorMessage } from '../lib/errors';
import { cx } from '../lib/format';
import { PAGE_SIZES, type PageSize } from '../../shared/limits';


/** Table rows shaped like the real ones while the first page loads. */
export function SkeletonRows({ columns, rows = 8 }: { columns: number; rows?: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_, r) => (
        <tr key={r} aria-hidden="true">
          {Array.from({ length: columns }, (_, c) => (
            <td key={c} className="px-4 py-3.5">
              <Skeleton className={cx('h-4', c === 0 ? 'w-20' : c === columns - 1 ? 'w-24' : 'w-full max-w-40')} />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

export function ListError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <EmptyState
      icon={<Icon name="alert" />}
      title="This list could not be loaded"
      description={errorMessage(error)}
      action={<Button onClick={onRetry} icon={<Icon name="refresh" className="size-4" />}>Try again</Button>}
    />
  );
}

/** Keyset pagination: Previous/Next follow cursors the server gave; the page size is a URL parameter too. */
export function Pagination({
  label,
  count,
  limit,
  hasPrev,
  hasNext,
  onPrev,
  onNext,
  onLimit,
  busy,
}: {
  label: string;
  count: number;
  limit: number;
  hasPrev: boolean;
  hasNext: boolean;
  onPrev: () => void;
  onNext: () => void;
  onLimit: (limit: PageSize) => void;
  busy?: boolean;
}) {
  return (
    <nav aria-label={`${label} pages`} className="flex flex-col gap-3 border-t border-slate-100 px-4 py-3 sm:flex-row sm:items-center sm:justify-between">
      <div className="flex items-center gap-2 text-sm whitespace-nowrap text-slate-500">
        <label htmlFor={`${label}-page-size`}>Rows per page</label>
        <div className="w-20">
          <Select id={`${label}-page-size`} value={String(limit)} onChange={(e) => onLimit(Number(e.target.value) as PageSize)} className="h-8">
            {PAGE_SIZES.map((n) => <option key={n} value={n}>{n}</option>)}
          </Select>
        </div>
        <span aria-live="polite">{count === 0 ? '' : `${count} shown`}</span>
      </div>
      <div className="flex items-center gap-2">
        <Button size="sm" onClick={onPrev} disabled={!hasPrev || busy}>Previous</Button>
        <Button size="sm" onClick={onNext} disabled={!hasNext || busy}>Next</Button>
      </div>
    </nav>
  );
}

/** A sortable column header: a button inside the th, with aria-sort on the th. */
export function SortHeader({ children, active, dir, onSort, align = 'left' }: { children: ReactNode; active: boolean; dir: 'asc' | 'desc'; onSort: () => void; align?: 'left' | 'right' }) {
  return (
    <th scope="col" aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'} className={cx('px-4 py-2.5 font-medium', align === 'right' && 'text-right')}>
      <button type="button" onClick={onSort} className={cx('inline-flex items-center gap-1 rounded hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-brand-500', active && 'text-slate-900')}>
        {children}
        <span aria-hidden="true" className={cx('text-[10px]', !active && 'opacity-30')}>{active && dir === 'asc' ? '▲' : '▼'}</span>
      </button>
    </th>
  );
}

export function Th({ children, className }: { children?: ReactNode; className?: string }) {
  return <th scope="col" className={cx('px-4 py-2.5 font-medium', className)}>{children}</th>;
}

export const tableClass = 'w-full min-w-[720px] text-left text-sm';
export const theadClass = 'border-b border-slate-200 bg-slate-50/80 text-xs tracking-wide text-slate-500 uppercase';
export const rowLinkClass =
  'group cursor-pointer border-b border-slate-100 last:border-0 hover:bg-slate-50 focus-within:bg-slate-50';
