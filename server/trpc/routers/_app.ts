import { router } from '../trpc.js';
import { analyticsRouter } from './analytics.js';
import { authRouter } from './auth.js';
import { balancesRouter } from './balances.js';
import { developersRouter } from './developers.js';
import { disputesRouter } from './disputes.js';
import { settingsRouter } from './settings.js';
import { invitationsRouter } from './invitations.js';
import { sessionsRouter } from './sessions.js';
import { customersRouter } from './customers.js';
import { lookupRouter } from './lookup.js';
import { paymentsRouter } from './payments.js';
import { refundsRouter } from './refunds.js';
import { reportsRouter } from './reports.js';
import { preferencesRouter, viewsRouter } from './views.js';
import { twoFactorRouter } from './two-factor.js';
import { webhooksRouter } from './webhooks.js';

/** One router per area, merged here. The web app imports only `type AppRouter`. */
export const appRouter = router({
  auth: authRouter,
  settings: settingsRouter,
  invitations: invitationsRouter,
  sessions: sessionsRouter,
  developers: developersRouter,
  payments: paymentsRouter,
  refunds: refundsRouter,
  disputes: disputesRouter,
  customers: customersRouter,
  lookup: lookupRouter,
  views: viewsRouter,
  preferences: preferencesRouter,
  webhooks: webhooksRouter,
  analytics: analyticsRouter,
  reports: reportsRouter,
  balances: balancesRouter,
  twoFactor: twoFactorRouter,
});

export type AppRouter = typeof appRouter;
