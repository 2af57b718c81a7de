import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NewRow, RowUpdate } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

export function insertCustomer(db: Executor, row: NewRow<'customers'>) {
  return db.insertInto('customers').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Includes soft-deleted customers: retrieve answers `deleted: true` for them. */
export function getCustomer(db: Executor, scope: Scope, id: string, options: { forUpdate?: boolean } = {}) {
  let query = db
    .selectFrom('customers')
    .selectAll()
    .$call(inScope(scope))
    .where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function updateCustomer(db: Executor, scope: Scope, id: string, changes: RowUpdate<'customers'>) {
  return db
    .updateTable('customers')
    .set({ ...changes, updated_at: sql`now()` })
    .$call(inScope(scope))
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export function selectLiveCustomers(db: Executor, scope: Scope, filters: { email?: string; condition?: RawBuilder<boolean> } = {}) {
  let query = db
    .selectFrom('customers')
    .selectAll('customers')
    .$call(inScope(scope, 'customers'))
    .where('customers.deleted_at', 'is', null);
  if (filters.email !== undefined) query = query.where(sql<boolean>`lower(customers.email) = ${filters.email.toLowerCase()}`);
  if (filters.condition) query = query.where(filters.condition);
  return query;
}

