import { createFileRoute } from '@tanstack/react-router';
import { z } from 'zod';
import { AcceptInvitePage, InvalidInvitePage } from '../features/auth/accept-invite-page';
import { errorMessage, isBadRequest } from '../lib/errors';
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
  errorComponent: ({ error }) => (
    <InvalidInvitePage message={isBadRequest(error) ? 'The link is incomplete. Open it again from the email.' : errorMessage(error)} />
  ),
  component: function AcceptInviteRoute() {
    const { token } = Route.useSearch();
    const { me } = Route.useLoaderData();
    return <AcceptInvitePage token={token} signedInEmail={me?.user.email ?? null} />;
  },
});
