import { sql, type SelectQueryBuilder } from 'kysely';
import type { CreatedFilter } from '../../../shared/contracts/common.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { Scope } from './deps.js';
import { inScope } from './scope.js';

export type PageableTable = 'payment_intents' | 'customers' | 'refunds' | 'events' | 'webhook_endpoints';

export interface PageRequest {
  limit: number;
  starting_after?: string;
  ending_before?: string;
  created?: CreatedFilter;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Query<R> = SelectQueryBuilder<Database, any, R>;

/** `created` filters compare whole seconds, so `created=t` matches anything within that second. */
export function applyCreatedFilter<R>(query: Query<R>, created: CreatedFilter | undefined, column = 'created_at'): Query<R> {
  if (created === undefined) return query;
  const col = sql.ref(column);
  const at = (seconds: number) => sql`to_timestamp(${seconds})`;
  if (typeof created === 'number') {
    return query.where(sql<boolean>`${col} >= ${at(created)} and ${col} < ${at(created + 1)}`);
  }
  if (created.gt !== undefined) query = query.where(sql<boolean>`${col} >= ${at(created.gt + 1)}`);
  if (created.gte !== undefined) query = query.where(sql<boolean>`${col} >= ${at(created.gte)}`);
  if (created.lt !== undefined) query = query.where(sql<boolean>`${col} < ${at(created.lt)}`);
  if (created.lte !== undefined) query = query.where(sql<boolean>`${col} < ${at(created.lte + 1)}`);
  return query;
}

/**
 * The cursor's position is read inside the comparison, so PostgreSQL's microsecond timestamps are
 * compared exactly (a JS Date would round them to milliseconds and skip or repeat rows).
 */
export function cursorPosition(table: PageableTable, scope: Scope, id: string) {
  return sql`(select c.created_at, c.id from ${sql.table(table)} c where c.merchant_id = ${scope.merchantId} and c.livemode = ${scope.livemode} and c.id = ${id})`;
}

async function assertCursorExists(db: Executor, table: PageableTable, scope: Scope, id: string, param: string) {
  const found = await db
    .selectFrom(table)
    .select('id')
    .$call(inScope(scope))
    .where('id', '=', id)
    .executeTakeFirst();
  if (!found) throw notFound(table.replace(/s$/, '').replace(/_/g, ' '), id, param);
}

/**
 * Keyset pagination, newest first by (created_at, id). `base` must already be scoped to the merchant and
 * mode (and any filters); it must select from `table` without an alias.
 */
export async function findPage<R>(db: Executor, table: PageableTable, scope: Scope, base: Query<R>, page: PageRequest): Promise<{ rows: R[]; hasMore: boolean }> {
  if (page.starting_after && page.ending_before) {
    throw new PaymentError('invalid_request', 'You may only specify one of these parameters: starting_after, ending_before.', { param: 'ending_before' });
  }
  let query = applyCreatedFilter(base, page.created, `${table}.created_at`);
  const key = sql`(${sql.ref(`${table}.created_at`)}, ${sql.ref(`${table}.id`)})`;
  const backwards = Boolean(page.ending_before);
  if (page.starting_after) {
    await assertCursorExists(db, table, scope, page.starting_after, 'starting_after');
    query = query.where(sql<boolean>`${key} < ${cursorPosition(table, scope, page.starting_after)}`);
  } else if (page.ending_before) {
    await assertCursorExists(db, table, scope, page.ending_before, 'ending_before');
    query = query.where(sql<boolean>`${key} > ${cursorPosition(table, scope, page.ending_before)}`);
  }
  const direction = backwards ? 'asc' : 'desc';
  const rows = await query
    .orderBy(sql.ref(`${table}.created_at`), direction)
    .orderBy(sql.ref(`${table}.id`), direction)
    .limit(page.limit + 1)
    .execute();
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  if (backwards) pageRows.reverse();
  return { rows: pageRows, hasMore };
}

/** Search pages continue after the last row of the previous page; the token only names that row. */
export function encodePageToken(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');
}

export function decodePageToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && parsed.after.length <= 255) return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw new PaymentError('invalid_request', 'Invalid page: use the next_page value from a previous search response.', { param: 'page' });
}

export async function findSearchPage<R>(table: PageableTable, scope: Scope, base: Query<R>, limit: number, pageToken: string | undefined): Promise<{ rows: R[]; hasMore: boolean; nextPage: string | null }> {
  let query = base;
  if (pageToken) {
    const after = decodePageToken(pageToken);
    query = query.where(sql<boolean>`(${sql.ref(`${table}.created_at`)}, ${sql.ref(`${table}.id`)}) < ${cursorPosition(table, scope, after)}`);
  }
  const rows = await query
    .orderBy(sql.ref(`${table}.created_at`), 'desc')
    .orderBy(sql.ref(`${table}.id`), 'desc')
    .limit(limit + 1)
    .execute();
  const hasMore = rows.length > limit;
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1] as { id?: string } | undefined;
  return { rows: pageRows, hasMore, nextPage: hasMore && last?.id ? encodePageToken(last.id) : null };
}
