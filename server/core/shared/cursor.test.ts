import { describe, expect, it } from 'vitest';
import { DASHBOARD_CURSOR, decodeCursor, encodeCursor, pageFromRows, SEARCH_PAGE } from './cursor.js';

const row = (id: string, key = '2026-01-01 00:00:00.123456+00') => ({ id, sort_key: key });

describe('list cursors', () => {
  it('round-trips and keeps microseconds', () => {
    const c = { sort: 'created' as const, dir: 'desc' as const, key: '2026-01-01 10:00:00.123456+00', id: 'pi_1', before: true };
    expect(decodeCursor(encodeCursor(c), 'created', 'desc')).toEqual(c);
  });

  it('refuses cursors for another sort or direction, and garbage', () => {
    const c = encodeCursor({ sort: 'amount', dir: 'asc', key: '500', id: 'pi_1', before: false });
    expect(() => decodeCursor(c, 'created', 'asc')).toThrow(/sort order changed/);
    expect(() => decodeCursor(c, 'amount', 'desc')).toThrow(/sort order changed/);
    expect(() => decodeCursor('%%%', 'amount', 'asc')).toThrow(/no longer valid/);
    const badKey = Buffer.from(JSON.stringify(['amount', 'asc', '5e3', 'pi_1', 0])).toString('base64url');
    expect(() => decodeCursor(badKey, 'amount', 'asc')).toThrow(/no longer valid/);
  });

  it('builds neighbours: first page has no previous, last page has no next', () => {
    const rows = [row('a'), row('b'), row('c')];
    const first = pageFromRows(rows, 2, 'created', 'desc', undefined);
    expect(first.rows.map((r) => r.id)).toEqual(['a', 'b']);
    expect(first.prevCursor).toBeNull();
    expect(decodeCursor(first.nextCursor!, 'created', 'desc')).toMatchObject({ id: 'b', before: false });

    const after = decodeCursor(first.nextCursor!, 'created', 'desc');
    const last = pageFromRows([row('c')], 2, 'created', 'desc', after);
    expect(last.nextCursor).toBeNull();
    expect(decodeCursor(last.prevCursor!, 'created', 'desc')).toMatchObject({ id: 'c', before: true });
  });

  it('reverses rows fetched backwards and knows whether more come before', () => {
    const before = decodeCursor(encodeCursor({ sort: 'created', dir: 'desc', key: '2026-01-01 00:00:00+00', id: 'z', before: true }), 'created', 'desc');
    // Fetched in reverse order (nearest first): y, x, w -> limit 2 shows x, y and there is more before.
    const page = pageFromRows([row('y'), row('x'), row('w')], 2, 'created', 'desc', before);
    expect(page.rows.map((r) => r.id)).toEqual(['x', 'y']);
    expect(decodeCursor(page.prevCursor!, 'created', 'desc').id).toBe('x');
    expect(decodeCursor(page.nextCursor!, 'created', 'desc').id).toBe('y');
    const start = pageFromRows([row('y')], 2, 'created', 'desc', before);
    expect(start.prevCursor).toBeNull();
  });
});

describe('one cursor codec', () => {
  it('names the parameter that carried a bad token: cursor in the dashboard, page in REST search', () => {
    expect(() => decodeCursor('bm9wZQ', 'created', 'desc', SEARCH_PAGE)).toThrow(expect.objectContaining({ param: 'page', message: SEARCH_PAGE.invalid }));
    expect(() => decodeCursor('bm9wZQ', 'created', 'desc')).toThrow(expect.objectContaining({ param: 'cursor', message: DASHBOARD_CURSOR.invalid }));
    // The old REST search token ({"after": id}) is not a cursor.
    const legacy = Buffer.from(JSON.stringify({ after: 'pi_1' })).toString('base64url');
    expect(() => decodeCursor(legacy, 'created', 'desc', SEARCH_PAGE)).toThrow(expect.objectContaining({ param: 'page' }));
  });

  it('continues a capped walk from the last row it examined', () => {
    const end = { sort_key: '2025-12-31 00:00:00+00', id: 'pi_end' };
    const empty = pageFromRows([], 10, 'created', 'desc', undefined, end);
    expect(empty.rows).toEqual([]);
    expect(decodeCursor(empty.nextCursor!, 'created', 'desc')).toEqual({ sort: 'created', dir: 'desc', key: end.sort_key, id: 'pi_end', before: false });
    const some = pageFromRows([row('a')], 10, 'created', 'desc', undefined, end);
    expect(decodeCursor(some.nextCursor!, 'created', 'desc').id).toBe('pi_end');
    // A full page continues from its own last row, capped or not.
    const full = pageFromRows([row('a'), row('b'), row('c')], 2, 'created', 'desc', undefined, end);
    expect(decodeCursor(full.nextCursor!, 'created', 'desc').id).toBe('b');
    expect(pageFromRows([row('a')], 10, 'created', 'desc', undefined).nextCursor).toBeNull();
  });
});
