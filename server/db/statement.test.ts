import { describe, expect, it } from 'vitest';
import { SqlText, Statement } from './statement.js';

describe('Statement', () => {
  it('numbers placeholders in order, leaves undefined columns out and fills a missing one with DEFAULT', () => {
    const statement = new Statement();
    const first = statement.param('x');
    const text = statement.insert('events', [
      { id: 'evt_1', type: 'a', note: undefined },
      { id: 'evt_2', type: 'b', created_at: new SqlText('clock_timestamp()') },
    ], '*');
    expect(first).toBe('$1');
    expect(text).toBe('insert into "events" ("id", "type", "created_at") values ($2, $3, default), ($4, $5, clock_timestamp()) returning *');
    expect(statement.params).toEqual(['x', 'evt_1', 'a', 'evt_2', 'b']);
  });

  it('passes values to the driver as they are (nulls, dates, arrays)', () => {
    const statement = new Statement();
    const at = new Date(0);
    statement.insert('t', [{ a: null, b: at, c: ['x'] }]);
    expect(statement.params).toEqual([null, at, ['x']]);
  });

  it('refuses names that are not plain identifiers', () => {
    expect(() => new Statement().insert('t', [{ 'a"; drop table t; --': 1 }])).toThrow(/identifier/);
    expect(() => new Statement().insert('T x', [{ a: 1 }])).toThrow(/identifier/);
    expect(() => new Statement().column('Bad')).toThrow(/identifier/);
  });
});
