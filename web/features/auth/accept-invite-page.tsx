import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { z } from 'zod';
import { ROLE_LABELS } from '../../../shared/permissions';
import { Button } from '../../components/button';
import { Field, FormError } from '../../components/field';
import { Input } from '../../components/input';
import { errorMessage } from '../../lib/errors';
import { trpc } from '../../lib/trpc';
import { useSignOut } from '../../lib/use-session';
import { useZodForm } from '../../lib/use-form';
import { AuthLayout } from './auth-layout';

const newAccountForm = z.object({
  name: z.string().trim().min(1, 'Enter your name.').max(100),
  password: z.string().min(10, 'Use at least 10 characters.').max(256, 'Use at most 256 characters.'),
});

const linkClass = 'inline-flex h-9 w-full items-center justify-center rounded-md bg-brand-600 px-4 text-sm font-semibold text-white hover:bg-brand-700';

/** A link that names no invitation (revoked, replaced by a resend, or mangled). */
export function InvalidInvitePage({ message }: { message: string }) {
  return (
    <AuthLayout title="This invitation link is not valid" subtitle={message}>
      <Link to="/signin" className={linkClass}>Sign in</Link>
    </AuthLayout>
  );
}

/** The page an invitation link opens: create the account, or join with the one already signed in. */
export function AcceptInvitePage({ token, signedInEmail }: { token: string; signedInEmail: string | null }) {
  const invitation = useSuspenseQuery(trpc.invitations.preview.queryOptions({ token })).data;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const form = useZodForm(newAccountForm, { name: '', password: '' });
  const accept = useMutation(trpc.invitations.accept.mutationOptions({
    onSuccess: async () => {
      // A new identity or a new current account: nothing cached before may stay.
      queryClient.clear();
      await navigate({ to: '/', replace: true });
    },
    onError: form.applyServerError,
  }));
  const here = `/accept-invite?token=${encodeURIComponent(token)}`;
  const role = ROLE_LABELS[invitation.role];
  const subtitle = <>{invitation.inviterName ?? 'A team member'} invited <span className="font-medium text-slate-700">{invitation.email}</span> to join as {role}.</>;

  if (invitation.status !== 'pending') {
    return (
      <AuthLayout title={invitation.status === 'expired' ? 'This invitation has expired' : 'This invitation was already used'} subtitle={invitation.status === 'expired' ? `Invitations work for 10 days. Ask someone at ${invitation.merchantName} to send you a new one.` : 'Sign in to open the account.'}>
        <Link to="/signin" className={linkClass}>Sign in</Link>
      </AuthLayout>
    );
  }

  if (invitation.existingAccount) {
    const rightUser = signedInEmail?.toLowerCase() === invitation.email.toLowerCase();
    return (
      <AuthLayout title={`Join ${invitation.merchantName}`} subtitle={subtitle}>
        <FormError message={accept.error ? errorMessage(accept.error) : null} />
        {rightUser ? (
          <Button variant="primary" className="w-full" loading={accept.isPending} onClick={() => accept.mutate({ token })}>Join {invitation.merchantName}</Button>
        ) : signedInEmail ? (
          <div className="space-y-4 text-sm text-slate-600">
            <p>You are signed in as <span className="font-medium text-slate-800">{signedInEmail}</span>. This invitation is for {invitation.email}: sign out, then sign in with that address.</p>
            <Button className="w-full" loading={signOut.isPending} onClick={() => signOut.mutate()}>Sign out</Button>
          </div>
        ) : (
          <div className="space-y-4 text-sm text-slate-600">
            <p>{invitation.email} already has a PaymentFlow account. Sign in with it to accept.</p>
            <Link to="/signin" search={{ redirect: here }} className={linkClass}>Sign in to accept</Link>
          </div>
        )}
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={`Join ${invitation.merchantName}`} subtitle={subtitle}>
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => accept.mutate({ token, ...data }))} className="space-y-4">
        <FormError message={form.formError} />
        <Field label="Email">
          <Input type="email" value={invitation.email} readOnly disabled />
        </Field>
        <Field label="Your name" error={form.errors.name}>
          <Input autoComplete="name" autoFocus {...form.bind('name')} />
        </Field>
        <Field label="Password" error={form.errors.password} hint="At least 10 characters. A long passphrase works well.">
          <Input type="password" autoComplete="new-password" {...form.bind('password')} />
        </Field>
        <Button type="submit" variant="primary" className="w-full" loading={accept.isPending}>Create account and join</Button>
      </form>
    </AuthLayout>
  );
}
