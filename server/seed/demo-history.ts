import type { CoreDeps } from '../core/shared/deps.js';

/** The demo merchant's payment history; generated through the payment core (see the payment core issue). */
export async function seedDemoHistory(_deps: CoreDeps, _merchantId: string, _log: (line: string) => void): Promise<void> {}
