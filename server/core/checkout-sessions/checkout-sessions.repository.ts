import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow, Row, RowUpdate } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

export type SessionRow = Row<'checkout_sessions'>;
export type LineItemRow = Row<'checkout_session_line_items'>;

export async function insertSession(db: Executor, session: NewRow<'checkout_sessions'>, items: NewRow<'checkout_session_line_items'>[]) {
  await db.insertInto('checkout_sessions').values(session).execute();
  if (items.length) await db.insertInto('checkout_session_line_items').values(items).execute();
}

export function getSession(db: Executor, scope: Scope, id: string, options: { forUpdate?: boolean } = {}) {
  let query = db.selectFrom('checkout_sessions').selectAll().$call(inScope(scope)).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/**
 * Only for the hosted page, which knows a session by its id alone (the id is the credential, as with
 * Stripe's session URL): an unscoped read of the session's own merchant, mode and intent.
 */
export function getSessionForPage(db: Executor, id: string) {
  return db.selectFrom('checkout_sessions').select(['id', 'merchant_id', 'livemode', 'payment_intent_id', 'status']).where('id', '=', id).executeTakeFirst();
}

/** The session an intent was made for, if any (the intent's pages show its items). */
export function getSessionOfIntent(db: Executor, scope: Scope, intentId: string) {
  return db.selectFrom('checkout_sessions').selectAll().$call(inScope(scope)).where('payment_intent_id', '=', intentId).executeTakeFirst();
}

export function selectSessions(db: Executor, scope: Scope, filters: { paymentIntent?: string; customer?: string; status?: string; clientReferenceId?: string }) {
  let query = db.selectFrom('checkout_sessions').selectAll('checkout_sessions').$call(inScope(scope, 'checkout_sessions'));
  if (filters.paymentIntent !== undefined) query = query.where('checkout_sessions.payment_intent_id', '=', filters.paymentIntent);
  if (filters.customer !== undefined) query = query.where('checkout_sessions.customer_id', '=', filters.customer);
  if (filters.status !== undefined) query = query.where('checkout_sessions.status', '=', filters.status as SessionRow['status']);
  if (filters.clientReferenceId !== undefined) query = query.where('checkout_sessions.client_reference_id', '=', filters.clientReferenceId);
  return query;
}

/** A page of a session's items in the order they were given; cursors are item ids. */
export async function findLineItems(db: Executor, scope: Scope, sessionId: string, page: { limit: number; startingAfter?: string; endingBefore?: string }) {
  const positionOf = (id: string) =>
    db.selectFrom('checkout_session_line_items').select('position').$call(inScope(scope)).where('session_id', '=', sessionId).where('id', '=', id).executeTakeFirst();
  let query = db.selectFrom('checkout_session_line_items').selectAll().$call(inScope(scope)).where('session_id', '=', sessionId);
  const cursor = page.startingAfter ?? page.endingBefore;
  if (cursor !== undefined) {
    const found = await positionOf(cursor);
    if (!found) return { rows: [], hasMore: false, missingCursor: true };
    query = query.where('position', page.startingAfter ? '>' : '<', found.position);
  }
  const backwards = page.endingBefore !== undefined;
  const rows = await query.orderBy('position', backwards ? 'desc' : 'asc').limit(page.limit + 1).execute();
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  if (backwards) pageRows.reverse();
  return { rows: pageRows, hasMore, missingCursor: false };
}

/** A guarded transition: nothing comes back when the session is no longer open. */
export function transitionOpenSession(db: Executor, scope: Scope, where: { id: string } | { paymentIntentId: string }, changes: RowUpdate<'checkout_sessions'>) {
  let query = db
    .updateTable('checkout_sessions')
    .set({ ...changes, updated_at: sql`now()` })
    .$call(inScope(scope))
    .where('status', '=', 'open');
  query = 'id' in where ? query.where('id', '=', where.id) : query.where('payment_intent_id', '=', where.paymentIntentId);
  return query.returningAll().executeTakeFirst();
}

/** Across every merchant: open sessions past their expiry, oldest first (the expiry job's batch). */
export function findDueSessions(db: Executor, now: Date, limit: number) {
  return db
    .selectFrom('checkout_sessions')
    .select(['id', 'merchant_id', 'livemode', 'payment_intent_id'])
    .where('status', '=', 'open')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .execute();
}
