import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { createSecretKeyInput, ROLL_EXPIRY_HOURS } from '../../../shared/contracts/settings';
import { API_KEY_ACCESS, API_KEY_RESOURCE_LABELS, API_KEY_RESOURCES, type ApiKeyAccess, type ApiKeyResource } from '../../../shared/contracts/api-keys';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { Card, CardHeader, PageHeader } from '../../components/card';
import { CopyButton } from '../../components/copy-button';
import { Dialog } from '../../components/dialog';
import { DropdownMenu, MenuItem } from '../../components/dropdown-menu';
import { Field, FormError } from '../../components/field';
import { Icon } from '../../components/icons';
import { Input, Select } from '../../components/input';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { formatDate, formatRelative } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { useZodForm } from '../../lib/use-form';
import { can } from '../../../shared/permissions';
import { useSession } from '../../lib/use-session';
import { DevelopersTabs } from '../../components/developers-tabs';

type ApiKey = Awaited<ReturnType<typeof useKeys>>['keys'][number];

function useKeys() {
  return useSuspenseQuery(trpc.developers.keys.queryOptions()).data;
}

const EXPIRY_LABELS: Record<(typeof ROLL_EXPIRY_HOURS)[number], string> = {
  0: 'Now', 1: 'In 1 hour', 24: 'In 24 hours', 72: 'In 3 days', 168: 'In 7 days',
};

export function ApiKeysPage() {
  const { livemode, keys } = useKeys();
  const [creating, setCreating] = useState(false);
  const [creatingRestricted, setCreatingRestricted] = useState(false);
  const [rolling, setRolling] = useState<ApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [revealed, setRevealed] = useState<{ title: string; secret: string } | null>(null);
  const mode = livemode ? 'live' : 'test';
  const { role } = useSession()!;
  // The server enforces the same rule (developers.ts): live-mode keys are changed by owners and admins only.
  const canChange = can(role, 'developers:manage') && (!livemode || can(role, 'live-keys:manage'));
  const publishable = keys.filter((k) => k.type === 'publishable');
  const secret = keys.filter((k) => k.type === 'secret');
  const restricted = keys.filter((k) => k.type === 'restricted');

  return (
    <>
      <PageHeader
        title="Developers"
        description={<>API keys authenticate your requests to the PaymentFlow API. You are viewing <strong className="font-medium text-slate-700">{mode} mode</strong> keys.</>}
      />
      <DevelopersTabs current="keys" />
      {!canChange && (
        <p className="mb-4 rounded-md bg-slate-50 px-4 py-3 text-sm text-slate-600 ring-1 ring-slate-200" data-testid="live-keys-read-only">
          Only owners and administrators can create, roll or revoke live-mode keys. Switch to test mode to manage test keys.
        </p>
      )}
      <div className="space-y-6">
        <Card>
          <CardHeader title="Standard keys" description="The publishable key identifies your account in browsers and apps. Keep secret keys on your server." />
          <KeyTable keys={publishable} emptyText="No publishable key in this mode." onRoll={canChange ? setRolling : undefined} onRevoke={setRevoking} />
        </Card>

        <Card>
          <CardHeader
            title="Secret keys"
            description="Full access to your account's API. Each is shown once, when created."
            actions={canChange ? <Button variant="primary" icon={<Icon name="plus" className="size-4" />} onClick={() => setCreating(true)}>Create secret key</Button> : undefined}
          />
          <KeyTable keys={secret} emptyText={canChange ? 'No secret keys in this mode. Create one to call the API from your server.' : 'No secret keys in this mode.'} onRoll={canChange ? setRolling : undefined} onRevoke={setRevoking} />
        </Card>

        <Card>
          <CardHeader
            title="Restricted keys"
            description="Only the access you choose, per resource: give one to a service or plugin that needs less than a secret key."
            actions={canChange ? <Button icon={<Icon name="plus" className="size-4" />} onClick={() => setCreatingRestricted(true)}>Create restricted key</Button> : undefined}
          />
          <KeyTable keys={restricted} emptyText="No restricted keys in this mode." onRoll={canChange ? setRolling : undefined} onRevoke={setRevoking} />
        </Card>
      </div>

      <CreateRestrictedKeyDialog open={creatingRestricted} onClose={() => setCreatingRestricted(false)} onCreated={(key) => { setCreatingRestricted(false); setRevealed({ title: 'Restricted key created', secret: key }); }} />

      <CreateKeyDialog open={creating} onClose={() => setCreating(false)} onCreated={(secretKey) => { setCreating(false); setRevealed({ title: 'Secret key created', secret: secretKey }); }} />
      <RollKeyDialog apiKey={rolling} onClose={() => setRolling(null)} onRolled={(secretKey, type) => { setRolling(null); setRevealed({ title: type === 'secret' ? 'Secret key rolled' : type === 'restricted' ? 'Restricted key rolled' : 'Publishable key rolled', secret: secretKey }); }} />
      <RevokeKeyDialog apiKey={revoking} onClose={() => setRevoking(null)} />
      <RevealKeyDialog revealed={revealed} onClose={() => setRevealed(null)} />
    </>
  );
}

