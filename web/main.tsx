import { QueryClientProvider } from '@tanstack/react-query';
import { createRouter, RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PageSkeleton } from './components/spinner';
import { ErrorPage, NotFoundPage } from './components/error-pages';
import { queryClient, setUnauthorizedHandler, trpc } from './lib/trpc';
import { routeTree } from './routeTree.gen';
import './styles.css';

const router = createRouter({
  routeTree,
  context: { queryClient },
  defaultPreload: 'intent',
  // Loaders read through React Query, which owns freshness.
  defaultPreloadStaleTime: 0,
  scrollRestoration: true,
  defaultErrorComponent: ErrorPage,
  defaultNotFoundComponent: NotFoundPage,
  defaultPendingComponent: PageSkeleton,
});

// Any 401 (expired or revoked session): forget the session and sign in again, then come back here.
setUnauthorizedHandler(() => {
  const location = router.state.location;
  if (['/signin', '/signup', '/forgot-password', '/reset-password', '/verify-email', '/accept-invite'].includes(location.pathname)) return;
  queryClient.setQueryData(trpc.auth.me.queryKey(), null);
  void router.navigate({ to: '/signin', search: { redirect: location.href }, replace: true });
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
