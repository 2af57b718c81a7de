import { createFileRoute } from '@tanstack/react-router';
import { z } from 'zod';
import { VerifyEmailPage } from '../features/auth/verify-email-page';
import { trpc } from '../lib/trpc';

export const Route = createFileRoute('/verify-email')({
  validateSearch: z.object({ token: z.string().max(200).catch('') }),
  loader: async ({ context }) => ({ me: await context.queryClient.ensureQueryData(trpc.auth.me.queryOptions()) }),
  component: function VerifyEmailRoute() {
    const { token } = Route.useSearch();
    const { me } = Route.useLoaderData();
    return <VerifyEmailPage token={token} signedIn={Boolean(me)} />;
  },
});
