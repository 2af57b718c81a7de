import { createFileRoute } from '@tanstack/react-router';
import { z } from 'zod';
import { AcceptInvitePage } from '../features/auth/accept-invite-page';
import { trpc } from '../lib/trpc';

export const Route = createFileRoute('/accept-invite')({
  validateSearch: z.object({ token: z.string().max(200).catch('') }),
  loaderDeps: ({ search }) => ({ token: search.token }),
  loader: async ({ context, deps }) => {
    const [me] = await Promise.all([
      context.queryClient.ensureQueryData(trpc.auth.me.queryOptions()),
      context.queryClient.ensureQueryData(trpc.invitations.preview.queryOptions({ token: deps.token })),
    ]);
    return { me };
  },
  component: function AcceptInviteRoute() {
    const { token } = Route.useSearch();
    const { me } = Route.useLoaderData();
    return <AcceptInvitePage token={token} signedInEmail={me?.user.email ?? null} />;
  },
});
