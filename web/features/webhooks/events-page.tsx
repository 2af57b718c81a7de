import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { EVENT_TYPES } from '../../../shared/contracts/events';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { Card, CardHeader, PageHeader } from '../../components/card';
import { CopyButton } from '../../components/copy-button';
import { DevelopersTabs } from '../../components/developers-tabs';
import { Field } from '../../components/field';
import { Input, Select } from '../../components/input';
import { formatDateTime, zoneOffsetLabel } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { DeliveryTable, pretty } from './delivery-log';
import { instantFromZonedInput, zonedInputValue } from '../../lib/date-range';
import { exactTime } from '../../lib/money';
import { useSession } from '../../lib/use-session';

/** The Events page's state, kept in the URL (developers_.events.tsx). Dates are unix seconds. */
export interface EventFilters {
  type?: string;
  after?: number;
  before?: number;
  /** 'failed': only events with a webhook not delivered (Stripe's delivery_success=false). */
  delivery?: 'failed' | 'succeeded';
  cursor?: string;
  event?: string;
}

export function EventsPage({ filters, onChange }: { filters: EventFilters; onChange: (f: EventFilters) => void }) {
  const zone = useSession()!.merchant!.timezone;
  const list = useQuery({
    ...trpc.webhooks.events.queryOptions({
      ...(filters.type ? { type: filters.type } : {}),
      ...(filters.after !== undefined ? { createdGte: filters.after } : {}),
      ...(filters.before !== undefined ? { createdLt: filters.before } : {}),
      ...(filters.delivery ? { deliverySuccess: filters.delivery === 'succeeded' } : {}),
      ...(filters.cursor ? { startingAfter: filters.cursor } : {}),
    }),
    refetchInterval: 5000,
  });
  // A change of filter starts from the first page.
  const filter = (f: Partial<EventFilters>) => onChange({ ...filters, ...f, cursor: undefined });
  const events = list.data?.events ?? [];

  return (
    <>
      <PageHeader title="Developers" description="Every change in your account is recorded as an event and sent to the webhook endpoints that subscribe to it." />
      <DevelopersTabs current="events" />
      <div className="space-y-6">
        <Card>
          <CardHeader title="Events" description="Newest first. Select one to see its payload and where it was delivered." />
          <div className="flex flex-wrap items-end gap-3 border-t border-slate-100 px-5 py-3">
            <Field label="Type" className="w-full sm:w-60">
              <Select aria-label="Filter by event type" value={filters.type ?? ''} onChange={(e) => filter({ type: e.target.value || undefined })}>
                <option value="">All types</option>
                {EVENT_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
              </Select>
            </Field>
            <Field label="Webhooks" className="w-full sm:w-44">
              <Select aria-label="Filter by delivery" value={filters.delivery ?? ''} onChange={(e) => filter({ delivery: (e.target.value || undefined) as EventFilters['delivery'] })}>
                <option value="">Any</option>
                <option value="failed">Not delivered</option>
                <option value="succeeded">All delivered</option>
              </Select>
            </Field>
            <Field label="From" className="w-full sm:w-auto">
              <Input type="datetime-local" aria-label="Events from" value={filters.after !== undefined ? zonedInputValue(filters.after, zone) : ''} onChange={(e) => filter({ after: instantFromZonedInput(e.target.value, zone) })} />
            </Field>
            <Field label="To" className="w-full sm:w-auto">
              <Input type="datetime-local" aria-label="Events to" value={filters.before !== undefined ? zonedInputValue(filters.before, zone) : ''} onChange={(e) => filter({ before: instantFromZonedInput(e.target.value, zone) })} />
            </Field>
            <p className="basis-full text-xs text-slate-500" data-testid="times-zone">Times are in {zone.replaceAll('_', ' ')} ({zoneOffsetLabel(zone)}), the account's time zone.</p>
          </div>
          {list.isLoading ? (
            <p className="px-5 py-8 text-center text-sm text-slate-500">Loading events…</p>
          ) : events.length === 0 ? (
            <p className="px-5 py-8 text-center text-sm text-slate-500">No events match these filters.</p>
          ) : (
            <ul className="divide-y divide-slate-100 border-t border-slate-100" aria-label="Events">
              {events.map((e) => (
                <li key={e.id}>
                  <button
                    type="button"
                    onClick={() => onChange({ ...filters, event: e.id })}
                    aria-current={e.id === filters.event ? 'true' : undefined}
                    className={`flex w-full items-center gap-4 px-5 py-3 text-left text-sm hover:bg-slate-50 ${e.id === filters.event ? 'bg-brand-50/50' : ''}`}
                    data-testid={`event-${e.id}`}
                  >
                    <span className="min-w-0 flex-1">
                      <span className="block truncate font-medium text-slate-900">{e.type}</span>
                      <span className="block truncate font-mono text-xs text-slate-500">{e.id} · {String((e.data.object as { id?: unknown }).id ?? '')}</span>
                    </span>
                    {e.pending_webhooks > 0 && <Badge tone="warning">{e.pending_webhooks} pending</Badge>}
                    <span className="hidden shrink-0 text-slate-500 tabular-nums sm:block" title={exactTime(e.created, zone)}>{formatDateTime(e.created, zone)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {(filters.cursor || list.data?.hasMore) && (
            <div className="flex justify-end gap-2 border-t border-slate-100 px-5 py-3">
              {filters.cursor && <Button size="sm" onClick={() => onChange({ ...filters, cursor: undefined })}>First page</Button>}
              {list.data?.hasMore && <Button size="sm" onClick={() => onChange({ ...filters, cursor: events.at(-1)?.id })}>Next page</Button>}
            </div>
          )}
        </Card>
        {filters.event && <EventDetail key={filters.event} id={filters.event} zone={zone} />}
      </div>
    </>
  );
}

function EventDetail({ id, zone }: { id: string; zone: string }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const detail = useQuery({ ...trpc.webhooks.event.queryOptions({ id }), refetchInterval: 3000 });
  if (detail.isLoading) return <Card><p className="px-5 py-8 text-center text-sm text-slate-500">Loading the event…</p></Card>;
  if (!detail.data) return <Card><p className="px-5 py-8 text-center text-sm text-slate-500">No such event in this mode.</p></Card>;
  const { event, deliveries } = detail.data;
  const payload = pretty(JSON.stringify(event));
  return (
    <Card>
      <CardHeader
        title={<span>{event.type}</span>}
        description={<span className="font-mono text-xs">{event.id} · {formatDateTime(event.created, zone)}{event.request.id ? ` · request ${event.request.id}` : ''}</span>}
      />
      <div className="border-t border-slate-100 px-5 py-3">
        <div className="mb-1 flex items-center justify-between text-xs font-medium text-slate-500">
          Event data
          <CopyButton value={payload} label="Copy event data" compact />
        </div>
        <pre className="max-h-96 overflow-auto rounded bg-slate-900 p-3 font-mono text-[12px] leading-relaxed text-slate-100" data-testid="event-payload">{payload}</pre>
      </div>
      <h3 className="border-t border-slate-100 px-5 pt-3 text-sm font-medium text-slate-800">Webhook deliveries</h3>
      <DeliveryTable
        rows={deliveries}
        loading={false}
        open={open}
        onOpen={setOpen}
        onResent={() => queryClient.invalidateQueries({ queryKey: trpc.webhooks.event.queryKey({ id }) })}
        zone={zone}
        showEndpoint
        emptyText="No endpoint subscribed to this event when it happened."
      />
    </Card>
  );
}
