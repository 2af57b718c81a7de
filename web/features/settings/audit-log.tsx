import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { AUDIT_ACTION_LABELS, AUDIT_ACTIONS } from '../../../shared/audit';
import type { AuditEntryDto as Entry, AuditLogFilters } from '../../../shared/contracts/settings';
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
  user: 'Sign-ins and passwords', two_factor: 'Two-factor', member: 'Team', invitation: 'Invitations', session: 'Sessions',
  merchant: 'Account settings', balance_settings: 'Payout and fee settings', api_key: 'API keys', webhook_endpoint: 'Webhooks', payment_intent: 'Payments', refund: 'Refunds',
  customer: 'Customers', payout: 'Payouts', dispute: 'Disputes', report_run: 'Exports', report_file: 'Export downloads', audit_log: 'Audit log',
};

const ACTOR_KIND_LABELS: Record<NonNullable<AuditSearch['by']>, string> = { member: 'Team members', api_key: 'API keys', system: 'PaymentFlow' };

/** Who acted, in words: a member's email, an API key (its name or redacted token), or PaymentFlow itself. */
function Actor({ entry }: { entry: Entry }) {
  const key = entry.apiKey;
  const where = [key ? key.redacted : null, entry.ip].filter(Boolean).join(' · ');
  return (
    <div className="min-w-0">
      {key ? (
        <div className="flex min-w-0 items-center gap-1.5">
          <Badge tone={key.type === 'restricted' ? 'info' : 'neutral'}>{key.type === 'restricted' ? 'Restricted key' : 'Secret key'}</Badge>
          <span className="truncate text-slate-700" title={key.id}>{key.name ?? 'API key'}</span>
        </div>
      ) : (
        <div className="truncate text-slate-700" title={entry.userEmail ?? undefined}>{entry.userEmail ?? 'PaymentFlow'}</div>
      )}
      {where && <div className="truncate font-mono text-xs text-slate-500" title={entry.userAgent ? `${where} · ${entry.userAgent}` : where}>{where}</div>}
    </div>
  );
}

function ModeBadge({ livemode }: { livemode: boolean | null }) {
  if (livemode === null) return <span className="text-slate-400">—</span>;
  return livemode ? <Badge tone="success">Live</Badge> : <Badge tone="warning">Test</Badge>;
}

function EventSummary({ entry }: { entry: Entry }) {
  const { title, detail } = describeAuditEntry(entry.action, entry.data);
  return (
    <>
      <div className="font-medium text-slate-900">{title}</div>
      {(detail || entry.targetId) && <div className="mt-0.5 truncate text-[13px] text-slate-500" title={detail ?? entry.targetId ?? undefined}>{detail ?? <span className="font-mono text-xs">{entry.targetId}</span>}</div>}
    </>
  );
}
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
    <form onSubmit={submit} aria-label="Filter the audit log" className="grid grid-cols-2 gap-3 border-b border-slate-100 px-5 pt-4 pb-4 lg:grid-cols-4">
      <Field className="col-span-2 sm:col-span-1" label="Actor"><Input placeholder="Email, key name or last 4" value={draft.actor ?? ''} onChange={set('actor')} /></Field>
      <Field className="col-span-2 sm:col-span-1" label="Done by">
        <Select value={draft.by ?? ''} onChange={set('by')}>
          <option value="">Anyone</option>
          {(Object.keys(ACTOR_KIND_LABELS) as (keyof typeof ACTOR_KIND_LABELS)[]).map((kind) => <option key={kind} value={kind}>{ACTOR_KIND_LABELS[kind]}</option>)}
        </Select>
      </Field>
      <Field className="col-span-2 sm:col-span-1" label="Action">
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
      <Field className="col-span-2 sm:col-span-1" label="Target"><Input placeholder="Object id" spellCheck={false} value={draft.target ?? ''} onChange={set('target')} /></Field>
      <Field label="From"><Input type="date" value={draft.from ?? ''} onChange={set('from')} /></Field>
      <Field label="To"><Input type="date" value={draft.to ?? ''} onChange={set('to')} /></Field>
      <div className="col-span-2 flex items-end gap-2 lg:col-span-1">
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
        <>
          {/* Phones: one card per entry, nothing to scroll sideways. */}
          <ul className="divide-y divide-slate-100 sm:hidden" aria-label="Audit log entries">
            {entries.map((entry) => (
              <li key={entry.id} className="space-y-2 px-5 py-3 text-sm">
                <div className="flex items-start justify-between gap-3">
                  <div className="min-w-0"><EventSummary entry={entry} /></div>
                  <ModeBadge livemode={entry.livemode} />
                </div>
                <Actor entry={entry} />
                <div className="text-xs text-slate-500">{formatDateTime(entry.created, timeZone)}</div>
              </li>
            ))}
          </ul>
          <div className="hidden overflow-x-auto sm:block">
            <table className="w-full min-w-[40rem] table-fixed text-sm">
              <thead>
                <tr className="border-b border-slate-100 text-left text-xs text-slate-500">
                  <th scope="col" className="w-[36%] px-5 py-2.5 font-medium">Event</th>
                  <th scope="col" className="w-[30%] px-5 py-2.5 font-medium">By</th>
                  <th scope="col" className="w-[10%] px-5 py-2.5 font-medium">Mode</th>
                  <th scope="col" className="w-[24%] px-5 py-2.5 text-right font-medium">When</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {entries.map((entry) => (
                  <tr key={entry.id}>
                    <td className="px-5 py-3"><EventSummary entry={entry} /></td>
                    <td className="px-5 py-3"><Actor entry={entry} /></td>
                    <td className="px-5 py-3"><ModeBadge livemode={entry.livemode} /></td>
                    <td className="px-5 py-3 text-right text-slate-500">{formatDateTime(entry.created, timeZone)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
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
