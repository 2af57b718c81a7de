import { createFileRoute, Link, redirect } from '@tanstack/react-router';
import { AuthLayout } from '../features/auth/auth-layout';
import { TwoFactorMethods } from '../features/settings/security-two-factor';
import { Button } from '../components/button';
import { useSession, useSignOut } from '../lib/use-session';
import { trpc } from '../lib/trpc';

/** Where a member goes when their account requires two-factor authentication and they have none yet. */
export const Route = createFileRoute('/two-factor-setup')({
  beforeLoad: async ({ context }) => {
    const me = await context.queryClient.ensureQueryData(trpc.auth.me.queryOptions());
    if (!me) throw redirect({ to: '/signin', replace: true });
  },
  component: function TwoFactorSetupRoute() {
    const session = useSession();
    const signOut = useSignOut();
    const done = session && !session.twoFactorEnrolmentRequired;
    return (
      <AuthLayout
        wide
        title={done ? 'Two-factor authentication is on' : 'Set up two-factor authentication'}
        subtitle={done ? 'You can now use the dashboard.' : `${session?.merchant?.name ?? 'This account'} requires a second factor of every member. Add an authenticator app or a passkey to continue.`}
        footer={<button type="button" className="font-medium text-brand-600 hover:text-brand-700" onClick={() => signOut.mutate()}>Sign out</button>}
      >
        <div className="space-y-4">
          <TwoFactorMethods />
          {done && <Link to="/" className="block"><Button variant="primary" className="w-full">Continue to the dashboard</Button></Link>}
        </div>
      </AuthLayout>
    );
  },
});
