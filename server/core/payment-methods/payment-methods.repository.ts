import type { Executor } from '../../db/database.js';
import type { NewRow } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

export function insertPaymentMethod(db: Executor, row: NewRow<'payment_methods'>) {
  return db.insertInto('payment_methods').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getPaymentMethod(db: Executor, scope: Scope, id: string) {
  return db
    .selectFrom('payment_methods')
    .selectAll()
    .$call(inScope(scope))
    .where('id', '=', id)
    .executeTakeFirst();
}
