import { CompiledQuery } from 'kysely';
import type { Executor } from './database.js';

/**
 * SQL text assembled by hand, for the few statements on the API's write path that run on every request.
 * Kysely builds an immutable operation tree per query and compiles it on each call; for a create+confirm
 * statement with ~80 values that was a large share of the request's CPU. Here the text is plain string
 * concatenation with numbered placeholders, run through the same Kysely executor (same connection or
 * transaction, same prepared-statement cache in database.ts). Repositories only: this is SQL.
 */
export class Statement {
  readonly params: unknown[] = [];

  /** A placeholder for `value`, passed to the driver as Kysely would pass it. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** A column name, quoted; only names the code chose (row keys), never input. */
  column(name: string): string {
    return identifier(name);
  }

  /**
   * `insert into table (columns) values (…), (…)`: the columns are those any row defines (undefined ones are
   * left out, as Kysely does); a row without one gets DEFAULT. A `SqlText` value is written as it is.
   */
  insert(table: string, rows: readonly object[], returning?: string): string {
    const columns: string[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      for (const [key, value] of Object.entries(row)) {
        if (value !== undefined && !seen.has(key)) {
          seen.add(key);
          columns.push(key);
        }
      }
    }
    const values = rows.map((row) => {
      const record = row as Record<string, unknown>;
      return `(${columns.map((c) => (record[c] === undefined ? 'default' : record[c] instanceof SqlText ? (record[c] as SqlText).text : this.param(record[c]))).join(', ')})`;
    });
    return `insert into ${identifier(table)} (${columns.map(identifier).join(', ')}) values ${values.join(', ')}${returning ? ` returning ${returning}` : ''}`;
  }

  execute<R>(db: Executor, text: string) {
    return db.executeQuery<R>(CompiledQuery.raw(text, this.params));
  }
}

/** A value written into the statement as SQL (only for text made by the code, never from input). */
export class SqlText {
  constructor(readonly text: string) {}
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Not a plain SQL identifier: ${name}`);
  return `"${name}"`;
}
