import { startRegistration } from '@simplewebauthn/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { z } from 'zod';
import { totpCodeSchema } from '../../../shared/contracts/two-factor';
import { ROLE_LABELS } from '../../../shared/permissions';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { Card, CardBody, CardHeader } from '../../components/card';
import { CopyButton } from '../../components/copy-button';
import { Dialog } from '../../components/dialog';
import { Field, FormError } from '../../components/field';
import { FormDialog } from '../../components/form-dialog';
import { Input } from '../../components/input';
import { Skeleton } from '../../components/spinner';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { passkeyErrorMessage, passkeyHostHint } from '../../lib/second-factor';
import { trpc } from '../../lib/trpc';
import { useZodForm } from '../../lib/use-form';

const codeForm = z.object({ code: totpCodeSchema });
const passwordForm = z.object({ password: z.string().min(1, 'Enter your password.').max(256) });
const passkeyNameForm = z.object({ name: z.string().trim().min(1, 'Name this passkey, e.g. "Work laptop".').max(60, 'Use at most 60 characters.') });

/** FormDialog submits without an event; the zod form's handler wants one to cancel. */
const submitting = (handler: (event: FormEvent) => void) => () => handler({ preventDefault: () => {} } as FormEvent);

function useRefreshTwoFactor() {
  const queryClient = useQueryClient();
  return async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.twoFactor.status.queryKey() });
    // The enrolment requirement and the team overview depend on it.
    await queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.twoFactor.team.queryKey() });
  };
}

