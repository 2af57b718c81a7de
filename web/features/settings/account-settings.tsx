import { useMutation } from '@tanstack/react-query';
import { changePasswordInput } from '../../../shared/contracts/auth';
import { Button } from '../../components/button';
import { Card, CardBody, CardFooter, CardHeader } from '../../components/card';
import { Field, FormError } from '../../components/field';
import { Input } from '../../components/input';
import { toast } from '../../components/toast';
import { trpc } from '../../lib/trpc';
import { useZodForm } from '../../lib/use-form';

/** The signed-in user's own account: changing the password (every member can reach this). */
export function AccountSettings() {
  const form = useZodForm(changePasswordInput, { currentPassword: '', newPassword: '' });
  const change = useMutation(trpc.auth.changePassword.mutationOptions({
    onSuccess: () => {
      form.reset();
      toast.success('Password changed. Other sessions were signed out.');
    },
    onError: form.applyServerError,
  }));

  return (
    <Card>
      <CardHeader title="Password" description="Change your password. Your other sessions are signed out; this one stays signed in." />
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => change.mutate(data))}>
        <CardBody className="grid max-w-md gap-5">
          {form.formError && <FormError message={form.formError} />}
          <Field label="Current password" error={form.errors.currentPassword}>
            <Input type="password" autoComplete="current-password" {...form.bind('currentPassword')} />
          </Field>
          <Field label="New password" error={form.errors.newPassword} hint="At least 10 characters. A long passphrase works well.">
            <Input type="password" autoComplete="new-password" {...form.bind('newPassword')} />
          </Field>
        </CardBody>
        <CardFooter>
          <Button type="submit" variant="primary" loading={change.isPending}>Change password</Button>
        </CardFooter>
      </form>
    </Card>
  );
}
