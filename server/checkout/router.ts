import { Router } from 'express';
import type { CoreDeps } from '../core/shared/deps.js';

/** Hosted checkout pages. Filled in by the checkout work. */
export function createCheckoutRouter(_deps: CoreDeps) {
  return Router();
}