/** Shown once: the ten recovery codes, to copy, download or print. */
function RecoveryCodesDialog({ codes, onClose }: { codes: string[] | null; onClose: () => void }) {
  const text = codes?.join('\n') ?? '';
  const download = () => {
    const url = URL.createObjectURL(new Blob([`PaymentFlow recovery codes\nEach code works once.\n\n${text}\n`], { type: 'text/plain' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: 'paymentflow-recovery-codes.txt' });
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Dialog
      open={codes !== null}
      onClose={onClose}
      title="Save your recovery codes"
      description="If you lose your phone or passkey, each of these codes signs you in once. They are shown only now: keep them somewhere safe, like a password manager."
      footer={<><CopyButton value={text} label="Copy codes" /><Button onClick={download}>Download</Button><Button variant="primary" onClick={onClose}>I have saved them</Button></>}
    >
      <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-x-6 gap-y-2 rounded-lg bg-slate-50 p-4 font-mono text-sm text-slate-800">
        {codes?.map((c) => <li key={c}>{c}</li>)}
      </ul>
    </Dialog>
  );
}

/** Asks for the password before a change that weakens the account (turning a factor off, replacing codes). */
function PasswordDialog({ open, onClose, title, description, submitLabel, danger, run }: {
  open: boolean; onClose: () => void; title: string; description: string; submitLabel: string; danger?: boolean; run: (password: string) => Promise<unknown>;
}) {
  const form = useZodForm(passwordForm, { password: '' });
  const [busy, setBusy] = useState(false);
  const close = () => { form.reset(); onClose(); };
  return (
    <FormDialog
      open={open} onClose={close} title={title} description={description} submitLabel={submitLabel} submitVariant={danger ? 'danger' : 'primary'}
      busy={busy} error={form.formError}
      onSubmit={submitting(form.handleSubmit(async ({ password }) => {
        setBusy(true);
        try {
          await run(password);
          close();
        } catch (error) {
          form.applyServerError(error);
        } finally {
          setBusy(false);
        }
      }))}
    >
      <Field label="Your password" error={form.errors.password}>
        <Input type="password" autoComplete="current-password" autoFocus {...form.bind('password')} />
      </Field>
    </FormDialog>
  );
}

function TotpSetupDialog({ open, onClose, onCodes }: { open: boolean; onClose: () => void; onCodes: (codes: string[] | null) => void }) {
  const refresh = useRefreshTwoFactor();
  const start = useMutation(trpc.twoFactor.startTotp.mutationOptions());
  const form = useZodForm(codeForm, { code: '' });
  const confirm = useMutation(trpc.twoFactor.confirmTotp.mutationOptions({
    onSuccess: async (result) => {
      await refresh();
      toast.success('Authenticator app turned on.');
      close();
      onCodes(result.recoveryCodes);
    },
    onError: form.applyServerError,
  }));
  const close = () => { form.reset(); start.reset(); onClose(); };
  // A fresh secret each time the dialog opens (an unconfirmed one is simply replaced).
  useEffect(() => {
    if (open && start.isIdle) start.mutate();
  }, [open, start]);
  return (
    <FormDialog
      open={open} onClose={close} size="md" title="Set up an authenticator app" submitLabel="Turn on" busy={confirm.isPending}
      description="Scan the QR code with an app such as 1Password, Google Authenticator or Authy, then enter the 6-digit code it shows."
      error={form.formError ?? (start.error ? errorMessage(start.error) : null)}
      onSubmit={submitting(form.handleSubmit((data) => confirm.mutate(data)))}
    >
      {start.data ? (
        <div className="flex flex-col items-center gap-3 sm:flex-row sm:items-start">
          {/* The SVG is made by the server's QR library from the otpauth URI: no user content in it. */}
          <div role="img" aria-label="QR code for your authenticator app" className="size-40 shrink-0 rounded-lg border border-slate-200 p-1 [&_svg]:size-full" dangerouslySetInnerHTML={{ __html: start.data.qrSvg }} />
          <div className="min-w-0 text-sm text-slate-600">
            <p>Can’t scan it? Enter this key in the app:</p>
            <p className="mt-1 font-mono text-[13px] break-all text-slate-900" data-testid="totp-secret">{start.data.secret}</p>
            <div className="mt-2"><CopyButton value={start.data.secret} label="Copy key" /></div>
          </div>
        </div>
      ) : start.isPending ? <Skeleton className="h-40 w-full" /> : null}
      <Field label="Code from the app" error={form.errors.code}>
        <Input autoComplete="one-time-code" inputMode="numeric" placeholder="123 456" {...form.bind('code')} />
      </Field>
    </FormDialog>
  );
}

function AddPasskeyDialog({ open, onClose, onCodes }: { open: boolean; onClose: () => void; onCodes: (codes: string[] | null) => void }) {
  const refresh = useRefreshTwoFactor();
  const form = useZodForm(passkeyNameForm, { name: '' });
  const options = useMutation(trpc.twoFactor.passkeyOptions.mutationOptions());
  const register = useMutation(trpc.twoFactor.registerPasskey.mutationOptions());
  const [busy, setBusy] = useState(false);
  const close = () => { form.reset(); onClose(); };
  const hostHint = passkeyHostHint();
  return (
    <FormDialog
      open={open} onClose={close} title="Add a passkey" submitLabel="Continue" busy={busy} error={form.formError}
      description="Use your device’s screen lock, a password manager or a security key. Your browser will ask you to confirm."
      onSubmit={submitting(form.handleSubmit(async ({ name }) => {
        setBusy(true);
        try {
          const optionsJSON = await options.mutateAsync();
          let response;
          try {
            response = await startRegistration({ optionsJSON: optionsJSON as never });
          } catch (error) {
            form.setFormError(passkeyErrorMessage(error));
            return;
          }
          const result = await register.mutateAsync({ name, response: response as never });
          await refresh();
          toast.success('Passkey added.');
          close();
          onCodes(result.recoveryCodes);
        } catch (error) {
          form.applyServerError(error);
        } finally {
          setBusy(false);
        }
      }))}
    >
      {hostHint && <p className="text-sm text-amber-700">Passkeys need a named address. <a className="font-medium underline" href={hostHint}>Open this page on localhost</a>.</p>}
      <Field label="Name" hint="So you can tell your passkeys apart." error={form.errors.name}>
        <Input autoFocus placeholder="Work laptop" {...form.bind('name')} />
      </Field>
    </FormDialog>
  );
}

/** The signed-in user's own second factors; also the whole page of the enrolment a team requires. */
export function TwoFactorMethods() {
  const status = useQuery(trpc.twoFactor.status.queryOptions());
  const refresh = useRefreshTwoFactor();
  const [dialog, setDialog] = useState<null | 'totp' | 'passkey' | 'disable-totp' | 'codes' | { removePasskey: { id: string; name: string } }>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const disableTotp = useMutation(trpc.twoFactor.disableTotp.mutationOptions());
  const removePasskey = useMutation(trpc.twoFactor.removePasskey.mutationOptions());
  const regenerate = useMutation(trpc.twoFactor.regenerateRecoveryCodes.mutationOptions());
  const close = () => setDialog(null);
  const s = status.data;
  return (
    <Card>
      <CardHeader
        title={<span className="flex items-center gap-2">Two-factor authentication {s && (s.enabled ? <Badge tone="success">On</Badge> : <Badge tone="warning">Off</Badge>)}</span>}
        description="After your password, sign-in asks for a code from an authenticator app or for a passkey. It protects every account you are a member of."
      />
      {status.isPending ? (
        <CardBody><Skeleton className="h-24 w-full" /></CardBody>
      ) : status.isError ? (
        <CardBody><FormError message={errorMessage(status.error)} /></CardBody>
      ) : (
        <div className="divide-y divide-slate-100">
          <section aria-labelledby="tf-app" className="flex flex-wrap items-center justify-between gap-3 px-5 py-4">
            <div>
              <h3 id="tf-app" className="text-sm font-medium text-slate-900">Authenticator app</h3>
              <p className="text-[13px] text-slate-500">{s!.totp ? 'On. Sign-in asks for the 6-digit code from your app.' : 'Codes from an app on your phone, even without a connection.'}</p>
            </div>
            {s!.totp ? <Button onClick={() => setDialog('disable-totp')}>Turn off</Button> : <Button variant="primary" onClick={() => setDialog('totp')}>Set up</Button>}
          </section>
          <section aria-labelledby="tf-passkeys" className="px-5 py-4">
            <div className="flex flex-wrap items-center justify-between gap-3">
              <div>
                <h3 id="tf-passkeys" className="text-sm font-medium text-slate-900">Passkeys and security keys</h3>
                <p className="text-[13px] text-slate-500">Confirm sign-in with your fingerprint, face, device PIN or a hardware key.</p>
              </div>
              <Button onClick={() => setDialog('passkey')}>Add a passkey</Button>
            </div>
            {s!.passkeys.length > 0 && (
              <ul className="mt-3 divide-y divide-slate-100 rounded-lg border border-slate-200">
                {s!.passkeys.map((p) => (
                  <li key={p.id} className="flex items-center justify-between gap-3 px-4 py-2.5 text-sm">
                    <div className="min-w-0">
                      <div className="truncate font-medium text-slate-800">{p.name}</div>
                      <div className="text-xs text-slate-500">Added {formatDate(p.created)}{p.lastUsed ? ` · last used ${formatDate(p.lastUsed)}` : ' · not used yet'}</div>
                    </div>
                    <Button size="sm" variant="ghost" onClick={() => setDialog({ removePasskey: { id: p.id, name: p.name } })} aria-label={`Remove passkey ${p.name}`}>Remove</Button>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {s!.enabled && (
            <section aria-labelledby="tf-codes" className="flex flex-wrap items-center justify-between gap-3 px-5 py-4">
              <div>
                <h3 id="tf-codes" className="text-sm font-medium text-slate-900">Recovery codes</h3>
                <p className="text-[13px] text-slate-500">{s!.recoveryCodesLeft} of 10 unused. Each signs you in once if you lose your phone or passkey.</p>
              </div>
              <Button onClick={() => setDialog('codes')}>Replace codes</Button>
            </section>
          )}
        </div>
      )}
      <TotpSetupDialog open={dialog === 'totp'} onClose={close} onCodes={setCodes} />
      <AddPasskeyDialog open={dialog === 'passkey'} onClose={close} onCodes={setCodes} />
      <PasswordDialog
        open={dialog === 'disable-totp'} onClose={close} danger title="Turn off the authenticator app" submitLabel="Turn off"
        description="Sign-in will no longer ask for its codes. Without another method, two-factor authentication is off and your recovery codes stop working."
        run={async (password) => { await disableTotp.mutateAsync({ password }); await refresh(); toast.success('Authenticator app turned off.'); }}
      />
      <PasswordDialog
        open={typeof dialog === 'object' && dialog !== null} onClose={close} danger submitLabel="Remove"
        title={`Remove “${typeof dialog === 'object' && dialog ? dialog.removePasskey.name : ''}”`}
        description="This passkey will no longer sign you in."
        run={async (password) => {
          if (typeof dialog !== 'object' || !dialog) return;
          await removePasskey.mutateAsync({ id: dialog.removePasskey.id, password });
          await refresh();
          toast.success('Passkey removed.');
        }}
      />
      <PasswordDialog
        open={dialog === 'codes'} onClose={close} title="Replace recovery codes" submitLabel="Make new codes"
        description="Ten new codes replace the old ones, which stop working at once."
        run={async (password) => { const r = await regenerate.mutateAsync({ password }); await refresh(); setCodes(r.recoveryCodes); }}
      />
      <RecoveryCodesDialog codes={codes} onClose={() => setCodes(null)} />
    </Card>
  );
}

/** Owners and admins: who on the team has a second factor; owners require it and reset a member's. */
export function TeamTwoFactor({ isOwner, currentUserId }: { isOwner: boolean; currentUserId: string }) {
  const team = useQuery(trpc.twoFactor.team.queryOptions());
  const queryClient = useQueryClient();
  const [resetting, setResetting] = useState<{ userId: string; name: string } | null>(null);
  const refresh = () => Promise.all([
    queryClient.invalidateQueries({ queryKey: trpc.twoFactor.team.queryKey() }),
    queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() }),
  ]);
  const setRequired = useMutation(trpc.twoFactor.setRequired.mutationOptions({
    onSuccess: async (r) => { await refresh(); toast.success(r.required ? 'Two-factor authentication is now required for everyone.' : 'Two-factor authentication is no longer required.'); },
    onError: (error) => toast.error(errorMessage(error)),
  }));
  const reset = useMutation(trpc.twoFactor.resetMember.mutationOptions({
    onSuccess: async () => { await refresh(); toast.success('Two-factor authentication reset. They were signed out everywhere.'); setResetting(null); },
  }));
  const data = team.data;
  return (
    <Card>
      <CardHeader
        title={<span className="flex items-center gap-2">Team two-factor authentication {data && (data.required ? <Badge tone="success">Required</Badge> : <Badge>Optional</Badge>)}</span>}
        description={`Require a second factor of every member: members without one are asked to set it up before they can use the dashboard.${isOwner ? '' : ' Only an owner can change this.'}`}
        actions={data && isOwner ? (
          <Button variant={data.required ? 'secondary' : 'primary'} loading={setRequired.isPending} onClick={() => setRequired.mutate({ required: !data.required })}>
            {data.required ? 'Stop requiring' : 'Require for everyone'}
          </Button>
        ) : undefined}
      />
      {team.isPending ? <CardBody><Skeleton className="h-16 w-full" /></CardBody> : team.isError ? <CardBody><FormError message={errorMessage(team.error)} /></CardBody> : (
        <>
          <ul className="divide-y divide-slate-100">
            {data!.members.map((m) => (
              <li key={m.userId} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3 text-sm">
                <div className="min-w-0">
                  <div className="truncate font-medium text-slate-900">{m.name} <span className="font-normal text-slate-500">· {ROLE_LABELS[m.role]}</span></div>
                  <div className="truncate text-[13px] text-slate-500">{m.email}</div>
                </div>
                <div className="flex items-center gap-3">
                  {m.enabled ? <Badge tone="success">Two-factor on</Badge> : <Badge tone="warning">Two-factor off</Badge>}
                  {isOwner && m.enabled && m.userId !== currentUserId && (
                    <Button size="sm" onClick={() => setResetting({ userId: m.userId, name: m.name })}>Reset</Button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
      <FormDialog
        open={resetting !== null} onClose={() => { reset.reset(); setResetting(null); }} busy={reset.isPending} submitVariant="danger" submitLabel="Reset two-factor"
        title={`Reset two-factor for ${resetting?.name ?? ''}`}
        description="Removes their authenticator app, passkeys and recovery codes, and signs them out everywhere. They sign in with their password and set up two-factor again. This is recorded in the audit log."
        error={reset.error ? errorMessage(reset.error) : null}
        onSubmit={() => resetting && reset.mutate({ userId: resetting.userId })}
      />
    </Card>
  );
}
