import { createFileRoute, redirect } from '@tanstack/react-router';
import { z } from 'zod';
import { SignInPage } from '../features/auth/sign-in-form';
import { safeRedirect } from '../lib/errors';
import { trpc } from '../lib/trpc';

export const Route = createFileRoute('/signin')({
  validateSearch: z.object({ redirect: z.string().max(2000).optional().catch(undefined) }),
  beforeLoad: async ({ context, search }) => {
    const me = await context.queryClient.ensureQueryData(trpc.auth.me.queryOptions());
    if (me) throw redirect({ href: safeRedirect(search.redirect), replace: true });
  },
  component: function SignInRoute() {
    const { redirect } = Route.useSearch();
    return <SignInPage redirect={redirect} />;
  },
});
