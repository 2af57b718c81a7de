import { router } from '../trpc.js';
import { authRouter } from './auth.js';
import { developersRouter } from './developers.js';
import { settingsRouter } from './settings.js';

/** One router per area, merged here. The web app imports only `type AppRouter`. */
export const appRouter = router({
  auth: authRouter,
  settings: settingsRouter,
  developers: developersRouter,
});

export type AppRouter = typeof appRouter;
