import { createFileRoute, redirect } from '@tanstack/react-router';
import { z } from 'zod';
import { SignUpPage } from '../features/auth/sign-up-form';
import { safeRedirect } from '../lib/errors';
import { trpc } from '../lib/trpc';

export const Route = createFileRoute('/signup')({
  validateSearch: z.object({ redirect: z.string().max(2000).optional().catch(undefined) }),
  beforeLoad: async ({ context, search }) => {
    const me = await context.queryClient.ensureQueryData(trpc.auth.me.queryOptions());
    if (me) throw redirect({ href: safeRedirect(search.redirect), replace: true });
  },
  component: function SignUpRoute() {
    const { redirect } = Route.useSearch();
    return <SignUpPage redirect={redirect} />;
  },
});
