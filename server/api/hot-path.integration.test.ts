import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CoreDeps } from '../core/shared/deps.js';
import { parseParams as parseInService } from '../core/shared/params.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';
import { createPaymentIntentParams } from '../../shared/contracts/payment-intents.js';
import { parseForm } from './form.js';
// The edge and the services use the one mapper (core/shared/params.ts); the edge passes coerce for form bodies.
import { parseParams as parseAtEdge } from '../core/shared/params.js';
import { apiClient } from './test-client.js';

/**
 * The per-request work of the API's write path (issue 8 item 13; bench/api.ts measures it). These check the
 * shape of that work, not its speed: how many statements a call sends and how many the query builder compiles.
 */

let database: TestDatabase;
let server: TestServer;
let call: ReturnType<typeof apiClient>;
const seen = { compiled: 0, executed: 0 };

beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  database = await createTestDatabase();
  const merchant = await createTestMerchant(database.db);
  // transformQuery runs for each query Kysely compiles from its builder or `sql` templates; transformResult
  // for every statement executed, including text run as is.
  const counting: KyselyPlugin = {
    transformQuery: (args) => {
      seen.compiled++;
      return args.node;
    },
    transformResult: async (args) => {
      seen.executed++;
      return args.result;
    },
  };
  const deps: CoreDeps = { ...database.deps, db: database.db.withPlugin(counting) };
  server = await startTestServer(deps);
  call = apiClient(server.baseUrl, merchant.keys.test.secret);
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

async function counted<T>(work: () => Promise<T>) {
  seen.compiled = 0;
  seen.executed = 0;
  const result = await work();
  return { result, ...seen };
}

describe('create+confirm', () => {
  it('makes two round trips, neither compiled by the query builder', async () => {
    const { result, compiled, executed } = await counted(() =>
      call('POST', '/payment_intents', { params: { amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, metadata: { order_id: '1' } } }),
    );
    expect(result.status).toBe(200);
    expect(result.body.status).toBe('succeeded');
    // One statement authenticates and takes the rate-limit token; one writes card, intent, attempt, events, outbox.
    expect(executed).toBe(2);
    expect(compiled).toBe(0);
    const events = await call('GET', '/events', { params: { limit: 3 } });
    expect(events.body.data.map((e: { type: string }) => e.type).slice(0, 2)).toEqual(['payment_intent.succeeded', 'payment_intent.created']);
    expect(events.body.data[0].data.object.id).toBe(result.body.id);
  });

  it('confirms an existing intent through the same text-built transition', async () => {
    const created = await call('POST', '/payment_intents', { params: { amount: 1500, currency: 'eur', payment_method_types: ['card'] } });
    expect(created.body.status).toBe('requires_payment_method');
    const confirmed = await call('POST', `/payment_intents/${created.body.id}/confirm`, { params: { payment_method: 'pm_card_visa' } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ id: created.body.id, status: 'succeeded', amount_received: 1500 });
    const again = await call('POST', `/payment_intents/${created.body.id}/confirm`, { params: { payment_method: 'pm_card_visa' } });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('payment_intent_unexpected_state');
  });

  it('answers JSON with its length', async () => {
    const response = await fetch(`${server.baseUrl}/v1/payment_intents`, { method: 'POST', headers: { authorization: 'Bearer sk_test_nope' } });
    const text = await response.text();
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text).error.type).toBe('authentication_error');
  });
});

describe('parameters', () => {
  it('are validated once per contract: the service does not parse again what the edge parsed', () => {
    let runs = 0;
    const contract = z.object({ amount: z.number().int().transform((n) => (runs++, n)) });
    const parsed = parseAtEdge(contract, { amount: '12' }, { coerce: true });
    expect(parseInService(contract, parsed)).toBe(parsed);
    expect(runs).toBe(1);
    // Anything else is still validated.
    expect(() => parseInService(contract, { amount: 'x' })).toThrow(/amount/);
    expect(parseInService(contract, { amount: 3 })).toEqual({ amount: 3 });
    expect(runs).toBe(2);
    // The same object under another contract is parsed by that contract.
    expect(() => parseInService(z.object({ other: z.string() }), parsed)).toThrow();
  });

  it('of a create+confirm are coerced without trying union alternatives that cannot match', () => {
    // Each refused trial parse builds a ZodError; zod reports every issue it makes to the configured map.
    let issues = 0;
    z.config({ customError: () => void issues++ });
    try {
      // What zod's own union handling costs on the already-typed parameters (metadata's `'' | null` branch).
      createPaymentIntentParams.parse({ amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, metadata: { order_id: 'bench' } });
      const zodAlone = issues;
      issues = 0;
      const body = 'amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true&metadata[order_id]=bench';
      expect(parseAtEdge(createPaymentIntentParams, parseForm(body), { coerce: true })).toMatchObject({ amount: 2000, confirm: true, metadata: { order_id: 'bench' } });
      expect(issues).toBe(zodAlone);
      // Alternatives are still tried where the type fits: '' clears metadata, a number becomes a string.
      expect(parseAtEdge(createPaymentIntentParams, { amount: '50', currency: 'usd', metadata: '' }, { coerce: true }).metadata).toBeNull();
    } finally {
      z.config({ customError: undefined });
    }
  });
});
