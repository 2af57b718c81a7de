import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { z } from 'zod';
import { Button } from '../../components/button';
import { Field, FormError } from '../../components/field';
import { Input } from '../../components/input';
import { toast } from '../../components/toast';
import { trpc } from '../../lib/trpc';
import { useZodForm } from '../../lib/use-form';
import { AuthLayout } from './auth-layout';

const newPasswordForm = z.object({
  password: z.string().min(10, 'Use at least 10 characters.').max(256, 'Use at most 256 characters.'),
  confirm: z.string(),
}).refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The passwords do not match.' });

/** An expired, used or mangled reset link. */
export function InvalidResetLink() {
  return (
    <AuthLayout title="This link has expired" subtitle="Reset links work once, for 1 hour." footer={<Link to="/signin" className="font-medium text-brand-600 hover:text-brand-700">Back to sign in</Link>}>
      <Link to="/forgot-password" className="inline-flex h-9 w-full items-center justify-center rounded-md bg-brand-600 px-4 text-sm font-semibold text-white hover:bg-brand-700">Send a new link</Link>
    </AuthLayout>
  );
}

/** The page a reset link opens: choose a new password; every session of the account is signed out. */
export function ResetPasswordPage({ token }: { token: string }) {
  const link = useSuspenseQuery(trpc.auth.checkResetLink.queryOptions({ token })).data;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const form = useZodForm(newPasswordForm, { password: '', confirm: '' });
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions({
    onSuccess: async () => {
      queryClient.clear();
      toast.success('Password changed. Sign in with your new password.');
      await navigate({ to: '/signin', replace: true });
    },
    onError: form.applyServerError,
  }));
  if (!link.valid) return <InvalidResetLink />;
  return (
    <AuthLayout title="Choose a new password" subtitle={<>For <span className="font-medium text-slate-700">{link.email}</span>. Every device signed in to your account will be signed out.</>}>
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => reset.mutate({ token, password: data.password }))} className="space-y-4">
        <FormError message={form.formError} />
        <Field label="New password" error={form.errors.password} hint="At least 10 characters. A long passphrase works well.">
          <Input type="password" autoComplete="new-password" autoFocus {...form.bind('password')} />
        </Field>
        <Field label="Confirm new password" error={form.errors.confirm}>
          <Input type="password" autoComplete="new-password" {...form.bind('confirm')} />
        </Field>
        <Button type="submit" variant="primary" className="w-full" loading={reset.isPending}>Set new password</Button>
      </form>
    </AuthLayout>
  );
}
