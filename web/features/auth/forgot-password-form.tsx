import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { requestPasswordResetInput } from '../../../shared/contracts/auth';
import { Button } from '../../components/button';
import { Field, FormError } from '../../components/field';
import { Input } from '../../components/input';
import { trpc } from '../../lib/trpc';
import { useZodForm } from '../../lib/use-form';
import { AuthLayout } from './auth-layout';

const backToSignIn = <Link to="/signin" className="font-medium text-brand-600 hover:text-brand-700">Back to sign in</Link>;

/** "Forgot password": the same answer whether or not the address has an account. */
export function ForgotPasswordPage() {
  const form = useZodForm(requestPasswordResetInput, { email: '' });
  const [sentTo, setSentTo] = useState<string | null>(null);
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions({
    onSuccess: (_r, input) => setSentTo(input.email),
    onError: form.applyServerError,
  }));
  if (sentTo) {
    return (
      <AuthLayout title="Check your email" subtitle={<>If <span className="font-medium text-slate-700">{sentTo}</span> has a PaymentFlow account, we sent it a link to choose a new password.</>} footer={backToSignIn}>
        <p className="text-sm text-slate-600">The link works once, for 1 hour. Nothing arrived? Check your spam folder, or ask again in a minute.</p>
        <Button className="mt-5 w-full" onClick={() => { setSentTo(null); request.reset(); }}>Use another address</Button>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Reset your password" subtitle="Enter the email address you sign in with. We will send you a link to choose a new password." footer={backToSignIn}>
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => request.mutate(data))} className="space-y-4">
        <FormError message={form.formError} />
        <Field label="Email" error={form.errors.email}>
          <Input type="email" autoComplete="email" autoFocus inputMode="email" {...form.bind('email')} />
        </Field>
        <Button type="submit" variant="primary" className="w-full" loading={request.isPending}>Send reset link</Button>
      </form>
    </AuthLayout>
  );
}
