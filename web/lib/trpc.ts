import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { CSRF_HEADER } from '../../shared/limits';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { MAX_TRPC_BATCH } from '../../shared/contracts/dashboard';
import type { AppRouter } from '../../server/trpc/routers/_app';
import { isUnauthorized } from './errors';

let onUnauthorized: (() => void) | null = null;

/** main.tsx registers what a 401 does (go to /signin and come back); kept here so every query and mutation share it. */
export function setUnauthorizedHandler(handler: () => void) {
  onUnauthorized = handler;
}

function handleError(error: unknown) {
  if (isUnauthorized(error)) onUnauthorized?.();
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: handleError }),
  mutationCache: new MutationCache({ onError: handleError }),
  defaultOptions: { queries: { staleTime: 15_000, retry: (count, error) => count < 2 && !isClientError(error) } },
});

function isClientError(error: unknown) {
  const status = (error as { data?: { httpStatus?: number } })?.data?.httpStatus;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: '/trpc',
      maxItems: MAX_TRPC_BATCH,
      // The custom header is the CSRF guard: a cross-site form cannot send it.
      headers: () => ({ [CSRF_HEADER]: '1' }),
    }),
  ],
});

export const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
