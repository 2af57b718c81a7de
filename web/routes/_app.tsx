import { createFileRoute, redirect } from '@tanstack/react-router';
import { CommandPalette } from '../features/command-palette/command-palette';
import { AppShell } from '../features/shell/app-shell';
import { trpc } from '../lib/trpc';

/** Every signed-in page lives under this pathless layout; signed-out visitors go to /signin and come back. */
export const Route = createFileRoute('/_app')({
  beforeLoad: async ({ context, location }) => {
    const me = await context.queryClient.ensureQueryData(trpc.auth.me.queryOptions());
    if (!me) throw redirect({ to: '/signin', search: { redirect: location.href }, replace: true });
    // The account requires two-factor authentication and this member has none: they set it up first.
    if (me.twoFactorEnrolmentRequired) throw redirect({ to: '/two-factor-setup', replace: true });
    return { me };
  },
  component: () => <AppShell palette={<CommandPalette />} />,
});
