import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStripePython } from './stripe-python/find-python.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';

/**
 * The official stripe-python library (Debian's python3-stripe, installed by `npm test` where missing) against a
 * real PaymentFlow server: the flows a Python integration makes, with its `confirm=True` booleans and
 * `expand[0]=…` / `payment_method_types[0]=card` lists.
 */

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'stripe-python', 'flows.py');

const python = findStripePython();
if (!python) {
  console.warn('stripe-python suite skipped: no python3 can `import stripe`. Install it with `apt-get install -y python3-stripe` (npm test does this where apt is available).');
}

let database: TestDatabase;
let server: TestServer;
let secret: string;

function runFlows(tag: string): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(python!, [script, `${server.baseUrl}`, secret, tag], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`python flows failed: ${error.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()!));
      } catch {
        reject(new Error(`python flows printed no JSON:\n${stdout}\n${stderr}`));
      }
    });
  });
}

describe.skipIf(!python)('official stripe-python against PaymentFlow', () => {
  beforeAll(async () => {
    process.env.RATE_LIMIT_TEST = '10000';
    process.env.RATE_LIMIT_LIVE = '10000';
    database = await createTestDatabase();
    const merchant = await createTestMerchant(database.db);
    secret = merchant.keys.test.secret;
    server = await startTestServer(database.deps);
  });

  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('creates a customer, creates and confirms with pm_card_visa, retrieves with expand, lists, refunds', async () => {
    const out = await runFlows(`py-${Date.now()}`);
    expect(out.customer).toMatchObject({ object: 'customer', email: 'python.user@example.test', name: 'Python User' });

    // confirm=True and payment_method_types[0]=card were understood.
    expect(out.created).toMatchObject({ object: 'payment_intent', status: 'succeeded', amount_received: 2000, customer: out.customer.id, payment_method_types: ['card'] });
    expect(out.authorized.status).toBe('requires_capture');
    expect(out.captured).toMatchObject({ status: 'succeeded', amount_received: 1000 });

    // expand[0]=customer&expand[1]=payment_method&expand[2]=latest_charge
    expect(out.retrieved.customer).toMatchObject({ id: out.customer.id, object: 'customer' });
    expect(out.retrieved.payment_method).toMatchObject({ object: 'payment_method', card: { last4: '4242', brand: 'visa' } });
    expect(out.retrieved.latest_charge).toMatchObject({ object: 'charge', payment_intent: out.retrieved.id, status: 'succeeded' });

    expect(out.listed).toMatchObject({ object: 'list', has_more: false });
    expect(out.listed.data.map((pi: { id: string }) => pi.id)).toEqual([out.created.id]);
    expect(out.listed.data[0].customer).toMatchObject({ id: out.customer.id, object: 'customer' });
    expect(out.all_ids).toEqual(expect.arrayContaining([out.created.id, out.authorized.id]));
    expect(new Set(out.all_ids).size).toBe(out.all_ids.length);

    expect(out.refund).toMatchObject({ object: 'refund', amount: 500, payment_intent: out.created.id, customer: out.customer.id, reason: 'requested_by_customer' });
    expect(out.refund_rest).toMatchObject({ amount: 1500, payment_intent: { id: out.created.id, object: 'payment_intent', amount_refunded: 2000 } });
    expect(out.refunds.data.map((r: { id: string }) => r.id).sort()).toEqual([out.refund.id, out.refund_rest.id].sort());

    expect(out.decline).toMatchObject({ code: 'card_declined', http_status: 402, decline_code: 'generic_decline' });
    expect(out.bad_expand).toMatchObject({ http_status: 400, message: 'This property cannot be expanded (nonsense).' });

    // Checkout sessions: nested line_items[0][price_data][product_data][name] in Python's form encoding.
    expect(out.session).toMatchObject({ object: 'checkout.session', status: 'open', currency: 'jpy', amount_total: 2880, client_reference_id: out.session.metadata.tag });
    expect(out.session.url).toContain(`/checkout/${out.session.id}`);
    expect(out.session_items.data.map((i: { description: string; quantity: number; amount_total: number }) => [i.description, i.quantity, i.amount_total])).toEqual([
      ['Sencha', 2, 2400],
      ['Mochi', 1, 480],
    ]);
    expect(out.session_listed.data.map((s: { id: string }) => s.id)).toEqual([out.session.id]);
    expect(out.session_expired).toMatchObject({ id: out.session.id, status: 'expired', url: null });

    // stripe.upload_api_base points File.create at this server; the evidence names the upload.
    expect(out.file).toMatchObject({ object: 'file', purpose: 'dispute_evidence', filename: 'receipt.pdf', type: 'pdf', size: 50 });
    expect(out.dispute_with_file).toMatchObject({ object: 'dispute', status: 'won', evidence: { receipt: out.file.id } });
    expect(out.bad_file).toEqual({ http_status: 400, param: 'file' });
  });
});
