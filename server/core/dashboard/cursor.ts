import { PaymentError } from '../../../shared/errors.js';
import type { ListSort, SortDirection } from '../../../shared/contracts/dashboard.js';

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

function invalid(): PaymentError {
  return new PaymentError('invalid_request', 'This page link is no longer valid. Go back to the first page.', { param: 'cursor' });
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2}){0,2}|Z)?$/;

export function decodeCursor(text: string, sort: ListSort, dir: SortDirection): ListCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 5) throw invalid();
  const [s, d, key, id, before] = parsed as unknown[];
  if (s !== sort || d !== dir) {
    throw new PaymentError('invalid_request', 'The sort order changed since this page was loaded. Go back to the first page.', { param: 'cursor' });
  }
  if (typeof key !== 'string' || typeof id !== 'string' || id.length === 0 || id.length > 255 || (before !== 0 && before !== 1)) throw invalid();
  const keyValid = sort === 'amount' ? /^\d{1,16}$/.test(key) : TIMESTAMP.test(key);
  if (!keyValid) throw invalid();
  return { sort, dir, key, id, before: before === 1 };
}

/**
 * Turns the rows of one fetch (limit + 1 of them, in query order) into a page in display order with the
 * cursors to its neighbours.
 */
export function pageFromRows<R extends { id: string; sort_key: string }>(
  rows: R[],
  limit: number,
  sort: ListSort,
  dir: SortDirection,
  cursor: ListCursor | undefined,
): { rows: R[]; nextCursor: string | null; prevCursor: string | null } {
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const backwards = cursor?.before === true;
  if (backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const at = (row: R, before: boolean) => encodeCursor({ sort, dir, key: row.sort_key, id: row.id, before });
  // An empty page has no row to continue from; the UI offers "back to the first page".
  if (!first || !last) return { rows: page, nextCursor: null, prevCursor: null };
  const moreAfter = backwards ? true : hasMore;
  const moreBefore = backwards ? hasMore : cursor !== undefined;
  return { rows: page, nextCursor: moreAfter ? at(last, false) : null, prevCursor: moreBefore ? at(first, true) : null };
}
