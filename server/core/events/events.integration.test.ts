import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentError } from '../../../shared/errors.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { createCustomer } from '../customers/customers.service.js';
import { createPaymentIntent, getPaymentIntent } from '../payment-intents/payment-intents.service.js';
import { findPaymentAttempts } from '../payment-intents/payment-intents-queries.service.js';
import { decrypt } from '../shared/crypto.js';
import type { Actor } from '../shared/deps.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  getWebhookEndpointSecret,
  listWebhookEndpoints,
  updateWebhookEndpoint,
} from '../webhook-endpoints/webhook-endpoints.service.js';
import { getEvent, listEvents } from './events.service.js';

let t: TestDatabase;
let actor: Actor;

beforeAll(async () => {
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  actor = { merchantId: m.merchant.id, livemode: false, requestId: 'req_1', idempotencyKey: 'key-1' };
});
afterAll(async () => t?.drop());

describe('webhook endpoints and the outbox', () => {
  it('creates an endpoint with a whsec_ secret shown once and encrypted at rest', async () => {
    const we = await createWebhookEndpoint(t.deps, actor, { url: 'https://hooks.test/pf', enabled_events: ['payment_intent.succeeded'], metadata: { team: 'ops' } });
    expect(we).toMatchObject({ object: 'webhook_endpoint', url: 'https://hooks.test/pf', status: 'enabled', enabled_events: ['payment_intent.succeeded'], livemode: false });
    expect(we.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(we.secret.slice(6), 'base64')).toHaveLength(32);
    const read = await getWebhookEndpoint(t.deps, actor, we.id);
    expect(read).not.toHaveProperty('secret');
    const stored = await t.db.selectFrom('webhook_endpoints').select('secret_encrypted').where('id', '=', we.id).executeTakeFirstOrThrow();
    expect(stored.secret_encrypted).not.toContain(we.secret);
    expect(decrypt(t.deps.secret, stored.secret_encrypted)).toBe(we.secret);
    expect(await getWebhookEndpointSecret(t.deps, actor, we.id)).toBe(we.secret);
    const bad = await createWebhookEndpoint(t.deps, actor, { url: 'https://x.test', enabled_events: ['nope.event'] }).catch((e: PaymentError) => e);
    expect(bad).toMatchObject({ param: 'enabled_events[0]' });
  });

  it('writes delivery rows only for enabled endpoints of the same merchant and mode that subscribe', async () => {
    const all = await createWebhookEndpoint(t.deps, actor, { url: 'https://hooks.test/all', enabled_events: ['*'] });
    const custOnly = await createWebhookEndpoint(t.deps, actor, { url: 'https://hooks.test/c', enabled_events: ['customer.created'] });
    const disabled = await createWebhookEndpoint(t.deps, actor, { url: 'https://hooks.test/off', enabled_events: ['*'] });
    await updateWebhookEndpoint(t.deps, actor, disabled.id, { disabled: 'true' });
    await createWebhookEndpoint(t.deps, { ...actor, livemode: true }, { url: 'https://hooks.test/live', enabled_events: ['*'] });
    const gone = await createWebhookEndpoint(t.deps, actor, { url: 'https://hooks.test/gone', enabled_events: ['*'] });
    expect(await deleteWebhookEndpoint(t.deps, actor, gone.id)).toEqual({ id: gone.id, object: 'webhook_endpoint', deleted: true });

    const customer = await createCustomer(t.deps, actor, { email: 'hook@example.test' });
    const event = (await listEvents(t.deps, actor, { type: 'customer.created' })).data[0];
    expect(event.data.object.id).toBe(customer.id);
    const deliveries = await t.db.selectFrom('webhook_deliveries').select(['endpoint_id', 'status', 'merchant_id', 'livemode']).where('event_id', '=', event.id).execute();
    expect(deliveries.map((d) => d.endpoint_id).sort()).toEqual([all.id, custOnly.id].sort());
    expect(deliveries.every((d) => d.status === 'pending' && d.merchant_id === actor.merchantId && d.livemode === false)).toBe(true);
    expect((await getEvent(t.deps, actor, event.id)).pending_webhooks).toBe(2);

    const list = await listWebhookEndpoints(t.deps, actor, {});
    expect(list.data.map((w) => w.id)).not.toContain(gone.id);
  });

  it('events have Stripe shape, filter by type and wildcard, and stay in their scope', async () => {
    await createPaymentIntent(t.deps, actor, { amount: 1000, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    const events = await listEvents(t.deps, actor, { type: 'payment_intent.*' });
    expect(events.data.map((e) => e.type)).toEqual(['payment_intent.succeeded', 'payment_intent.created']);
    const e = events.data[0];
    expect(Object.keys(e).sort()).toEqual(['api_version', 'created', 'data', 'id', 'livemode', 'object', 'pending_webhooks', 'request', 'type']);
    expect(e).toMatchObject({ object: 'event', livemode: false, request: { id: 'req_1', idempotency_key: 'key-1' } });
    expect(e.id).toMatch(/^evt_/);
    expect(e.data.object).toMatchObject({ object: 'payment_intent', status: 'succeeded' });
    expect(e.data).not.toHaveProperty('previous_attributes');
    expect((await listEvents(t.deps, { ...actor, livemode: true }, {})).data).toHaveLength(0);
    expect(await getEvent(t.deps, { ...actor, livemode: true }, e.id).catch((x: PaymentError) => x.code)).toBe('resource_missing');
  });

  it('create with confirm=true records the card, the attempt, created then succeeded, and their outbox rows', async () => {
    const hook = await createWebhookEndpoint(t.deps, actor, { url: 'https://hooks.test/pi', enabled_events: ['payment_intent.created', 'payment_intent.succeeded'] });
    const pi = await createPaymentIntent(t.deps, actor, { amount: 1500, currency: 'usd', confirm: true, payment_method: 'pm_card_visa', metadata: { order_id: '7' } });
    expect(await getPaymentIntent(t.deps, actor, pi.id)).toEqual(pi);
    const events = await t.db.selectFrom('events').select(['id', 'type', 'data']).where('object_id', '=', pi.id).orderBy('created_at').orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['payment_intent.created', 'payment_intent.succeeded']);
    const { n } = await t.db.selectFrom('events').select((eb) => eb.fn.count<number>('created_at').distinct().as('n')).where('object_id', '=', pi.id).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(2);
    expect((events[0].data as { object: unknown }).object).toMatchObject({ id: pi.id, status: 'requires_payment_method', payment_method: null, amount_received: 0 });
    expect((events[1].data as { object: unknown }).object).toEqual(pi);
    const deliveries = await t.db.selectFrom('webhook_deliveries').select(['id', 'endpoint_id', 'event_id']).where('event_id', 'in', events.map((e) => e.id)).execute();
    // The earlier tests' endpoints (all events; payment_intent.succeeded) get theirs as well.
    expect(deliveries.filter((d) => d.endpoint_id === hook.id).map((d) => d.event_id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(deliveries).toHaveLength(5);
    expect(deliveries.every((d) => /^whd_[0-9A-Za-z]{24}$/.test(d.id))).toBe(true);
    expect(await findPaymentAttempts(t.deps, actor, pi.id)).toMatchObject([{ outcome: 'succeeded', payment_method: pi.payment_method, card: { last4: '4242', brand: 'visa' } }]);
    await deleteWebhookEndpoint(t.deps, actor, hook.id);
  });
});
