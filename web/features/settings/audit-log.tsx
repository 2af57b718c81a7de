import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { AUDIT_ACTION_LABELS, AUDIT_ACTIONS } from '../../../shared/audit';
import type { AuditLogFilters } from '../../../shared/contracts/settings';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { Card, CardHeader } from '../../components/card';
import { Field, FormError } from '../../components/field';
import { Input, Select } from '../../components/input';
import { Skeleton } from '../../components/spinner';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { trpcClient, trpc } from '../../lib/trpc';
import { describeAuditEntry } from './audit-labels';
import { auditFilters, auditLogQuery, type AuditSearch } from './audit-log-query';

/** Action families ("Two-factor", "Customers") and each action, for the filter's list. */
const FAMILY_LABELS: Record<string, string> = {
  user: 'Sign-ins', two_factor: 'Two-factor', member: 'Team', merchant: 'Account settings', api_key: 'API keys',
  webhook_endpoint: 'Webhooks', payment_intent: 'Payments', refund: 'Refunds', customer: 'Customers',
};
const FAMILIES = [...new Set(AUDIT_ACTIONS.map((a) => a.split('.')[0]!))];

function AuditFilterBar({ search, onChange }: { search: AuditSearch; onChange: (next: AuditSearch) => void }) {
  const [draft, setDraft] = useState(search);
  const set = (key: keyof AuditSearch) => (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange(Object.fromEntries(Object.entries(draft).filter(([, v]) => v)) as AuditSearch);
  };
  const active = Object.values(search).some(Boolean);
  return (
    <form onSubmit={submit} aria-label="Filter the audit log" className="grid gap-3 border-b border-slate-100 px-5 pb-4 sm:grid-cols-2 lg:grid-cols-[1.2fr_1.2fr_1fr_auto_auto_auto]">
      <Field label="Actor"><Input placeholder="Email or user id" value={draft.actor ?? ''} onChange={set('actor')} /></Field>
      <Field label="Action">
        <Select value={draft.action ?? ''} onChange={set('action')}>
          <option value="">All actions</option>
          {FAMILIES.map((family) => (
            <optgroup key={family} label={FAMILY_LABELS[family] ?? family}>
              <option value={family}>All {(FAMILY_LABELS[family] ?? family).toLowerCase()}</option>
              {AUDIT_ACTIONS.filter((a) => a.startsWith(`${family}.`)).map((a) => <option key={a} value={a}>{AUDIT_ACTION_LABELS[a]}</option>)}
            </optgroup>
          ))}
        </Select>
      </Field>
      <Field label="Target"><Input placeholder="Object id" spellCheck={false} value={draft.target ?? ''} onChange={set('target')} /></Field>
      <Field label="From"><Input type="date" value={draft.from ?? ''} onChange={set('from')} /></Field>
      <Field label="To"><Input type="date" value={draft.to ?? ''} onChange={set('to')} /></Field>
      <div className="flex items-end gap-2">
        <Button type="submit" variant="primary">Apply</Button>
        {active && <Button onClick={() => { setDraft({}); onChange({}); }}>Clear</Button>}
      </div>
    </form>
  );
}

function useCsvDownload(filters: AuditLogFilters) {
  return useMutation({
    mutationFn: () => trpcClient.settings.auditLogCsv.query(filters),
    onSuccess: ({ csv, filename }) => {
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const a = Object.assign(document.createElement('a'), { href: url, download: filename });
      document.body.append(a);
      a.click();
      a.remove();
      URL.revokeObjectURL(url);
    },
    onError: (error) => toast.error(errorMessage(error)),
  });
}

export function AuditLog({ timeZone, search = {} }: { timeZone: string; search?: AuditSearch }) {
  const navigate = useNavigate();
  const filters = auditFilters(search, timeZone);
  const query = useInfiniteQuery(auditLogQuery(filters));
  const download = useCsvDownload(filters);
  const entries = query.data?.pages.flatMap((p) => p.entries) ?? [];
  const filtered = Object.values(search).some(Boolean);
  return (
    <Card>
      <CardHeader
        title="Audit log"
        description="Who did what in this account, from where, newest first. Times are in the account's time zone; the export is in UTC."
        actions={<Button onClick={() => download.mutate()} loading={download.isPending}>Export CSV</Button>}
      />
      <AuditFilterBar key={JSON.stringify(search)} search={search} onChange={(next) => navigate({ to: '/settings', search: { tab: 'audit', ...next } })} />
      {query.isPending ? (
        <div className="space-y-3 px-5 py-4">{[0, 1, 2, 3].map((i) => <Skeleton key={i} className="h-10 w-full" />)}</div>
      ) : query.isError ? (
        <div className="px-5 py-4"><FormError message={errorMessage(query.error)} /></div>
      ) : entries.length === 0 ? (
        <p className="px-5 py-8 text-center text-sm text-slate-500">{filtered ? 'No entries match these filters.' : 'No activity recorded yet.'}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[48rem] table-fixed text-sm">
            <thead>
              <tr className="border-b border-slate-100 text-left text-xs text-slate-500">
                <th scope="col" className="w-[36%] px-5 py-2.5 font-medium">Event</th>
                <th scope="col" className="w-[24%] px-5 py-2.5 font-medium">By</th>
                <th scope="col" className="w-[10%] px-5 py-2.5 font-medium">Mode</th>
                <th scope="col" className="w-[30%] px-5 py-2.5 text-right font-medium">When</th>
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
                    <td className="px-5 py-3">
                      <div className="truncate text-slate-700" title={entry.userEmail ?? undefined}>{entry.userEmail ?? 'System'}</div>
                      {entry.ip && <div className="truncate text-xs text-slate-500" title={entry.userAgent ?? undefined}>{entry.ip}</div>}
                    </td>
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
