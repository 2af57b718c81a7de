import { createFileRoute, redirect } from '@tanstack/react-router';
import { z } from 'zod';
import { TwoFactorSignInPage } from '../features/auth/two-factor-sign-in';
import { safeRedirect } from '../lib/errors';
import { trpc } from '../lib/trpc';

export const Route = createFileRoute('/signin_/two-factor')({
  validateSearch: z.object({ redirect: z.string().max(2000).optional().catch(undefined) }),
  beforeLoad: async ({ context, search }) => {
    const me = await context.queryClient.ensureQueryData(trpc.auth.me.queryOptions());
    if (me) throw redirect({ href: safeRedirect(search.redirect), replace: true });
  },
  component: function TwoFactorSignInRoute() {
    const { redirect } = Route.useSearch();
    return <TwoFactorSignInPage redirect={redirect} />;
  },
});
