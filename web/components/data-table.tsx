import {
  columnVisibilityFeature,
  flexRender,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type ColumnDef,
  type RowData,
  type SortingState,
} from '@tanstack/react-table';
import type { ReactNode } from 'react';
import { cx } from '../lib/format';
import { rowLinkClass, SkeletonRows, SortHeader, tableClass, Th, theadClass } from './list-table';

/** Columns can be hidden and sorted; a sortable column needs an `accessorFn` (the value it sorts by). Sorting happens on the server: lists are keyset-paginated. */
const dataTableFeatures = tableFeatures({ columnVisibilityFeature, rowSortingFeature });
export type DataColumn<T extends RowData> = ColumnDef<typeof dataTableFeatures, T> & {
  id: string;
  /** Classes of the header and body cells (alignment, truncation). */
  meta?: { className?: string; headerClassName?: string; align?: 'left' | 'right' };
};

/**
 * A list table on TanStack Table: column definitions, visibility and sort state are the table's, the
 * markup (sortable headers with aria-sort, stretched row links, skeleton rows) is ours. Sorting is manual:
 * `onSort` asks the caller to reload in the new order (the URL holds it).
 */
export function DataTable<T extends RowData>({
  columns,
  data,
  getRowId,
  visible,
  sort,
  onSort,
  caption,
  loading,
  busy,
  dimmed,
}: {
  columns: DataColumn<T>[];
  data: T[];
  getRowId: (row: T) => string;
  /** Column ids shown; columns not listed are hidden. */
  visible?: ReadonlySet<string>;
  /** The server's order, for lists the user can sort (their sortable columns set `enableSorting`). */
  sort?: { id: string; dir: 'asc' | 'desc' };
  onSort?: (columnId: string) => void;
  caption: ReactNode;
  loading: boolean;
  busy?: boolean;
  dimmed?: boolean;
}) {
  const sorting: SortingState = sort ? [{ id: sort.id, desc: sort.dir === 'desc' }] : [];
  const table = useTable({
    features: dataTableFeatures,
    columns,
    data,
    getRowId,
    manualSorting: true,
    state: {
      sorting,
      columnVisibility: Object.fromEntries(columns.map((c) => [c.id, visible ? visible.has(c.id) : true])),
    },
  });
  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  return (
    <div className="overflow-x-auto">
      <table className={tableClass}>
        <caption className="sr-only">{caption}</caption>
        <thead className={theadClass}>
          <tr>
            {headers.map((header) => {
              const meta = (header.column.columnDef as DataColumn<T>).meta;
              const label = flexRender(header.column.columnDef.header, header.getContext());
              if (!sort || !onSort || !header.column.getCanSort()) return <Th key={header.id} className={cx(meta?.align === 'right' && 'text-right', meta?.headerClassName)}>{label}</Th>;
              const sorted = header.column.getIsSorted();
              return (
                <SortHeader key={header.id} active={Boolean(sorted)} dir={sorted || sort.dir} onSort={() => onSort(header.column.id)} align={meta?.align}>
                  {label}
                </SortHeader>
              );
            })}
          </tr>
        </thead>
        <tbody aria-busy={busy || undefined} className={dimmed ? 'opacity-60 transition-opacity' : undefined}>
          {loading ? (
            <SkeletonRows columns={headers.length} />
          ) : (
            table.getRowModel().rows.map((row) => (
              <tr key={row.id} className={`${rowLinkClass} relative`}>
                {row.getVisibleCells().map((cell) => {
                  const meta = (cell.column.columnDef as DataColumn<T>).meta;
                  return (
                    <td key={cell.id} className={cx('px-4 py-3', meta?.align === 'right' && 'text-right', meta?.className)}>
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  );
                })}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
