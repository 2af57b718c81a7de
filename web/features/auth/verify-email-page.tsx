import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { Spinner } from '../../components/spinner';
import { errorMessage } from '../../lib/errors';
import { trpc } from '../../lib/trpc';
import { AuthLayout } from './auth-layout';

const linkClass = 'inline-flex h-9 w-full items-center justify-center rounded-md bg-brand-600 px-4 text-sm font-semibold text-white hover:bg-brand-700';

/** The page the "verify your email address" link opens: it verifies on arrival and says what changed. */
export function VerifyEmailPage({ token, signedIn }: { token: string; signedIn: boolean }) {
  const queryClient = useQueryClient();
  const verify = useMutation(trpc.auth.verifyEmail.mutationOptions({
    onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() }),
  }));
  const { mutate } = verify;
  // The link is single use: ask once per token, even when an effect runs twice.
  const asked = useRef<string | null>(null);
  useEffect(() => {
    if (asked.current === token) return;
    asked.current = token;
    mutate({ token });
  }, [mutate, token]);

  if (verify.isSuccess) {
    return (
      <AuthLayout title="Email address verified" subtitle={<><span className="font-medium text-slate-700">{verify.data.email}</span> is confirmed. Live mode is open to your account.</>}>
        <Link to={signedIn ? '/' : '/signin'} className={linkClass}>{signedIn ? 'Go to your dashboard' : 'Sign in'}</Link>
      </AuthLayout>
    );
  }
  if (verify.isError) {
    return (
      <AuthLayout title="This link does not work" subtitle={errorMessage(verify.error)}>
        <Link to={signedIn ? '/' : '/signin'} className={linkClass}>{signedIn ? 'Go to your dashboard to resend it' : 'Sign in to resend it'}</Link>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Verifying your email address…">
      <div className="flex justify-center py-4"><Spinner /></div>
    </AuthLayout>
  );
}
