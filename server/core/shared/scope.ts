import type { Scope } from './deps.js';

interface Filterable {
  where(lhs: any, op: any, rhs: any): any;
}

/**
 * The tenant rule in one place: every query on a tenant table is limited to one merchant and one mode.
 * Use as `db.selectFrom('customers').$call(inScope(scope))…` (selects, updates and deletes alike).
 */
export function inScope(scope: Scope) {
  return <QB extends Filterable>(qb: QB): QB => qb.where('merchant_id', '=', scope.merchantId).where('livemode', '=', scope.livemode);
}
