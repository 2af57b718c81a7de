import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { signInInput } from '../../../shared/contracts/auth';
import { Button } from '../../components/button';
import { Field, FormError } from '../../components/field';
import { Input } from '../../components/input';
import { formatWait, retryAfterSeconds, safeRedirect } from '../../lib/errors';
import { savePendingSignIn } from '../../lib/second-factor';
import { trpc } from '../../lib/trpc';
import { useZodForm } from '../../lib/use-form';
import { AuthLayout } from './auth-layout';

export function SignInPage({ redirect }: { redirect?: string }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const form = useZodForm(signInInput, { email: '', password: '' });
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const secondsLeft = useCountdown(retryAt);

  const signIn = useMutation(trpc.auth.signIn.mutationOptions({
    onSuccess: async (result, variables) => {
      if (result.twoFactor) {
        // The password was right; the second factor opens the session.
        savePendingSignIn({ ...result.twoFactor, email: variables.email });
        await navigate({ to: '/signin/two-factor', search: redirect ? { redirect } : {} });
        return;
      }
      // A new identity: nothing cached for the previous one may leak into this session.
      queryClient.clear();
      await navigate({ to: safeRedirect(redirect), replace: true });
    },
    onError: (error) => {
      const wait = retryAfterSeconds(error);
      setRetryAt(wait ? Date.now() + wait * 1000 : null);
      form.applyServerError(error);
    },
  }));

  const throttled = secondsLeft > 0;
  return (
    <AuthLayout
      title="Sign in to your account"
      subtitle="Welcome back. Enter your details to open your dashboard."
      footer={<>New to PaymentFlow? <Link to="/signup" search={redirect ? { redirect } : {}} className="font-medium text-brand-600 hover:text-brand-700">Create an account</Link></>}
    >
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => signIn.mutate(data))} className="space-y-4">
        <FormError message={throttled ? `Too many sign-in attempts. Try again in ${formatWait(secondsLeft)}.` : form.formError} />
        <Field label="Email" error={form.errors.email}>
          <Input type="email" autoComplete="email" autoFocus inputMode="email" {...form.bind('email')} />
        </Field>
        <Field label="Password" error={form.errors.password} aside={<Link to="/forgot-password" className="text-[13px] font-medium text-brand-600 hover:text-brand-700">Forgot password?</Link>}>
          <Input type="password" autoComplete="current-password" {...form.bind('password')} />
        </Field>
        <Button type="submit" variant="primary" className="w-full" loading={signIn.isPending} disabled={throttled}>
          Sign in
        </Button>
      </form>
    </AuthLayout>
  );
}

/** Whole seconds until `until` (ms since epoch), ticking once a second; 0 when past or unset. */
function useCountdown(until: number | null) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  return until ? Math.max(0, Math.ceil((until - now) / 1000)) : 0;
}
