import { useInfiniteQuery } from '@tanstack/react-query';
import { DEFAULT_PAGE_SIZE } from '../../../shared/limits';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { Card, CardHeader } from '../../components/card';
import { FormError } from '../../components/field';
import { Skeleton } from '../../components/spinner';
import { errorMessage } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { describeAuditEntry } from './audit-labels';

const AUDIT_PAGE_SIZE = DEFAULT_PAGE_SIZE;

export function auditLogQuery() {
  return trpc.settings.auditLog.infiniteQueryOptions({ limit: AUDIT_PAGE_SIZE }, { getNextPageParam: (page) => page.nextCursor ?? undefined });
}

export function AuditLog({ timeZone }: { timeZone: string }) {
  const query = useInfiniteQuery(auditLogQuery());
  const entries = query.data?.pages.flatMap((p) => p.entries) ?? [];
  return (
    <Card>
      <CardHeader title="Audit log" description="Who changed what in this account, newest first. Times are in the account's time zone." />
      {query.isPending ? (
        <div className="space-y-3 px-5 py-4">{[0, 1, 2, 3].map((i) => <Skeleton key={i} className="h-10 w-full" />)}</div>
      ) : query.isError ? (
        <div className="px-5 py-4"><FormError message={errorMessage(query.error)} /></div>
      ) : entries.length === 0 ? (
        <p className="px-5 py-8 text-center text-sm text-slate-500">No activity recorded yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[40rem] table-fixed text-sm">
            <thead>
              <tr className="border-b border-slate-100 text-left text-xs text-slate-500">
                <th scope="col" className="w-[40%] px-5 py-2.5 font-medium">Event</th>
                <th scope="col" className="w-[26%] px-5 py-2.5 font-medium">By</th>
                <th scope="col" className="w-[12%] px-5 py-2.5 font-medium">Mode</th>
                <th scope="col" className="w-[22%] px-5 py-2.5 text-right font-medium">When</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {entries.map((entry) => {
                const { title, detail } = describeAuditEntry(entry.action, entry.data);
                return (
                  <tr key={entry.id}>
                    <td className="px-5 py-3">
                      <div className="font-medium text-slate-900">{title}</div>
                      {(detail || entry.targetId) && <div className="mt-0.5 truncate text-[13px] text-slate-500" title={detail ?? entry.targetId ?? undefined}>{detail ?? <span className="font-mono text-xs">{entry.targetId}</span>}</div>}
                    </td>
                    <td className="truncate px-5 py-3 text-slate-600" title={entry.userEmail ?? undefined}>{entry.userEmail ?? 'System'}</td>
                    <td className="px-5 py-3">
                      {entry.livemode === null ? <span className="text-slate-400">—</span> : entry.livemode ? <Badge tone="success">Live</Badge> : <Badge tone="warning">Test</Badge>}
                    </td>
                    <td className="px-5 py-3 text-right text-slate-500">{formatDateTime(entry.created, timeZone)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {query.hasNextPage && (
        <div className="flex justify-center border-t border-slate-100 px-5 py-3">
          <Button onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage}>Load more</Button>
        </div>
      )}
      {query.isFetchNextPageError && <div className="px-5 pb-4"><FormError message={errorMessage(query.error)} /></div>}
    </Card>
  );
}
