import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { signUpInput } from '../../../shared/contracts/auth';
import { Button } from '../../components/button';
import { Field, FormError } from '../../components/field';
import { Input } from '../../components/input';
import { safeRedirect } from '../../lib/errors';
import { trpc } from '../../lib/trpc';
import { useZodForm } from '../../lib/use-form';
import { AuthLayout } from './auth-layout';

export function SignUpPage({ redirect }: { redirect?: string }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const form = useZodForm(signUpInput, { name: '', email: '', businessName: '', password: '' });
  const signUp = useMutation(trpc.auth.signUp.mutationOptions({
    onSuccess: async () => {
      queryClient.clear();
      await navigate({ to: safeRedirect(redirect), replace: true });
    },
    onError: (error) => form.applyServerError(error),
  }));

  return (
    <AuthLayout
      title="Create your PaymentFlow account"
      subtitle="Start in test mode with your own API keys. No card needed."
      footer={<>Already have an account? <Link to="/signin" search={redirect ? { redirect } : {}} className="font-medium text-brand-600 hover:text-brand-700">Sign in</Link></>}
    >
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => signUp.mutate(data))} className="space-y-4">
        <FormError message={form.formError} />
        <Field label="Your name" error={form.errors.name}>
          <Input autoComplete="name" autoFocus {...form.bind('name')} />
        </Field>
        <Field label="Email" error={form.errors.email}>
          <Input type="email" autoComplete="email" inputMode="email" {...form.bind('email')} />
        </Field>
        <Field label="Business name" error={form.errors.businessName} hint="You can change it later in Settings.">
          <Input autoComplete="organization" {...form.bind('businessName')} />
        </Field>
        <Field label="Password" error={form.errors.password} hint="At least 10 characters. A few random words work well.">
          <Input type="password" autoComplete="new-password" {...form.bind('password')} />
        </Field>
        <Button type="submit" variant="primary" className="w-full" loading={signUp.isPending}>
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}
