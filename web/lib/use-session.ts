import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useNavigate, useRouter } from '@tanstack/react-router';
import { trpc } from './trpc';

/** The signed-in member: user, current merchant, role, mode and memberships (auth.me, loaded by the layout guard). */
export function useSession() {
  return useSuspenseQuery(trpc.auth.me.queryOptions()).data;
}

export type Session = NonNullable<ReturnType<typeof useSession>>;

/** Mode and account switches change every tenant-scoped answer: refetch all of it. */
export function useTenantSwitches() {
  const queryClient = useQueryClient();
  const router = useRouter();
  const navigate = useNavigate();
  const setMode = useMutation(trpc.auth.setMode.mutationOptions({
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      await router.invalidate();
    },
  }));
  const switchMerchant = useMutation(trpc.auth.switchMerchant.mutationOptions({
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      // The role may differ in the other account; start from its home page.
      await navigate({ to: '/' });
      await router.invalidate();
    },
  }));
  return { setMode, switchMerchant };
}

export function useSignOut() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation(trpc.auth.signOut.mutationOptions({
    onSettled: async () => {
      queryClient.setQueryData(trpc.auth.me.queryKey(), null);
      await navigate({ to: '/signin', replace: true });
      // Nothing of the signed-out member stays in memory.
      queryClient.clear();
      queryClient.setQueryData(trpc.auth.me.queryKey(), null);
    },
  }));
}
