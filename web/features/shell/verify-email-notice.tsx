import { useMutation } from '@tanstack/react-query';
import { Button } from '../../components/button';
import { Icon } from '../../components/icons';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { trpc } from '../../lib/trpc';

/**
 * The merchant has no owner with a verified email address: it works in test mode only. The unverified
 * member gets a resend button; others are told who has to act.
 */
export function VerifyEmailNotice({ email, selfUnverified }: { email: string; selfUnverified: boolean }) {
  const resend = useMutation(trpc.auth.resendVerification.mutationOptions({
    onSuccess: ({ alreadyVerified }) => {
      if (alreadyVerified) toast.success('Your email address is already verified.');
      else toast.success(`We sent a new link to ${email}.`);
    },
    onError: (e) => toast.error(errorMessage(e)),
  }));
  return (
    <div role="note" aria-label="Verify your email address" className="mb-6 flex flex-col gap-3 rounded-lg bg-sky-50 px-4 py-3 text-sm text-sky-950 ring-1 ring-sky-200 sm:flex-row sm:items-center">
      <Icon name="alert" className="hidden size-4 shrink-0 sm:block" />
      <div className="min-w-0 flex-1">
        <p className="font-semibold">{selfUnverified ? 'Verify your email address to go live' : 'This account works in test mode only'}</p>
        <p className="mt-0.5 text-sky-900">
          {selfUnverified
            ? <>We sent a link to <span className="font-medium">{email}</span>. Until you follow it, this account works in test mode only.</>
            : 'Live mode and live API keys open once an owner of this account verifies their email address.'}
        </p>
      </div>
      {selfUnverified && <Button size="sm" loading={resend.isPending} onClick={() => resend.mutate()}>Resend email</Button>}
    </div>
  );
}
