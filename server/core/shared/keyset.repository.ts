import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { CreatedFilter } from '../../../shared/contracts/common.js';
import type { ListSort, SortDirection } from '../../../shared/contracts/dashboard.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { Scope } from './deps.js';
import { inScope } from './scope.js';
import { decodeCursor, pageFromRows, SEARCH_PAGE, type ListCursor, type WalkEnd } from './cursor.js';
import { isSelective, SELECTIVE_ROWS, type CompiledSearch } from './search.repository.js';

type PageableTable =
  | 'payment_intents'
  | 'customers'
  | 'refunds'
  | 'events'
  | 'webhook_endpoints'
  | 'charges'
  | 'balance_transactions'
  | 'payouts'
  | 'payment_methods'
  | 'disputes'
  | 'checkout_sessions'
  | 'report_runs'
  | 'report_files';

interface PageRequest {
  limit: number;
  starting_after?: string;
  ending_before?: string;
  created?: CreatedFilter;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Query<R> = SelectQueryBuilder<Database, any, R>;

/** `created` filters compare whole seconds, so `created=t` matches anything within that second. */
function applyCreatedFilter<R>(query: Query<R>, created: CreatedFilter | undefined, column = 'created_at'): Query<R> {
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
function cursorPosition(table: PageableTable, scope: Scope, id: string) {
  return sql`(select c.created_at, c.id from ${sql.table(table)} c where c.merchant_id = ${scope.merchantId} and c.livemode = ${scope.livemode} and c.id = ${id})`;
}

async function assertCursorExists(db: Executor, table: PageableTable, scope: Scope, id: string, param: string) {
  const found = await db
    .selectFrom(table)
    .select('id')
    .$call(inScope(scope))
    .where('id', '=', id)
    .executeTakeFirst();
  if (!found) throw notFound(table === 'report_files' ? 'file' : table.replace(/s$/, '').replace(/_/g, ' '), id, param);
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

// ---------------------------------------------------------------------------------------------------
// Keyset pages by (sort key, id), with an optional bounded walk

type KeysetTable = 'payment_intents' | 'refunds' | 'customers' | 'charges';

export interface Keyset {
  sort: ListSort;
  dir: SortDirection;
  limit: number;
  cursor?: ListCursor;
}

function keyOf(table: KeysetTable, sort: ListSort) {
  return sql.ref(`${table}.${sort === 'amount' ? 'amount' : 'created_at'}`);
}

function walkOrder(keyset: Keyset) {
  const backwards = keyset.cursor?.before === true;
  return { ascending: (keyset.dir === 'asc') !== backwards };
}

function keyValue(sort: ListSort, key: string) {
  return sort === 'amount' ? sql`${key}::bigint` : sql`${key}::timestamptz`;
}

/** Rows after the cursor (in walk order), ordered by (key, id) in walk order. */
function walkFrom<R>(query: Query<R>, table: KeysetTable, keyset: Keyset): Query<R> {
  const key = keyOf(table, keyset.sort);
  const id = sql.ref(`${table}.id`);
  const { ascending } = walkOrder(keyset);
  let q = query;
  if (keyset.cursor) {
    q = q.where(sql<boolean>`(${key}, ${id}) ${sql.raw(ascending ? '>' : '<')} (${keyValue(keyset.sort, keyset.cursor.key)}, ${keyset.cursor.id})`);
  }
  const direction = ascending ? 'asc' : 'desc';
  return q.orderBy(key, direction).orderBy(id, direction);
}

/**
 * Orders by (sort key, id) and continues from the cursor with a row comparison, which PostgreSQL turns
 * into an index range scan; going back reverses the order and the caller reverses the rows again.
 * Fetches limit + 1 rows so the caller knows whether there is more. With `end`, only rows up to that
 * one (inclusive, in walk order) are considered: a bounded walk.
 */
export function applyKeyset<R>(query: Query<R>, table: KeysetTable, keyset: Keyset, end?: WalkEnd) {
  const key = keyOf(table, keyset.sort);
  let q = query.select(sql<string>`${key}::text`.as('sort_key'));
  if (end) {
    const { ascending } = walkOrder(keyset);
    q = q.where(sql<boolean>`(${key}, ${sql.ref(`${table}.id`)}) ${sql.raw(ascending ? '<=' : '>=')} (${keyValue(keyset.sort, end.sort_key)}, ${end.id})`);
  }
  return walkFrom(q, table, keyset).limit(keyset.limit + 1);
}

/**
 * How many rows a search that no index can narrow examines per page. Such a search (a negation, a
 * broad null check, an OR with such an arm) walks the list's own index with the predicate as a filter;
 * past this many rows it stops and answers what it found with a cursor to go on (has_more), as
 * Stripe's search may. A page can then hold fewer rows than asked for, even none.
 */
export const SEARCH_WALK_ROWS = 10_000;

/**
 * The `rows`-th row from the cursor in walk order (an index-only range scan of at most that many
 * entries), or undefined when fewer rows remain: then the walk is not capped. `base` is the scoped
 * query without the search predicate.
 */
async function findWalkEnd<R>(base: Query<R>, table: KeysetTable, keyset: Keyset, rows = SEARCH_WALK_ROWS): Promise<WalkEnd | undefined> {
  const key = keyOf(table, keyset.sort);
  const query = walkFrom(base.clearSelect().select([sql<string>`${key}::text`.as('sort_key'), sql<string>`${sql.ref(`${table}.id`)}`.as('id')]), table, keyset);
  return (await query.offset(rows - 1).limit(1).executeTakeFirst()) as WalkEnd | undefined;
}


/**
 * The predicate of a walk, as a filter no index can serve: the walk's range of the list index is then the
 * only access path, so a misestimated bitmap of a broad clause (then sorted) cannot replace it.
 */
export function walkFilter(condition: RawBuilder<boolean>): RawBuilder<boolean> {
  return sql<boolean>`(${condition}) is true`;
}

/** A short first walk: most unindexable searches match densely, and this many rows fill their page. */
const FIRST_WALK_ROWS = 1_000;

/**
 * Fetches one search page. When `narrowed` (the scoped query with only the indexed clauses) keeps few of
 * `scoped`'s rows by the planner's estimate, the matches are collected first through those indexes (a
 * materialized CTE, so the planner cannot trade the index for an ordered walk that filters every row when
 * its estimate is wrong; at most SELECTIVE_ROWS of them) and then ordered. Otherwise the list index is walked with the predicate as a
 * filter: first FIRST_WALK_ROWS rows, then, if that did not fill the page, SEARCH_WALK_ROWS.
 * `matches` is the scoped query with the whole predicate; `walked` the same with the predicate as
 * `walkFilter` (so the planner keeps to the range of the walk) beside the walk's own range conditions;
 * `walkBase` the scoped query with only those range conditions.
 */
export async function fetchSearchPage<R>(
  db: Executor,
  table: KeysetTable,
  queries: { matches: Query<R>; walked: Query<R>; walkBase: Query<R>; narrowed?: Query<R>; scoped: Query<R> },
  keyset: Keyset,
): Promise<{ rows: (R & { sort_key: string })[]; end?: WalkEnd }> {
  type Row = R & { sort_key: string };
  if (queries.narrowed && (await isSelective(db, queries.narrowed, queries.scoped))) {
    // At most SELECTIVE_ROWS + 1 matches are collected; more means the estimate was wrong, and the walk
    // answers instead (so an underestimate costs a bounded read, never a scan of the merchant's rows).
    const collected = db
      .with((cte) => cte(table).materialized(), () => queries.matches.limit(SELECTIVE_ROWS + 1) as never)
      .selectFrom(table)
      .selectAll()
      .select(sql<string>`(select count(*) from ${sql.table(table)})`.as('collected_rows')) as unknown as Query<R>;
    const rows = (await applyKeyset(collected, table, keyset).execute()) as (Row & { collected_rows?: string })[];
    const complete = rows.length ? Number(rows[0]!.collected_rows) <= SELECTIVE_ROWS : !keyset.cursor;
    for (const row of rows) delete row.collected_rows;
    if (complete) return { rows };
  }
  let end: WalkEnd | undefined;
  for (const size of [FIRST_WALK_ROWS, SEARCH_WALK_ROWS]) {
    end = await findWalkEnd(queries.walkBase, table, keyset, size);
    const rows = (await applyKeyset(queries.walked, table, keyset, end).execute()) as Row[];
    if (!end || rows.length > keyset.limit || size === SEARCH_WALK_ROWS) return { rows, end };
  }
  throw new Error('unreachable');
}

/**
 * One page of a REST search, newest first. `select(condition)` is the resource's scoped query, with the
 * condition when given (see fetchSearchPage for how the page is found).
 */
export async function findSearchPage<R extends { id: string }>(
  db: Executor,
  table: KeysetTable,
  select: (condition?: RawBuilder<boolean>) => Query<R>,
  search: CompiledSearch,
  limit: number,
  pageToken: string | undefined,
): Promise<{ rows: R[]; hasMore: boolean; nextPage: string | null }> {
  const cursor = pageToken ? decodeCursor(pageToken, 'created', 'desc', SEARCH_PAGE) : undefined;
  const keyset: Keyset = { sort: 'created', dir: 'desc', limit, cursor };
  const { rows, end } = await fetchSearchPage(
    db,
    table,
    { matches: select(search.condition), walked: select(search.walkRange ? sql<boolean>`(${search.walkRange} and ${walkFilter(search.condition)})` : walkFilter(search.condition)), walkBase: select(search.walkRange), narrowed: search.narrowing ? select(search.narrowing) : undefined, scoped: select() },
    keyset,
  );
  const page = pageFromRows(rows, limit, 'created', 'desc', cursor, end);
  return { rows: page.rows, hasMore: page.nextCursor !== null, nextPage: page.nextCursor };
}
