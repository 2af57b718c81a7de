import type { Statement } from '../../db/statement.js';
import type { Scope } from './deps.js';

interface Filterable {
  where(lhs: any, op: any, rhs: any): any;
}

/**
 * The tenant rule in one place: every query on a tenant table is limited to one merchant and one mode.
 * Use as `db.selectFrom('customers').$call(inScope(scope))…` (selects, updates and deletes alike); with joins,
 * name the table or alias: `.$call(inScope(scope, 'pm'))`.
 */
export function inScope(scope: Scope, table?: string) {
  const column = (name: string) => (table ? `${table}.${name}` : name);
  return <QB extends Filterable>(qb: QB): QB => qb.where(column('merchant_id'), '=', scope.merchantId).where(column('livemode'), '=', scope.livemode);
}

/** The same rule for a statement written as text (server/db/statement.ts): `merchant_id = $n and livemode = $m`. */
export function scopeCondition(statement: Statement, scope: Scope): string {
  return `merchant_id = ${statement.param(scope.merchantId)} and livemode = ${statement.param(scope.livemode)}`;
}
