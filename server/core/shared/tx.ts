import type { Executor } from '../../db/database.js';
import type { CoreDeps } from './deps.js';

/**
 * Runs fn in the caller's transaction when one is given (the idempotency layer stores its response in
 * the same transaction), otherwise in a new one.
 */
export function inTransaction<T>(deps: CoreDeps, tx: Executor | undefined, fn: (tx: Executor) => Promise<T>): Promise<T> {
  if (tx) return fn(tx);
  return deps.db.transaction().execute(fn);
}

export function toUnix(date: Date | string): number;
export function toUnix(date: Date | string | null): number | null;
export function toUnix(date: Date | string | null): number | null {
  if (date === null) return null;
  return Math.floor(new Date(date).getTime() / 1000);
}
