import { createFileRoute } from '@tanstack/react-router';
import { z } from 'zod';
import { InvalidResetLink, ResetPasswordPage } from '../features/auth/reset-password-form';
import { trpc } from '../lib/trpc';

export const Route = createFileRoute('/reset-password')({
  validateSearch: z.object({ token: z.string().max(200).catch('') }),
  loaderDeps: ({ search }) => ({ token: search.token }),
  loader: async ({ context, deps }) => {
    if (deps.token.length >= 20) await context.queryClient.ensureQueryData(trpc.auth.checkResetLink.queryOptions({ token: deps.token }));
  },
  component: function ResetPasswordRoute() {
    const { token } = Route.useSearch();
    return token.length >= 20 ? <ResetPasswordPage token={token} /> : <InvalidResetLink />;
  },
});
