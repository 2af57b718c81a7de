import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow, Row, RowUpdate } from '../../db/schema.js';
import { Statement } from '../../db/statement.js';
import { chargeBalanceTransactionCtes, type ChargeLedgerEntry } from '../balance/balance.repository.js';
import { eventCtes } from '../events/events.repository.js';
import type { Scope } from '../shared/deps.js';
import { inScope, scopeCondition } from '../shared/scope.js';

export function getPaymentIntent(db: Executor, scope: Scope, id: string, options: { forUpdate?: boolean } = {}) {
  let query = db
    .selectFrom('payment_intents')
    .selectAll()
    .$call(inScope(scope))
    .where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** jsonb columns go to the driver as JSON text (objects and null alike). */
function intentValues<T extends Partial<Row<'payment_intents'>>>(row: T) {
  const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
  return {
    ...row,
    ...('metadata' in row ? { metadata: JSON.stringify(row.metadata) } : {}),
    ...('last_payment_error' in row ? { last_payment_error: json(row.last_payment_error) } : {}),
    ...('next_action' in row ? { next_action: json(row.next_action) } : {}),
  } as unknown as NewRow<'payment_intents'> & RowUpdate<'payment_intents'>;
}

interface History {
  /** A card given with this change, stored in the same statement. */
  paymentMethod?: NewRow<'payment_methods'>;
  attempt?: NewRow<'payment_attempts'>;
  /** The attempt's charge, and for a captured one its balance transaction (fee, running totals). */
  charge?: NewRow<'charges'>;
  chargeLedger?: ChargeLedgerEntry;
  events: NewRow<'events'>[];
}

function scopeOf(_ledger: ChargeLedgerEntry, charge: NewRow<'charges'> | undefined): Scope {
  if (!charge) throw new Error('A charge balance transaction needs its charge in the same write');
  return { merchantId: charge.merchant_id, livemode: charge.livemode };
}

function historyCtes(statement: Statement, history: History): string[] {
  return [
    ...(history.paymentMethod ? [`written_payment_method as (${statement.insert('payment_methods', [history.paymentMethod])})`] : []),
    ...(history.attempt ? [`written_attempt as (${statement.insert('payment_attempts', [history.attempt])})`] : []),
    ...(history.charge ? [`written_charge as (${statement.insert('charges', [{ ...history.charge, metadata: JSON.stringify(history.charge.metadata ?? {}) }])})`] : []),
    ...(history.chargeLedger ? [chargeBalanceTransactionCtes(statement, scopeOf(history.chargeLedger, history.charge), history.chargeLedger)] : []),
    eventCtes(statement, history.events),
  ];
}

/**
 * A new intent with everything that happened to it in the same call (its card, a confirmation's attempt,
 * its events and their webhook outbox rows) as one statement: atomic without a transaction. Written as
 * text (server/db/statement.ts), not through the query builder: it runs on every create.
 */
export async function insertPaymentIntentWithHistory(db: Executor, write: History & { intent: Row<'payment_intents'> }) {
  const statement = new Statement();
  const intent = statement.insert('payment_intents', [intentValues(write.intent)]);
  await statement.execute(db, `with written_intent as (${intent}), ${historyCtes(statement, write).join(', ')} select 1`);
}

/**
 * transitionPaymentIntent together with what the transition records (card, attempt, events), as one
 * statement. The other writes do not depend on the guard: when no row comes back the caller must roll
 * its transaction back.
 */
export async function transitionPaymentIntentWithHistory(
  db: Executor,
  scope: Scope,
  id: string,
  fromStatuses: readonly string[],
  changes: Partial<Row<'payment_intents'>>,
  history: History,
): Promise<Row<'payment_intents'> | undefined> {
  const statement = new Statement();
  const set = Object.entries(intentValues(changes))
    .filter(([column, value]) => value !== undefined && column !== 'updated_at')
    .map(([column, value]) => `${statement.column(column)} = ${statement.param(value)}`);
  const transition = `update payment_intents set ${[...set, 'updated_at = now()'].join(', ')}
    where ${scopeCondition(statement, scope)} and id = ${statement.param(id)} and status = any(${statement.param(fromStatuses)}::text[])
    returning *`;
  const { rows } = await statement.execute<Row<'payment_intents'>>(db, `with transitioned as (${transition}), ${historyCtes(statement, history).join(', ')} select * from transitioned`);
  return rows[0];
}

/**
 * Only for the hosted checkout and 3-D Secure pages, which know an intent by id and client secret but
 * not its merchant; the caller must check the client secret before using the row.
 */
export function getPaymentIntentForClient(db: Executor, id: string, options: { forUpdate?: boolean } = {}) {
  let query = db.selectFrom('payment_intents').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** A guarded transition: no row comes back when the intent is no longer in one of `fromStatuses`. */
export function transitionPaymentIntent(db: Executor, scope: Scope, id: string, fromStatuses: readonly string[], changes: RowUpdate<'payment_intents'>) {
  return db
    .updateTable('payment_intents')
    .set({ ...changes, updated_at: sql`now()` })
    .$call(inScope(scope))
    .where('id', '=', id)
    .where('status', 'in', fromStatuses)
    .returningAll()
    .executeTakeFirst();
}

/** The customer a checkout session created for the buyer when the payment completed (no status change). */
export function setIntentCustomer(db: Executor, scope: Scope, id: string, customerId: string) {
  return db.updateTable('payment_intents').set({ customer_id: customerId, updated_at: sql`now()` }).$call(inScope(scope)).where('id', '=', id).execute();
}

export function adjustAmountRefunded(db: Executor, scope: Scope, id: string, delta: number) {
  return db
    .updateTable('payment_intents')
    .set({ amount_refunded: sql`amount_refunded + ${delta}`, updated_at: sql`now()` })
    .$call(inScope(scope))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function selectPaymentIntents(db: Executor, scope: Scope, filters: { customer?: string; condition?: RawBuilder<boolean> } = {}) {
  let query = db
    .selectFrom('payment_intents')
    .selectAll('payment_intents')
    .$call(inScope(scope, 'payment_intents'));
  if (filters.customer !== undefined) query = query.where('payment_intents.customer_id', '=', filters.customer);
  if (filters.condition) query = query.where(filters.condition);
  return query;
}

export function insertAttempt(db: Executor, row: NewRow<'payment_attempts'>) {
  return db.insertInto('payment_attempts').values(row).returningAll().executeTakeFirstOrThrow();
}

/** 3-D Secure finishes the attempt that started it rather than adding a second one. */
export function finishPendingAttempt(db: Executor, scope: Scope, intentId: string, changes: RowUpdate<'payment_attempts'>) {
  return db
    .updateTable('payment_attempts')
    .set(changes)
    .$call(inScope(scope))
    .where('payment_intent_id', '=', intentId)
    .where('outcome', '=', 'requires_action')
    .returningAll()
    .execute();
}

export function findAttempts(db: Executor, scope: Scope, intentId: string) {
  return db
    .selectFrom('payment_attempts')
    .selectAll()
    .$call(inScope(scope))
    .where('payment_intent_id', '=', intentId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

/** Across every merchant: the expiry job locks a batch so several instances share the work. */
export function lockExpiredIntents(db: Executor, now: Date, statuses: readonly string[], limit: number) {
  return db
    .selectFrom('payment_intents')
    .selectAll()
    .where('expires_at', '<=', now)
    .where('status', 'in', statuses)
    .orderBy('expires_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function countByFingerprint(db: Executor, scope: Scope, fingerprint: string) {
  const intents = await db
    .selectFrom('payment_intents')
    .select([sql<number>`count(*)::int`.as('payments'), sql<number>`count(*) filter (where status = 'succeeded')::int`.as('succeeded')])
    .$call(inScope(scope))
    .where('card_fingerprint', '=', fingerprint)
    .executeTakeFirstOrThrow();
  const attempts = await db
    .selectFrom('payment_attempts')
    .select(sql<number>`count(*)::int`.as('failed'))
    .$call(inScope(scope))
    .where('card_fingerprint', '=', fingerprint)
    .where('outcome', '=', 'failed')
    .executeTakeFirstOrThrow();
  return { payments: intents.payments, succeeded: intents.succeeded, failed_attempts: attempts.failed };
}


/**
 * The hosted checkout's read of an intent with its merchant's name. The page is addressed by intent id
 * alone (the client secret, checked by the caller, is the credential), so this is an unscoped read, like
 * getPaymentIntentForClient; everything after it is scoped to the intent's own merchant and mode.
 */
export function getCheckoutIntent(db: Executor, intentId: string) {
  return db
    .selectFrom('payment_intents')
    .innerJoin('merchants', 'merchants.id', 'payment_intents.merchant_id')
    // An intent made for a checkout session takes the session's pages: its items, its success and cancel URLs.
    .leftJoin('checkout_sessions', (join) =>
      join.onRef('checkout_sessions.merchant_id', '=', 'payment_intents.merchant_id').onRef('checkout_sessions.payment_intent_id', '=', 'payment_intents.id'),
    )
    .select([
      'payment_intents.id',
      'payment_intents.merchant_id',
      'payment_intents.livemode',
      'payment_intents.amount',
      'payment_intents.currency',
      'payment_intents.status',
      'payment_intents.description',
      'payment_intents.receipt_email',
      'payment_intents.client_secret',
      'payment_intents.success_url',
      sql<string | null>`coalesce(checkout_sessions.cancel_url, payment_intents.cancel_url)`.as('cancel_url'),
      'checkout_sessions.id as checkout_session_id',
      'checkout_sessions.success_url as session_success_url',
      'payment_intents.expires_at',
      'payment_intents.cancellation_reason',
      'payment_intents.failed_attempts',
      'payment_intents.last_payment_error',
      'payment_intents.next_action',
      'payment_intents.card_last4',
      'payment_intents.customer_id',
      'merchants.name as merchant_name',
      'merchants.support_email as merchant_support_email',
    ])
    .where('payment_intents.id', '=', intentId)
    .executeTakeFirst();
}

export type CheckoutIntentRow = NonNullable<Awaited<ReturnType<typeof getCheckoutIntent>>>;
