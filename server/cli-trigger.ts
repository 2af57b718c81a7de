/**
 * `npm run cli -- trigger <event type>`: makes the real objects that cause the event (like `stripe trigger`),
 * through the REST API with a test-mode key, so every listener and endpoint gets the events as in production.
 */
import { EVENT_TYPES } from '../shared/contracts/events.js';
import { apiCall, ApiCallError, type ApiTarget } from './cli-listen.js';

type Call = (method: string, path: string, body?: Record<string, unknown>) => Promise<{ id: string; status?: string }>;

const AMOUNT = { amount: 2000, currency: 'usd' };
const paid = (call: Call, extra: Record<string, unknown> = {}) =>
  call('POST', '/v1/payment_intents', { ...AMOUNT, payment_method: 'pm_card_visa', confirm: true, description: '(created by npm run cli -- trigger)', ...extra });

/** The catalogue types the CLI can cause, and the API calls that cause them. */
export const TRIGGERS: Partial<Record<(typeof EVENT_TYPES)[number], (call: Call) => Promise<void>>> = {
  'payment_intent.created': async (call) => void (await call('POST', '/v1/payment_intents', AMOUNT)),
  'payment_intent.succeeded': async (call) => void (await paid(call)),
  'payment_intent.payment_failed': async (call) => void (await paid(call, { payment_method: 'pm_card_chargeDeclined' })),
  'payment_intent.requires_action': async (call) => void (await paid(call, { payment_method: 'pm_card_threeDSecure2Required', return_url: 'https://example.com/return' })),
  'payment_intent.amount_capturable_updated': async (call) => void (await paid(call, { capture_method: 'manual' })),
  'payment_intent.canceled': async (call) => {
    const intent = await call('POST', '/v1/payment_intents', AMOUNT);
    await call('POST', `/v1/payment_intents/${intent.id}/cancel`, {});
  },
  'refund.created': async (call) => {
    const intent = await paid(call);
    await call('POST', '/v1/refunds', { payment_intent: intent.id });
  },
  'refund.updated': async (call) => {
    const intent = await paid(call);
    const refund = await call('POST', '/v1/refunds', { payment_intent: intent.id });
    await call('POST', `/v1/refunds/${refund.id}`, { metadata: { triggered: 'refund.updated' } });
  },
  'refund.failed': async (call) => {
    // This test card's refunds fail when they settle (a background job, moments later).
    const intent = await paid(call, { payment_method: 'pm_card_refundFail' });
    await call('POST', '/v1/refunds', { payment_intent: intent.id });
  },
  'charge.refunded': async (call) => {
    const intent = await paid(call);
    await call('POST', '/v1/refunds', { payment_intent: intent.id });
  },
  'customer.created': async (call) => void (await call('POST', '/v1/customers', { name: 'Jenny Rosen', email: 'jenny.rosen@example.com' })),
  'customer.updated': async (call) => {
    const customer = await call('POST', '/v1/customers', { name: 'Jenny Rosen', email: 'jenny.rosen@example.com' });
    await call('POST', `/v1/customers/${customer.id}`, { metadata: { triggered: 'customer.updated' } });
  },
  'customer.deleted': async (call) => {
    const customer = await call('POST', '/v1/customers', { name: 'Jenny Rosen', email: 'jenny.rosen@example.com' });
    await call('DELETE', `/v1/customers/${customer.id}`);
  },
};

export function isTriggerable(type: string): type is keyof typeof TRIGGERS {
  return Object.hasOwn(TRIGGERS, type);
}

/** Catalogue types the CLI cannot cause yet (a hosted checkout's buyer, payouts, disputes, payment methods). */
export function untriggerable(): string[] {
  return EVENT_TYPES.filter((t) => !isTriggerable(t));
}

/** Runs the calls of one event type, printing each; a decline is the expected answer of payment_failed. */
export async function trigger(target: ApiTarget, type: keyof typeof TRIGGERS, out: (line: string) => void): Promise<void> {
  if (!target.apiKey.includes('_test_')) throw new ApiCallError(0, 'trigger makes objects in test mode only: use a test-mode key (sk_test_… or rk_test_…).', null);
  const call: Call = async (method, path, body) => {
    try {
      const made = await apiCall<{ id: string; status?: string }>(target, method, path, body);
      out(`Running fixture: ${method} ${path} -> ${made.id}${made.status ? ` (${made.status})` : ''}`);
      return made;
    } catch (error) {
      const declined = error instanceof ApiCallError && error.status === 402 ? (error.body as { error?: { payment_intent?: { id: string; status: string } } })?.error?.payment_intent : undefined;
      if (!declined) throw error;
      out(`Running fixture: ${method} ${path} -> ${declined.id} (declined: ${(error as Error).message})`);
      return declined;
    }
  };
  await TRIGGERS[type]!(call);
  out(`Trigger succeeded! Check the listener or Developers > Events for ${type}.`);
}
