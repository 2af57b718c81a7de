import type { ListSort, SortDirection } from '../../../shared/contracts/dashboard.js';
import { PaymentError } from '../../../shared/errors.js';

// ---------------------------------------------------------------------------------------------------
// The one cursor codec: dashboard lists, REST search pages (next_page) and the audit log all hand out
// the same opaque token. REST lists keep Stripe's starting_after/ending_before, which are object ids.

/**
 * A list cursor names the row a page starts after (or, going back, ends before) by its sort key and id,
 * so pages are found with an index range scan, never OFFSET. The sort it was made for travels with it:
 * a cursor from a list sorted by amount is meaningless once the list is sorted by date.
 */
export interface ListCursor {
  sort: ListSort;
  dir: SortDirection;
  /** created_at as PostgreSQL prints it (microseconds kept) or the amount as a decimal string. */
  key: string;
  id: string;
  /** true: the page before this row; false: the page after it. */
  before: boolean;
}

export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.dir, cursor.key, cursor.id, cursor.before ? 1 : 0])).toString('base64url');
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2}){0,2}|Z)?$/;

/** How a bad cursor is reported: the parameter that carried it and what to tell the caller. */
export interface CursorParam {
  param: string;
  invalid: string;
}

export const DASHBOARD_CURSOR: CursorParam = { param: 'cursor', invalid: 'This page link is no longer valid. Go back to the first page.' };
export const SEARCH_PAGE: CursorParam = { param: 'page', invalid: 'Invalid page: use the next_page value from a previous search response.' };

export function decodeCursor(text: string, sort: ListSort, dir: SortDirection, as: CursorParam = DASHBOARD_CURSOR): ListCursor {
  const invalid = () => new PaymentError('invalid_request', as.invalid, { param: as.param });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 5) throw invalid();
  const [s, d, key, id, before] = parsed as unknown[];
  if (s !== sort || d !== dir) {
    throw new PaymentError('invalid_request', 'The sort order changed since this page was loaded. Go back to the first page.', { param: as.param });
  }
  if (typeof key !== 'string' || typeof id !== 'string' || id.length === 0 || id.length > 255 || (before !== 0 && before !== 1)) throw invalid();
  const keyValid = sort === 'amount' ? /^\d{1,16}$/.test(key) : TIMESTAMP.test(key);
  if (!keyValid) throw invalid();
  return { sort, dir, key, id, before: before === 1 };
}

/** The last row a bounded walk examines (see findWalkEnd). */
export interface WalkEnd {
  sort_key: string;
  id: string;
}

/**
 * Turns the rows of one fetch (limit + 1 of them, in query order) into a page in display order with the
 * cursors to its neighbours. `end`: the walk was capped there, so there may be more beyond it.
 */
export function pageFromRows<R extends { id: string; sort_key: string }>(
  rows: R[],
  limit: number,
  sort: ListSort,
  dir: SortDirection,
  cursor: ListCursor | undefined,
  end?: WalkEnd,
): { rows: R[]; nextCursor: string | null; prevCursor: string | null } {
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const backwards = cursor?.before === true;
  // A capped walk that did not fill the page goes on from the last row it examined.
  const resume = !hasMore && end ? encodeCursor({ sort, dir, key: end.sort_key, id: end.id, before: backwards }) : null;
  if (backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const at = (row: R, before: boolean) => encodeCursor({ sort, dir, key: row.sort_key, id: row.id, before });
  // An empty page has no row to continue from; the UI offers "back to the first page".
  if (!first || !last) return { rows: page, nextCursor: backwards ? null : resume, prevCursor: backwards ? resume : null };
  const moreAfter = backwards ? true : hasMore;
  const moreBefore = backwards ? hasMore : cursor !== undefined;
  const next = moreAfter ? at(last, false) : !backwards ? resume : null;
  const prev = moreBefore ? at(first, true) : backwards ? resume : null;
  return { rows: page, nextCursor: next, prevCursor: prev };
}