/** Without onRoll (the role may not change keys in this mode) the table has no actions. */
function KeyTable({ keys, emptyText, onRoll, onRevoke }: { keys: ApiKey[]; emptyText: string; onRoll?: (k: ApiKey) => void; onRevoke: (k: ApiKey) => void }) {
  if (keys.length === 0) return <p className="px-5 py-8 text-center text-sm text-slate-500">{emptyText}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full table-fixed text-sm">
        <thead>
          <tr className="border-b border-slate-100 text-left text-xs font-medium text-slate-500">
            <th scope="col" className="w-[30%] px-3 sm:w-[24%] sm:px-5 py-2.5 font-medium">Name</th>
            <th scope="col" className="px-3 py-2.5 sm:px-5 font-medium">Token</th>
            <th scope="col" className="hidden w-[15%] px-3 sm:px-5 py-2.5 font-medium md:table-cell">Last used</th>
            <th scope="col" className="hidden w-[15%] px-3 sm:px-5 py-2.5 font-medium sm:table-cell">Created</th>
            <th scope="col" className="w-14 px-3 sm:w-16 sm:px-5 py-2.5"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {keys.map((key) => {
            const name = key.name ?? (key.type === 'secret' ? 'Secret key' : key.type === 'restricted' ? 'Restricted key' : 'Publishable key');
            return (
              <tr key={key.id} className="align-middle">
                <td className="px-3 py-3 sm:px-5">
                  {/* A name of up to 60 characters stays in its column (full name on hover) instead of drawing over the token. */}
                  <div className="truncate font-medium text-slate-900" title={name} data-testid={`api-key-name-${key.id}`}>{name}</div>
                  {key.permissions && <div className="truncate text-xs text-slate-500" title={permissionSummary(key.permissions)} data-testid={`api-key-permissions-${key.id}`}>{permissionSummary(key.permissions)}</div>}
                  {key.expires_at && <Badge tone="warning" className="mt-1">Expires {formatRelative(key.expires_at)}</Badge>}
                </td>
                <td className="px-3 py-3 sm:px-5">
                  <div className="flex min-w-0 items-center gap-2">
                    <code className="min-w-0 truncate rounded bg-slate-50 px-2 py-1 font-mono text-[12.5px] text-slate-700 ring-1 ring-slate-200 lg:max-w-[22rem]" title={key.token ?? undefined} data-testid={`api-key-token-${key.id}`}>
                      {key.token ?? key.redacted}
                    </code>
                    {key.token && <CopyButton value={key.token} label="Copy publishable key" compact />}
                  </div>
                </td>
                <td className="hidden px-3 py-3 sm:px-5 text-slate-500 md:table-cell">{key.last_used_at ? formatRelative(key.last_used_at) : 'Never'}</td>
                <td className="hidden px-3 py-3 sm:px-5 text-slate-500 sm:table-cell">
                  <div>{formatDate(key.created)}</div>
                  {key.created_by_email && <div className="truncate text-xs text-slate-500" title={key.created_by_email}>by {key.created_by_email}</div>}
                </td>
                <td className="px-3 py-3 sm:px-5 text-right">
                  {onRoll && <DropdownMenu
                    label={`Actions for ${name} ${key.token ?? key.redacted}`}
                    triggerClassName="rounded-md p-1.5 text-slate-500 hover:bg-slate-100 hover:text-slate-700 aria-expanded:bg-slate-100"
                    trigger={<Icon name="more" className="size-5" />}
                  >
                    <MenuItem icon={<Icon name="refresh" className="size-4" />} onSelect={() => onRoll(key)}>Roll key…</MenuItem>
                    {key.type !== 'publishable' && <MenuItem danger icon={<Icon name="trash" className="size-4" />} onSelect={() => onRevoke(key)}>Revoke key…</MenuItem>}
                  </DropdownMenu>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function CreateKeyDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (secret: string) => void }) {
  const queryClient = useQueryClient();
  const form = useZodForm(createSecretKeyInput, { name: '' });
  const create = useMutation(trpc.developers.createSecretKey.mutationOptions({
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: trpc.developers.keys.queryKey() });
      form.reset();
      onCreated(result.secret);
    },
    onError: form.applyServerError,
  }));
  const close = () => { form.reset(); onClose(); };
  return (
    <Dialog
      open={open}
      onClose={close}
      busy={create.isPending}
      title="Create secret key"
      description="Give the key a name that says where it is used, so you know what breaks if you revoke it."
      footer={<>
        <Button onClick={close} disabled={create.isPending}>Cancel</Button>
        <Button variant="primary" type="submit" form="create-key-form" loading={create.isPending}>Create key</Button>
      </>}
    >
      <form id="create-key-form" ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => create.mutate(data))} className="space-y-4">
        <FormError message={form.formError} />
        <Field label="Key name" optional error={form.errors.name} hint='For example "Production web server".'>
          <Input autoFocus maxLength={60} {...form.bind('name')} />
        </Field>
      </form>
    </Dialog>
  );
}

