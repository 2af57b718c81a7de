import { addMember, createSession, resolveSession } from '../../core/accounts/accounts.service.js';
import { newId, randomString } from '../../../shared/ids.js';
import type { Role } from '../../../shared/permissions.js';
import type { NewRow } from '../../db/schema.js';
import type { TestDatabase } from '../../test/db.js';
import { createInnerContext } from '../context.js';
import { createCallerFactory } from '../trpc.js';
import { appRouter } from './_app.js';

/** Test-only helpers for the dashboard's router tests: callers per role and list fixtures with chosen times. */
const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

export async function callerFor(t: TestDatabase, userId: string, merchantId: string): Promise<Caller> {
  const { token } = await createSession(t.db, userId, merchantId);
  return createCaller(createInnerContext({ deps: t.deps, session: await resolveSession(t.db, token) }));
}

export async function memberCaller(t: TestDatabase, merchantId: string, role: Role): Promise<{ caller: Caller; userId: string; email: string }> {
  const email = `${role}-${randomString(8).toLowerCase()}@example.test`;
  const user = await addMember(t.db, merchantId, { email, name: `A ${role}`, password: 'a-long-test-passphrase', role });
  return { caller: await callerFor(t, user.id, merchantId), userId: user.id, email };
}

/**
 * A payment row with a chosen creation time and state, for list and filter tests that need exact
 * times, ties and every status without driving each through the card simulator.
 */
export async function insertPayment(t: TestDatabase, merchantId: string, values: Partial<NewRow<'payment_intents'>> = {}): Promise<string> {
  const id = values.id ?? newId('paymentIntent');
  await t.db
    .insertInto('payment_intents')
    .values({
      id,
      merchant_id: merchantId,
      livemode: false,
      amount: 1000,
      currency: 'usd',
      status: 'succeeded',
      client_secret: `${id}_secret_${randomString(8)}`,
      amount_received: values.status === undefined || values.status === 'succeeded' ? (values.amount ?? 1000) : 0,
      card_brand: 'visa',
      card_last4: '4242',
      ...values,
    })
    .execute();
  return id;
}

export function sorted<T>(values: T[], compare: (a: T, b: T) => number): boolean {
  return values.every((v, i) => i === 0 || compare(values[i - 1]!, v) <= 0);
}
