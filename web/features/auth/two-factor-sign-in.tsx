import { startAuthentication } from '@simplewebauthn/browser';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { z } from 'zod';
import { recoveryCodeSchema, totpCodeSchema, type SecondFactorMethod } from '../../../shared/contracts/two-factor';
import { Button } from '../../components/button';
import { Field, FormError } from '../../components/field';
import { Input } from '../../components/input';
import { errorMessage, isUnauthorized, safeRedirect } from '../../lib/errors';
import { clearPendingSignIn, passkeyErrorMessage, passkeyHostHint, readPendingSignIn } from '../../lib/second-factor';
import { trpc } from '../../lib/trpc';
import { useZodForm } from '../../lib/use-form';
import { AuthLayout } from './auth-layout';

const totpForm = z.object({ code: totpCodeSchema });
const recoveryForm = z.object({ code: recoveryCodeSchema });

const TITLES: Record<SecondFactorMethod, { title: string; subtitle: string }> = {
  totp: { title: 'Enter your authentication code', subtitle: 'Open your authenticator app and enter the 6-digit code for PaymentFlow.' },
  passkey: { title: 'Use your passkey', subtitle: 'Confirm it is you with your passkey or security key.' },
  recovery: { title: 'Enter a recovery code', subtitle: 'Use one of the recovery codes you saved when you turned on two-factor authentication. Each works once.' },
};

/** The second step of sign-in: a code from the authenticator app, a passkey, or a recovery code. */
export function TwoFactorSignInPage({ redirect }: { redirect?: string }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [pending] = useState(readPendingSignIn);
  const [method, setMethod] = useState<SecondFactorMethod>(() => pending?.methods[0] ?? 'totp');
  const [expired, setExpired] = useState(false);
  const code = useZodForm(method === 'recovery' ? recoveryForm : totpForm, { code: '' });

  const verify = useMutation(trpc.auth.verifySecondFactor.mutationOptions({
    onSuccess: async () => {
      clearPendingSignIn();
      queryClient.clear();
      await navigate({ to: safeRedirect(redirect), replace: true });
    },
    onError: (error) => {
      if (isUnauthorized(error)) {
        clearPendingSignIn();
        setExpired(true);
      }
      code.applyServerError(error);
    },
  }));
  const passkeyOptions = useMutation(trpc.auth.passkeySignInOptions.mutationOptions());
  const [passkeyError, setPasskeyError] = useState<string | null>(null);

  const backToSignIn = <Link to="/signin" search={redirect ? { redirect } : {}} className="font-medium text-brand-600 hover:text-brand-700">Back to sign in</Link>;

  if (!pending || expired) {
    return (
      <AuthLayout title="Sign in again" subtitle="This sign-in has expired or was already used. Enter your email and password again." footer={backToSignIn}>
        <Link to="/signin" search={redirect ? { redirect } : {}} className="block"><Button variant="primary" className="w-full">Go to sign in</Button></Link>
      </AuthLayout>
    );
  }

  async function usePasskey() {
    setPasskeyError(null);
    try {
      const optionsJSON = await passkeyOptions.mutateAsync({ challenge: pending!.challenge });
      // The server's options and the browser's answer cross as JSON; @simplewebauthn/server checks them in depth.
      const response = await startAuthentication({ optionsJSON: optionsJSON as never });
      verify.mutate({ challenge: pending!.challenge, proof: { method: 'passkey', response: response as never } });
    } catch (error) {
      if (isUnauthorized(error)) setExpired(true);
      setPasskeyError((error as { data?: unknown })?.data ? errorMessage(error) : passkeyErrorMessage(error));
    }
  }

  const hostHint = method === 'passkey' ? passkeyHostHint() : null;
  const others = pending.methods.filter((m) => m !== method);
  return (
    <AuthLayout title={TITLES[method].title} subtitle={<>{TITLES[method].subtitle} <span className="text-slate-400">({pending.email})</span></>} footer={backToSignIn}>
      {method === 'passkey' ? (
        <div className="space-y-4">
          <FormError message={passkeyError ?? verify.error?.message ?? null} />
          {hostHint && <p className="text-sm text-amber-700">Passkeys need a named address. <a className="font-medium underline" href={hostHint}>Open this page on localhost</a>.</p>}
          <Button variant="primary" className="w-full" onClick={usePasskey} loading={passkeyOptions.isPending || verify.isPending}>Use passkey</Button>
        </div>
      ) : (
        <form ref={code.formRef} noValidate className="space-y-4" onSubmit={code.handleSubmit((data) => verify.mutate({ challenge: pending.challenge, proof: { method, code: data.code } as never }))}>
          <FormError message={code.formError} />
          <Field label={method === 'totp' ? 'Authentication code' : 'Recovery code'} error={code.errors.code}>
            <Input
              autoFocus
              autoComplete="one-time-code"
              inputMode={method === 'totp' ? 'numeric' : 'text'}
              placeholder={method === 'totp' ? '123 456' : 'xxxx-xxxx-xxxx'}
              spellCheck={false}
              {...code.bind('code')}
            />
          </Field>
          <Button type="submit" variant="primary" className="w-full" loading={verify.isPending}>Verify</Button>
        </form>
      )}
      {others.length > 0 && (
        <div className="mt-6 border-t border-slate-100 pt-4">
          <p className="text-xs font-medium text-slate-500">Other ways to sign in</p>
          <ul className="mt-2 space-y-1">
            {others.map((m) => (
              <li key={m}>
                <button type="button" className="text-sm font-medium text-brand-600 hover:text-brand-700" onClick={() => { setMethod(m); code.reset(); setPasskeyError(null); }}>
                  {m === 'totp' ? 'Use your authenticator app' : m === 'passkey' ? 'Use a passkey or security key' : 'Use a recovery code'}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </AuthLayout>
  );
}
