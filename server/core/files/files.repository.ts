import type { Executor } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';
import type { Scope } from '../shared/deps.js';
import { inScope } from '../shared/scope.js';

/**
 * Stripe's File objects, whatever their purpose: uploads (dispute evidence, logos) and report results. They
 * live in report_files (migration 0023 explains the name); the reports area writes its own results there.
 */

export function insertFile(db: Executor, row: NewRow<'report_files'>) {
  return db.insertInto('report_files').values(row).returningAll().executeTakeFirstOrThrow();
}

export function getFile(db: Executor, scope: Scope, id: string) {
  return db.selectFrom('report_files').selectAll().$call(inScope(scope)).where('id', '=', id).executeTakeFirst();
}

/** The files among `ids` this merchant has in this mode, optionally of one purpose only. */
export function findFiles(db: Executor, scope: Scope, ids: string[], purpose?: string): Promise<Row<'report_files'>[]> {
  if (!ids.length) return Promise.resolve([]);
  let query = db.selectFrom('report_files').selectAll().$call(inScope(scope)).where('id', 'in', ids);
  if (purpose) query = query.where('purpose', '=', purpose);
  return query.execute();
}

/** The base of GET /v1/files (paged by findPage). */
export function selectFiles(db: Executor, scope: Scope, purpose?: string) {
  let query = db.selectFrom('report_files').selectAll('report_files').where('report_files.merchant_id', '=', scope.merchantId).where('report_files.livemode', '=', scope.livemode);
  if (purpose) query = query.where('report_files.purpose', '=', purpose);
  return query;
}
