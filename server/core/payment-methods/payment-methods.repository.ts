import type { Executor } from '../../db/database.js';
import type { NewRow } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';

export function insertPaymentMethod(db: Executor, row: NewRow<'payment_methods'>) {
  return db.insertInto('payment_methods').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getPaymentMethod(db: Executor, scope: Scope, id: string) {
  return db
    .selectFrom('payment_methods')
    .selectAll()
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', scope.livemode)
    .where('id', '=', id)
    .executeTakeFirst();
}
