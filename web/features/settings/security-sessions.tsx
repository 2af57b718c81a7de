import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { Card, CardHeader } from '../../components/card';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { formatDateTime, formatRelative } from '../../lib/format';
import { trpc } from '../../lib/trpc';

/** Settings → Security: where the member is signed in, with sign-out of each session and of all others. */
export function SecuritySessions() {
  const sessions = useSuspenseQuery(trpc.sessions.list.queryOptions()).data;
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.sessions.list.queryKey() });
  const revoke = useMutation(trpc.sessions.revoke.mutationOptions({
    onSuccess: async () => { await refresh(); toast.success('That session was signed out.'); },
    onError: (e) => toast.error(errorMessage(e)),
  }));
  const revokeOthers = useMutation(trpc.sessions.revokeOthers.mutationOptions({
    onSuccess: async ({ signedOut }) => {
      await refresh();
      toast.success(signedOut ? `Signed out ${signedOut} other session${signedOut === 1 ? '' : 's'}.` : 'No other sessions were signed in.');
    },
    onError: (e) => toast.error(errorMessage(e)),
  }));
  const others = sessions.filter((s) => !s.current).length;
  return (
    <Card>
      <CardHeader
        title="Active sessions"
        description="The browsers and devices signed in to your account. Sign out any you do not recognise, then change your password."
        actions={<Button disabled={others === 0} loading={revokeOthers.isPending} onClick={() => revokeOthers.mutate()}>Sign out all other sessions</Button>}
      />
      <ul className="divide-y divide-slate-100" aria-label="Active sessions">
        {sessions.map((session) => (
          <li key={session.id} className="flex flex-col gap-3 px-5 py-4 sm:flex-row sm:items-center">
            <div className="min-w-0 flex-1">
              <p className="flex items-center gap-2 truncate text-sm font-medium text-slate-900">
                {session.device}
                {session.current && <Badge tone="success">This device</Badge>}
              </p>
              <p className="text-[13px] text-slate-500 sm:truncate" title={session.userAgent ?? undefined}>
                {session.ip ?? 'Unknown IP'} · {session.current ? 'active now' : `last seen ${formatRelative(session.lastSeen)}`} · signed in {formatDateTime(session.created)}
              </p>
            </div>
            {!session.current && (
              <Button
                size="sm"
                className="self-start sm:self-auto"
                loading={revoke.isPending && revoke.variables?.sessionId === session.id}
                onClick={() => revoke.mutate({ sessionId: session.id })}
                aria-label={`Sign out ${session.device} (${session.ip ?? 'unknown IP'})`}
              >
                Sign out
              </Button>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
