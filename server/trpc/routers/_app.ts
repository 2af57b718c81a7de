import { router } from '../trpc.js';
import { authRouter } from './auth.js';

/** One router per area, merged here. The web app imports only `type AppRouter`. */
export const appRouter = router({
  auth: authRouter,
});

export type AppRouter = typeof appRouter;
