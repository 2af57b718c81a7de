import type { CoreDeps } from '../core/shared/deps.js';

export interface Workers {
  stop(): Promise<void>;
}

/** Background work (intent expiry, refund processing, idempotency pruning, webhook delivery). */
export async function startWorkers(_deps: CoreDeps, _log: (line: string) => void): Promise<Workers> {
  return { stop: async () => {} };
}
