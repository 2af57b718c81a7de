import { useMutation, useQuery } from '@tanstack/react-query';
import type { DeliveryDto } from '../../../shared/contracts/webhook-endpoints';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { CopyButton } from '../../components/copy-button';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { formatDateTime, formatListDateTime, formatRelative } from '../../lib/format';
import { exactTime } from '../../lib/money';
import { trpc } from '../../lib/trpc';

const STATUS_TONE = { succeeded: 'success', failed: 'danger', pending: 'warning' } as const;
export const STATUS_LABEL = { succeeded: 'Succeeded', failed: 'Failed', pending: 'Pending' } as const;

/** The delivery log: one row per delivery, its attempts (what was sent, what came back) on demand. */
/** `zone`: the merchant's time zone (Settings), in which every time here is shown. */
export function DeliveryTable({ rows, loading, open, onOpen, onResent, zone, showEndpoint = false, emptyText = 'No deliveries match. Send a test event to see one here.' }: { rows: DeliveryDto[]; loading: boolean; open: string | null; onOpen: (id: string | null) => void; onResent: () => void; zone: string; showEndpoint?: boolean; emptyText?: string }) {
  const resend = useMutation(trpc.webhooks.resend.mutationOptions({ onSuccess: () => (toast.success('Delivery queued again'), onResent()), onError: (e) => toast.error(errorMessage(e)) }));
  if (loading) return <p className="px-5 py-8 text-center text-sm text-slate-500">Loading deliveries…</p>;
  if (!rows.length) return <p className="px-5 py-8 text-center text-sm text-slate-500">{emptyText}</p>;
  return (
    <table className="w-full text-sm" aria-label="Deliveries">
      <thead>
        <tr className="border-y border-slate-100 text-left text-xs font-medium text-slate-500">
          <th scope="col" className="px-5 py-2.5 font-medium">{showEndpoint ? 'Endpoint' : 'Event'}</th>
          <th scope="col" className="px-3 py-2.5 font-medium">Status</th>
          <th scope="col" className="hidden px-3 py-2.5 font-medium sm:table-cell">Attempts</th>
          <th scope="col" className="hidden px-3 py-2.5 font-medium md:table-cell">Created</th>
          <th scope="col" className="hidden px-5 py-2.5 sm:table-cell"><span className="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((d) => (
          <DeliveryRow key={d.id} delivery={d} zone={zone} showEndpoint={showEndpoint} open={open === d.id} onToggle={() => onOpen(open === d.id ? null : d.id)} onResend={() => resend.mutate({ id: d.id })} resending={resend.isPending && resend.variables?.id === d.id} />
        ))}
      </tbody>
    </table>
  );
}

function DeliveryRow({ delivery: d, zone, showEndpoint, open, onToggle, onResend, resending }: { delivery: DeliveryDto; zone: string; showEndpoint: boolean; open: boolean; onToggle: () => void; onResend: () => void; resending: boolean }) {
  return (
    <>
      <tr data-testid={`delivery-${d.id}`} className="align-middle">
        <td className="px-5 py-3">
          <button type="button" onClick={onToggle} aria-expanded={open} className="text-left">
            {showEndpoint ? (
              <span className="block max-w-[10rem] truncate font-mono text-[13px] text-slate-900 sm:max-w-[28rem]" title={d.endpointUrl}>{d.endpointUrl.startsWith('cli://') ? `Local listener (${d.endpointUrl.slice(6)})` : d.endpointUrl}</span>
            ) : (
              <>
                <span className="block max-w-[10rem] truncate font-medium text-slate-900 sm:max-w-none" title={d.eventType}>{d.eventType}</span>
                <span className="block max-w-[10rem] truncate font-mono text-xs text-slate-500 sm:max-w-none" title={d.eventId}>{d.eventId}</span>
              </>
            )}
          </button>
        </td>
        <td className="px-3 py-3">
          <Badge tone={STATUS_TONE[d.status]}>{STATUS_LABEL[d.status]}{d.lastStatusCode ? ` · ${d.lastStatusCode}` : ''}</Badge>
          {d.nextAttempt && <span className="block text-xs text-slate-500">Next try {formatRelative(d.nextAttempt)}</span>}
        </td>
        <td className="hidden px-3 py-3 text-slate-600 sm:table-cell">{d.attemptCount}</td>
        <td className="hidden px-3 py-3 whitespace-nowrap text-slate-500 tabular-nums md:table-cell" title={exactTime(d.created, zone)}>{formatListDateTime(d.created, zone)}</td>
        <td className="hidden px-5 py-3 text-right sm:table-cell">
          <Button size="sm" onClick={onResend} loading={resending}>Resend</Button>
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={5} className="bg-slate-50 px-5 py-3">
            {/* Zero width, full cell: long headers and bodies scroll in their own boxes instead of widening the table. */}
            <div className="w-0 min-w-full">
              {/* On a phone the row has no room for its button: it is here, with what it would resend. */}
              <div className="mb-3 sm:hidden">
                <Button size="sm" onClick={onResend} loading={resending}>Resend</Button>
              </div>
              <Attempts deliveryId={d.id} zone={zone} />
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

function Attempts({ deliveryId, zone }: { deliveryId: string; zone: string }) {
  const attempts = useQuery({ ...trpc.webhooks.attempts.queryOptions({ id: deliveryId }), refetchInterval: 2000 });
  if (!attempts.data) return <p className="text-sm text-slate-500">Loading attempts…</p>;
  if (!attempts.data.length) return <p className="text-sm text-slate-500">Not attempted yet.</p>;
  return (
    <ol className="space-y-3">
      {attempts.data.map((a) => (
        <li key={a.id} className="rounded-md bg-white p-3 ring-1 ring-slate-200" data-testid="delivery-attempt">
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <Badge tone={a.statusCode && a.statusCode >= 200 && a.statusCode < 300 ? 'success' : 'danger'}>{a.statusCode ?? 'No response'}</Badge>
            <span className="text-slate-600" title={exactTime(a.created, zone)}>{formatDateTime(a.created, zone)}</span>
            {a.latencyMs !== null && <span className="text-slate-500">{a.latencyMs} ms</span>}
            {a.error && <span className="text-red-700">{a.error}</span>}
          </div>
          <div className="mt-3 grid gap-3 lg:grid-cols-2">
            <Block title="Request headers" text={formatHeaders(a.requestHeaders)} />
            <Block title="Response headers" text={formatHeaders(a.responseHeaders)} />
            <Block title="Request body" text={a.requestBody ? pretty(a.requestBody) : ''} />
            <Block title="Response body (first 4 KB)" text={a.responseExcerpt ?? ''} />
          </div>
        </li>
      ))}
    </ol>
  );
}

function Block({ title, text }: { title: string; text: string }) {
  return (
    <div className="min-w-0">
      <div className="mb-1 flex items-center justify-between text-xs font-medium text-slate-500">
        {title}
        {text && <CopyButton value={text} label={`Copy ${title.toLowerCase()}`} compact />}
      </div>
      <pre className="max-h-64 overflow-auto rounded bg-slate-900 p-3 font-mono text-[12px] leading-relaxed text-slate-100">{text || '—'}</pre>
    </div>
  );
}

function formatHeaders(headers: Record<string, string> | null): string {
  return headers ? Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n') : '';
}

export function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