function permissionSummary(permissions: Partial<Record<ApiKeyResource, 'read' | 'write'>>) {
  return API_KEY_RESOURCES.filter((r) => permissions[r]).map((r) => `${API_KEY_RESOURCE_LABELS[r].split(' (')[0]}: ${permissions[r]}`).join(' · ');
}

const ACCESS_LABELS: Record<ApiKeyAccess, string> = { none: 'None', read: 'Read', write: 'Write' };

function CreateRestrictedKeyDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (secret: string) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [permissions, setPermissions] = useState<Record<ApiKeyResource, ApiKeyAccess>>(() => Object.fromEntries(API_KEY_RESOURCES.map((r) => [r, 'none'])) as Record<ApiKeyResource, ApiKeyAccess>);
  const reset = () => { setName(''); setPermissions(Object.fromEntries(API_KEY_RESOURCES.map((r) => [r, 'none'])) as Record<ApiKeyResource, ApiKeyAccess>); };
  const create = useMutation(trpc.developers.createRestrictedKey.mutationOptions({
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: trpc.developers.keys.queryKey() });
      reset();
      onCreated(result.secret);
    },
  }));
  const close = () => { create.reset(); reset(); onClose(); };
  return (
    <Dialog
      open={open}
      onClose={close}
      busy={create.isPending}
      title="Create restricted key"
      description="Requests for a resource without access are refused with a 403 that names the permission they need."
      footer={<>
        <Button onClick={close} disabled={create.isPending}>Cancel</Button>
        <Button variant="primary" type="submit" form="create-restricted-key-form" loading={create.isPending}>Create key</Button>
      </>}
    >
      <form id="create-restricted-key-form" noValidate onSubmit={(e) => { e.preventDefault(); create.mutate({ name, permissions }); }} className="space-y-4">
        <FormError message={create.error ? errorMessage(create.error) : null} />
        <Field label="Key name" hint='For example "Order sync service".'>
          <Input autoFocus maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <fieldset className="divide-y divide-slate-100 rounded-md ring-1 ring-slate-200">
          <legend className="mb-2 text-sm font-medium text-slate-800">Permissions</legend>
          {API_KEY_RESOURCES.map((resource) => (
            <div key={resource} className="flex items-center justify-between gap-3 px-3 py-2">
              <label htmlFor={`permission-${resource}`} className="min-w-0 text-sm text-slate-700">{API_KEY_RESOURCE_LABELS[resource]}</label>
              <Select id={`permission-${resource}`} className="w-28 shrink-0" value={permissions[resource]} onChange={(e) => setPermissions({ ...permissions, [resource]: e.target.value as ApiKeyAccess })}>
                {API_KEY_ACCESS.map((a) => <option key={a} value={a}>{ACCESS_LABELS[a]}</option>)}
              </Select>
            </div>
          ))}
        </fieldset>
      </form>
    </Dialog>
  );
}

