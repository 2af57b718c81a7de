import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { DELIVERY_STATUSES, type DeliveryStatus, type RecoveryDto, type WebhookEndpointDto } from '../../../shared/contracts/webhook-endpoints';
import { formatDateTime, zoneOffsetLabel } from '../../lib/format';
import { EVENT_TYPES } from '../../../shared/contracts/events';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { Card, CardHeader, PageHeader } from '../../components/card';
import { CopyButton } from '../../components/copy-button';
import { Dialog } from '../../components/dialog';
import { Field, FormError } from '../../components/field';
import { Icon } from '../../components/icons';
import { Input, Select } from '../../components/input';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { trpc } from '../../lib/trpc';
import { DevelopersTabs } from '../../components/developers-tabs';


import { DeliveryTable, STATUS_LABEL } from './delivery-log';
import { instantFromZonedInput, zonedInputValue } from '../../lib/date-range';
import { useSession } from '../../lib/use-session';

/** The delivery log's filters, kept in the URL (developers_.webhooks.tsx). Dates are unix seconds. */
export interface DeliveryFilters {
  status?: DeliveryStatus;
  type?: string;
  event?: string;
  after?: number;
  before?: number;
}

export function WebhooksPage({ selected, filters = {}, onFilters }: { selected?: string; filters?: DeliveryFilters; onFilters?: (f: DeliveryFilters) => void }) {
  const endpoints = useSuspenseQuery(trpc.webhooks.endpoints.queryOptions()).data;
  const navigate = useNavigate();
  const [editing, setEditing] = useState<WebhookEndpointDto | 'new' | null>(null);
  const [secret, setSecret] = useState<{ title: string; secret: string } | null>(null);
  const current = endpoints.find((e) => e.id === selected) ?? null;
  const select = (id?: string) => navigate({ to: '/developers/webhooks', search: id ? { endpoint: id } : {} });

  return (
    <>
      <PageHeader title="Developers" description="Webhooks notify your server when something happens in your account. Every delivery is signed." />
      <DevelopersTabs current="webhooks" />
      <div className="space-y-6">
        <Card>
          <CardHeader
            title="Webhook endpoints"
            description="Each endpoint receives the events it subscribes to, retried for about three days until it answers 2xx."
            actions={<Button variant="primary" icon={<Icon name="plus" className="size-4" />} onClick={() => setEditing('new')}>Add endpoint</Button>}
          />
          {endpoints.length === 0 ? (
            <p className="px-5 py-8 text-center text-sm text-slate-500">No endpoints yet. Add one to receive events on your server.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {endpoints.map((e) => (
                <li key={e.id}>
                  <button
                    type="button"
                    onClick={() => select(e.id)}
                    aria-current={e.id === selected ? 'true' : undefined}
                    className={`flex w-full items-center gap-4 px-5 py-3 text-left text-sm hover:bg-slate-50 ${e.id === selected ? 'bg-brand-50/50' : ''}`}
                  >
                    <span className="min-w-0 flex-1">
                      <span className="block truncate font-mono text-[13px] text-slate-900">{e.url}</span>
                      <span className="block truncate text-xs text-slate-500">{e.description || (e.enabled_events.includes('*') ? 'All events' : e.enabled_events.join(', '))}</span>
                    </span>
                    <Badge tone={e.status === 'enabled' ? 'success' : 'neutral'}>{e.status === 'enabled' ? 'Enabled' : 'Disabled'}</Badge>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Card>
        {current && <EndpointDetail key={current.id} endpoint={current} filters={filters} onFilters={(f) => (onFilters ? onFilters(f) : undefined)} onEdit={() => setEditing(current)} onSecret={setSecret} />}
      </div>
      <EndpointDialog
        endpoint={editing}
        onClose={() => setEditing(null)}
        onSaved={(saved, created) => {
          setEditing(null);
          select(saved.id);
          if (created?.secret) setSecret({ title: 'Endpoint created', secret: created.secret });
        }}
      />
      <SecretDialog secret={secret} onClose={() => setSecret(null)} />
    </>
  );
}

function EndpointDetail({ endpoint, filters, onFilters, onEdit, onSecret }: { endpoint: WebhookEndpointDto; filters: DeliveryFilters; onFilters: (f: DeliveryFilters) => void; onEdit: () => void; onSecret: (s: { title: string; secret: string }) => void }) {
  const queryClient = useQueryClient();
  const [eventId, setEventId] = useState(filters.event ?? '');
  const [open, setOpen] = useState<string | null>(null);
  const zone = useSession()!.merchant!.timezone;
  const [since, setSince] = useState(() => zonedInputValue(Math.floor(Date.now() / 1000) - 3600, zone));
  const sinceInstant = instantFromZonedInput(since, zone);
  const deliveriesKey = trpc.webhooks.deliveries.queryKey({ endpointId: endpoint.id });
  const deliveries = useQuery({
    ...trpc.webhooks.deliveries.queryOptions({
      endpointId: endpoint.id,
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.type ? { eventType: filters.type } : {}),
      ...(filters.event ? { eventId: filters.event } : {}),
      ...(filters.after !== undefined ? { createdGte: filters.after } : {}),
      ...(filters.before !== undefined ? { createdLt: filters.before } : {}),
    }),
    refetchInterval: 2000,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: deliveriesKey });
  const refreshEndpoints = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.endpoints.queryKey() });
  const onError = (e: unknown) => toast.error(errorMessage(e));

  const sendTest = useMutation(trpc.webhooks.sendTestEvent.mutationOptions({ onSuccess: () => (toast.success('Test event sent'), refresh()), onError }));
  const toggle = useMutation(trpc.webhooks.update.mutationOptions({ onSuccess: () => refreshEndpoints(), onError }));
  const reveal = useMutation(trpc.webhooks.revealSecret.mutationOptions({ onSuccess: (r) => onSecret({ title: 'Signing secret', secret: r.secret }), onError }));
  const roll = useMutation(trpc.webhooks.rollSecret.mutationOptions({ onSuccess: (r) => onSecret({ title: 'Signing secret rolled', secret: r.secret }), onError }));
  const latestRecoveryKey = trpc.webhooks.latestRecovery.queryKey({ id: endpoint.id });
  const latestRecovery = useQuery({
    ...trpc.webhooks.latestRecovery.queryOptions({ id: endpoint.id }),
    // Polls while a recovery is running or its deliveries are still going out.
    refetchInterval: (q) => (q.state.data && (q.state.data.status !== 'succeeded' || q.state.data.delivered < q.state.data.queued) ? 1000 : false),
  });
  const recover = useMutation(trpc.webhooks.recoverFailed.mutationOptions({
    onSuccess: () => (toast.success('Recovery started: failed deliveries are sent again, oldest first'), queryClient.invalidateQueries({ queryKey: latestRecoveryKey }), refresh()),
    onError,
  }));
  const disabled = endpoint.status === 'disabled';

  return (
    <Card>
      <CardHeader
        title={<span className="block truncate font-mono text-[14px]" title={endpoint.url}>{endpoint.url}</span>}
        description={<>{endpoint.description ? `${endpoint.description} · ` : ''}{endpoint.enabled_events.includes('*') ? 'All events' : endpoint.enabled_events.join(', ')}</>}
        actions={
          <div className="flex flex-wrap gap-2">
            <Button onClick={() => sendTest.mutate({ id: endpoint.id, type: 'payment_intent.succeeded' })} loading={sendTest.isPending} disabled={disabled}>Send test event</Button>
            <Button onClick={onEdit}>Edit</Button>
            <Button onClick={() => toggle.mutate({ id: endpoint.id, disabled: !disabled })} loading={toggle.isPending}>{disabled ? 'Enable' : 'Disable'}</Button>
            <Button icon={<Icon name="eye" className="size-4" />} onClick={() => reveal.mutate({ id: endpoint.id })} loading={reveal.isPending}>Reveal secret</Button>
            <Button icon={<Icon name="refresh" className="size-4" />} onClick={() => roll.mutate({ id: endpoint.id, overlapHours: 24 })} loading={roll.isPending}>Roll secret</Button>
          </div>
        }
      />
      {disabled && (
        <p className="mx-5 mb-3 flex items-start gap-2 rounded-md bg-amber-50 px-3 py-2 text-[13px] text-amber-800 ring-1 ring-amber-200" role="status">
          <Icon name="alert" className="mt-0.5 size-4 shrink-0" />
          This endpoint is disabled: no events are sent to it. It is disabled automatically when it answers 410 Gone or fails for 5 days.
        </p>
      )}
      <div className="flex flex-wrap items-end gap-3 border-t border-slate-100 px-5 py-3">
        <Field label="Status" className="w-full sm:w-36">
          <Select aria-label="Filter by status" value={filters.status ?? ''} onChange={(e) => onFilters({ ...filters, status: (e.target.value || undefined) as DeliveryStatus | undefined })}>
            <option value="">All deliveries</option>
            {DELIVERY_STATUSES.map((s) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
          </Select>
        </Field>
        <Field label="Event type" className="w-full sm:w-56">
          <Select aria-label="Filter by event type" value={filters.type ?? ''} onChange={(e) => onFilters({ ...filters, type: e.target.value || undefined })}>
            <option value="">All types</option>
            {EVENT_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
          </Select>
        </Field>
        <Field label="Event ID" className="w-full sm:w-56">
          <form onSubmit={(e) => (e.preventDefault(), onFilters({ ...filters, event: eventId.trim() || undefined }))}>
            <Input aria-label="Filter by event ID" placeholder="evt_…" value={eventId} onChange={(e) => setEventId(e.target.value)} onBlur={() => onFilters({ ...filters, event: eventId.trim() || undefined })} className="font-mono text-[13px]" />
          </form>
        </Field>
        <Field label="From" className="w-full sm:w-auto">
          <Input type="datetime-local" aria-label="Deliveries from" value={filters.after !== undefined ? zonedInputValue(filters.after, zone) : ''} onChange={(e) => onFilters({ ...filters, after: instantFromZonedInput(e.target.value, zone) })} />
        </Field>
        <Field label="To" className="w-full sm:w-auto">
          <Input type="datetime-local" aria-label="Deliveries to" value={filters.before !== undefined ? zonedInputValue(filters.before, zone) : ''} onChange={(e) => onFilters({ ...filters, before: instantFromZonedInput(e.target.value, zone) })} />
        </Field>
        <div className="flex w-full flex-wrap items-end gap-2 sm:ml-auto sm:w-auto">
          <Field label="Recover failed since" className="w-full sm:w-auto">
            <Input type="datetime-local" aria-label="Recover failed since" value={since} onChange={(e) => setSince(e.target.value)} />
          </Field>
          <Button variant="primary" loading={recover.isPending} disabled={sinceInstant === undefined} onClick={() => sinceInstant !== undefined && recover.mutate({
            id: endpoint.id, since: sinceInstant,
            ...(filters.type ? { eventType: filters.type } : {}),
            ...(filters.event ? { eventId: filters.event } : {}),
            ...(filters.before !== undefined ? { until: filters.before } : {}),
          })}>
            {filters.event || filters.before !== undefined ? 'Recover failed matching the filter' : filters.type ? `Recover failed ${filters.type}` : 'Recover failed'}
          </Button>
        </div>
        <p className="basis-full text-xs text-slate-500" data-testid="times-zone">Times are in {zone.replaceAll('_', ' ')} ({zoneOffsetLabel(zone)}), the account's time zone.</p>
      </div>
      {latestRecovery.data && <RecoveryProgress recovery={latestRecovery.data} zone={zone} />}
      <DeliveryTable rows={deliveries.data ?? []} loading={deliveries.isLoading} open={open} onOpen={setOpen} onResent={refresh} zone={zone}
        emptyText={Object.values(filters).some((v) => v !== undefined) ? 'No deliveries match these filters.' : 'No deliveries yet. Send a test event to see one here.'} />
    </Card>
  );
}

function EndpointDialog({ endpoint, onClose, onSaved }: { endpoint: WebhookEndpointDto | 'new' | null; onClose: () => void; onSaved: (e: WebhookEndpointDto, created?: { secret?: string }) => void }) {
  const queryClient = useQueryClient();
  const catalogue = useQuery(trpc.webhooks.catalogue.queryOptions()).data?.eventTypes ?? [];
  const existing = endpoint && endpoint !== 'new' ? endpoint : null;
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>(['*']);
  const [shownFor, setShownFor] = useState<typeof endpoint>(null);
  if (endpoint !== shownFor) {
    setShownFor(endpoint);
    setUrl(existing?.url ?? '');
    setDescription(existing?.description ?? '');
    setEvents(existing?.enabled_events ?? ['*']);
  }
  const done = async (saved: WebhookEndpointDto & { secret?: string }) => {
    await queryClient.invalidateQueries({ queryKey: trpc.webhooks.endpoints.queryKey() });
    onSaved(saved, existing ? undefined : saved);
  };
  const create = useMutation(trpc.webhooks.create.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.webhooks.update.mutationOptions({ onSuccess: done }));
  const saving = create.isPending || update.isPending;
  const error = create.error ?? update.error;
  const all = events.includes('*');
  const toggle = (type: string) => setEvents((list) => (list.includes(type) ? list.filter((t) => t !== type) : [...list.filter((t) => t !== '*'), type]));
  const submit = () => {
    const input = { url, description, enabled_events: events };
    if (existing) update.mutate({ id: existing.id, ...input });
    else create.mutate(input);
  };
  return (
    <Dialog
      open={endpoint !== null}
      onClose={() => (create.reset(), update.reset(), onClose())}
      busy={saving}
      title={existing ? 'Edit endpoint' : 'Add endpoint'}
      description="Live-mode endpoints must use https and a public address. Test mode may point at your machine."
      footer={<>
        <Button onClick={onClose} disabled={saving}>Cancel</Button>
        <Button variant="primary" loading={saving} onClick={submit}>{existing ? 'Save' : 'Add endpoint'}</Button>
      </>}
    >
      <form className="space-y-4" onSubmit={(e) => (e.preventDefault(), submit())} noValidate>
        <FormError message={error ? errorMessage(error) : null} />
        <Field label="Endpoint URL">
          <Input autoFocus value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/webhooks" className="font-mono text-[13px]" />
        </Field>
        <Field label="Description" optional>
          <Input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={200} />
        </Field>
        <fieldset>
          <legend className="mb-2 text-sm font-medium text-slate-800">Events to send</legend>
          <label className="mb-2 flex items-center gap-2 text-sm">
            <input type="checkbox" checked={all} onChange={() => setEvents(all ? [] : ['*'])} /> All events
          </label>
          {!all && (
            <div className="grid max-h-56 grid-cols-1 gap-1 overflow-auto sm:grid-cols-2">
              {catalogue.map((type) => (
                <label key={type} className="flex items-center gap-2 font-mono text-[12.5px] text-slate-700">
                  <input type="checkbox" checked={events.includes(type)} onChange={() => toggle(type)} /> {type}
                </label>
              ))}
            </div>
          )}
        </fieldset>
      </form>
    </Dialog>
  );
}

function SecretDialog({ secret, onClose }: { secret: { title: string; secret: string } | null; onClose: () => void }) {
  return (
    <Dialog
      open={secret !== null}
      onClose={onClose}
      title={secret?.title ?? ''}
      description="Verify each delivery's Stripe-Signature (or webhook-signature) header with this secret. Revealing it is recorded in the audit log."
      footer={<Button variant="primary" onClick={onClose}>Done</Button>}
    >
      {secret && (
        <div className="flex gap-2">
          <Input readOnly value={secret.secret} onFocus={(e) => e.currentTarget.select()} className="font-mono text-[13px]" data-testid="webhook-secret" aria-label="Signing secret" />
          <CopyButton value={secret.secret} label="Copy secret" size="md" variant="primary" />
        </div>
      )}
    </Dialog>
  );
}

/** The endpoint's latest "Recover failed since": how far the job got, and how many arrived. */
function RecoveryProgress({ recovery: r, zone }: { recovery: RecoveryDto; zone: string }) {
  const total = r.total ?? 0;
  const running = r.status === 'queued' || r.status === 'running';
  const share = total ? Math.round((100 * (running ? r.queued : r.delivered)) / total) : running ? 0 : 100;
  const what = `failed ${r.eventType ? `${r.eventType} ` : ''}deliveries since ${formatDateTime(r.since, zone)}`;
  return (
    <div className="mx-5 mb-3 rounded-md bg-slate-50 px-3 py-2 text-[13px] text-slate-700 ring-1 ring-slate-200" role="status" data-testid="recovery-progress">
      <p>
        {r.status === 'failed' ? `Recovery of ${what} stopped: ${r.error ?? 'unknown error'}`
          : running ? `Recovering ${what}: ${r.queued}${r.total !== null ? ` of ${total}` : ''} sent again…`
          : total === 0 ? `No ${what}.` : `Recovered ${what}: ${r.queued} sent again, ${r.delivered} delivered.`}
      </p>
      {total > 0 && (
        <div className="mt-1.5 h-1.5 overflow-hidden rounded-full bg-slate-200" aria-hidden="true">
          <div className="h-full rounded-full bg-brand-600 transition-[width]" style={{ width: `${share}%` }} />
        </div>
      )}
    </div>
  );
}
