import { Router } from 'express';
import type { CoreDeps } from '../core/shared/deps.js';

/** Public REST API (/v1). Filled in by the payment core work. */
export function createApiRouter(_deps: CoreDeps) {
  const router = Router();
  return router;
}