function RollKeyDialog({ apiKey, onClose, onRolled }: { apiKey: ApiKey | null; onClose: () => void; onRolled: (secret: string, type: ApiKey['type']) => void }) {
  const queryClient = useQueryClient();
  const [expires, setExpires] = useState<(typeof ROLL_EXPIRY_HOURS)[number]>(0);
  const roll = useMutation(trpc.developers.rollKey.mutationOptions({
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: trpc.developers.keys.queryKey() });
      onRolled(result.secret, result.key.type);
      setExpires(0);
    },
  }));
  const close = () => { roll.reset(); setExpires(0); onClose(); };
  return (
    <Dialog
      open={apiKey !== null}
      onClose={close}
      busy={roll.isPending}
      title="Roll API key"
      description="Rolling creates a new key. Choose how long the current key keeps working so you can deploy the new one without downtime."
      footer={<>
        <Button onClick={close} disabled={roll.isPending}>Cancel</Button>
        <Button variant="primary" loading={roll.isPending} onClick={() => apiKey && roll.mutate({ id: apiKey.id, expiresInHours: expires })}>Roll key</Button>
      </>}
    >
      <div className="space-y-4">
        <FormError message={roll.error ? errorMessage(roll.error) : null} />
        <p className="rounded-md bg-slate-50 px-3 py-2 font-mono text-[13px] text-slate-700 ring-1 ring-slate-200">{apiKey?.token ?? apiKey?.redacted}</p>
        <Field label="Current key expires">
          <Select value={String(expires)} onChange={(e) => setExpires(Number(e.target.value) as typeof expires)}>
            {ROLL_EXPIRY_HOURS.map((h) => <option key={h} value={h}>{EXPIRY_LABELS[h]}</option>)}
          </Select>
        </Field>
      </div>
    </Dialog>
  );
}

function RevokeKeyDialog({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const revoke = useMutation(trpc.developers.revokeKey.mutationOptions({
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: trpc.developers.keys.queryKey() });
      toast.success('Key revoked. Requests using it are now refused.');
      onClose();
    },
  }));
  const close = () => { revoke.reset(); onClose(); };
  return (
    <Dialog
      open={apiKey !== null}
      onClose={close}
      busy={revoke.isPending}
      size="sm"
      title={apiKey?.type === 'restricted' ? 'Revoke restricted key?' : 'Revoke secret key?'}
      description="Any request made with this key will fail immediately. This cannot be undone."
      footer={<>
        <Button onClick={close} disabled={revoke.isPending}>Cancel</Button>
        <Button variant="danger" loading={revoke.isPending} onClick={() => apiKey && revoke.mutate({ id: apiKey.id })}>Revoke key</Button>
      </>}
    >
      <FormError message={revoke.error ? errorMessage(revoke.error) : null} />
      <p className="mt-2 rounded-md bg-slate-50 px-3 py-2 font-mono text-[13px] break-all text-slate-700 ring-1 ring-slate-200">{apiKey?.name ? `${apiKey.name} · ` : ''}{apiKey?.redacted}</p>
    </Dialog>
  );
}

/** The one moment a new key is visible in full. */
function RevealKeyDialog({ revealed, onClose }: { revealed: { title: string; secret: string } | null; onClose: () => void }) {
  return (
    <Dialog
      open={revealed !== null}
      onClose={onClose}
      title={revealed?.title ?? ''}
      description="Copy this key now and store it somewhere safe, such as your server's secret manager. You will not be able to see it again."
      footer={<Button variant="primary" onClick={onClose}>Done</Button>}
    >
      {revealed && (
        <div className="space-y-3">
          <label htmlFor="new-api-key" className="text-sm font-medium text-slate-800">New key</label>
          <div className="flex gap-2">
            <Input id="new-api-key" readOnly value={revealed.secret} onFocus={(e) => e.currentTarget.select()} className="font-mono text-[13px]" data-testid="new-api-key" />
            <CopyButton value={revealed.secret} label="Copy key" size="md" variant="primary" />
          </div>
          <p className="flex items-start gap-2 rounded-md bg-amber-50 px-3 py-2 text-[13px] text-amber-800 ring-1 ring-amber-200">
            <Icon name="alert" className="mt-0.5 size-4 shrink-0" />
            Anyone with this key can make API requests on behalf of your account.
          </p>
        </div>
      )}
    </Dialog>
  );
}
