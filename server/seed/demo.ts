import type { Db } from '../db/database.js';
import { createMerchantWithOwner } from '../core/accounts/accounts.service.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { seedDemoHistory } from './demo-history.js';

export const DEMO_LOGIN = { email: 'demo@paymentflow.test', password: 'sandbox-payments' } as const;

async function hasAnyMerchant(db: Db) {
  return Boolean(await db.selectFrom('merchants').select('id').limit(1).executeTakeFirst());
}

/** First start on an empty database: a demo merchant and owner (and, through the payment core, a history). */
export async function seedDemoIfEmpty(deps: CoreDeps, log: (line: string) => void): Promise<boolean> {
  if (await hasAnyMerchant(deps.db)) return false;
  log('Empty database: creating the demo merchant…');
  const created = await createMerchantWithOwner(deps.db, {
    email: DEMO_LOGIN.email,
    password: DEMO_LOGIN.password,
    name: 'Dana Demo',
    businessName: 'Acme Outdoor Supply',
    timezone: 'America/New_York',
  });
  await seedDemoHistory(deps, created.merchant.id, log);
  return true;
}
