/**
 * Issue 8 item 12: every shape of the search language runs on an index or a bounded walk, never a
 * sequential scan of payment_intents. The plans are EXPLAINed on a seeded merchant (20,000 payments with
 * customers, receipt emails, descriptions and refunds) with the planner's default settings; the results
 * must equal those of the same search with index scans switched off. (Customers' plans are printed by
 * bench/search.ts on 20,000 customers; with this file's 1,000 the planner rightly reads them in sequence.)
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDashboardVariety, withoutIndexes } from '../../../bench/dashboard-lists.js';
import { capturePlans, pickSearchValues, searchShapes, type CapturedPlan, type SearchShape, type SearchValues } from '../../../bench/search-plans.js';
import { seedBulkPayments } from '../../seed/bulk.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { searchCustomers } from '../customers/customers.service.js';
import { findPayments } from '../dashboard/payments.service.js';
import { searchPaymentIntents } from '../payment-intents/payment-intents-queries.service.js';
import type { CoreDeps, Scope } from './deps.js';
import { SEARCH_WALK_ROWS } from './keyset.repository.js';

const PAYMENTS = 20_000;

let t: TestDatabase;
let scope: Scope;
let values: SearchValues;

beforeAll(async () => {
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  scope = { merchantId: m.merchant.id, livemode: false };
  await seedBulkPayments(t.deps, scope.merchantId, false, PAYMENTS, () => {});
  await addDashboardVariety(t.db, scope.merchantId, 1000);
  values = await pickSearchValues(t.db, scope.merchantId);
}, 300_000);
afterAll(async () => { await t?.drop(); });

function rest(shape: SearchShape, deps: CoreDeps, page?: string) {
  const params = { query: shape.query, limit: 10, page };
  return shape.resource === 'customers' ? searchCustomers(deps, scope, params) : searchPaymentIntents(deps, scope, params);
}

/** The index each selective shape must use (any walk or index is fine for the others). */
const INTENDED: Record<string, RegExp> = {
  'status (none)': /payment_intents_status_idx/,
  'amount > (none)': /payment_intents_(currency_)?amount_idx/,
  'customer': /payment_intents_customer_idx/,
  'customer (none)': /payment_intents_customer_idx/,
  'metadata value': /payment_intents_metadata_idx/,
  'metadata value (none)': /payment_intents_metadata_idx/,
  'metadata other key (none)': /payment_intents_metadata_idx/,
  'last4 (none)': /payment_intents_last4_idx/,
  'currency AND amount (none)': /payment_intents_currency_amount_idx/,
  'OR of rare fields': /payment_intents_status_idx.*payment_intents_customer_idx|payment_intents_customer_idx.*payment_intents_status_idx/,
  'email exact': /payment_intents_receipt_email_trgm_idx.*payment_intents_customer_idx/,
  'email substring (none)': /payment_intents_receipt_email_trgm_idx/,
  'description substring (rare)': /payment_intents_description_trgm_idx/,
  'description substring (none)': /payment_intents_description_trgm_idx/,
};

/** A walk: a LIMITed index-only range of the list index (its end), then the page inside that range. */
function isBoundedWalk(plans: CapturedPlan[], table: string): boolean {
  const ends = plans.filter((p) => /\boffset\b/i.test(p.sql));
  return ends.length > 0 && ends.every((p) => p.limited && p.scans.every((s) => s === `Index Only Scan ${table}_list_idx`));
}

describe('search plans on a seeded merchant', () => {
  it('covers every field of every searchable resource', () => {
    const shapes = searchShapes(values);
    const fields = (resource: string) => new Set(shapes.filter((s) => s.resource === resource).flatMap((s) => [...s.query.matchAll(/-?([a-z_0-9]+)(?:\[[^\]]*\])?\s*[:~<>]/g)].map((m) => m[1])));
    expect([...fields('payment_intents')].sort()).toEqual(['amount', 'created', 'currency', 'customer', 'description', 'email', 'last4', 'metadata', 'refunded', 'status']);
    expect([...fields('customers')].sort()).toEqual(['created', 'email', 'metadata', 'name', 'phone']);
  });

  for (const shape of searchShapes({ customerId: 'cus_x', customerEmail: 'x@y.example', emailDomain: 'y.example', orderId: 'ORD-1', amount: 1, newest: 0 })) {
    it(`${shape.resource} ${shape.name}: no sequential scan of payment_intents, same rows as a sequential scan`, async () => {
      const real = searchShapes(values).find((s) => s.name === shape.name)!;
      const table = real.resource;
      const runs: [string, (deps: CoreDeps) => Promise<{ ids: string[] }>][] = [
        ['api', async (deps) => ({ ids: (await rest(real, deps)).data.map((r) => r.id) })],
      ];
      if (table === 'payment_intents') runs.push(['dashboard', async (deps) => ({ ids: (await findPayments(deps, scope, 'UTC', { q: real.query })).items.map((i) => i.id) })]);
      for (const [via, run] of runs) {
        const plans = await capturePlans(t.deps, run);
        const scans = plans.flatMap((p) => p.scans);
        const where = `${via}: ${real.query} -> ${scans.join(' | ')}`;
        expect(scans, where).not.toContain('Seq Scan payment_intents');
        // The page itself: the last query of the resource's table that is not a walk's end.
        const page = plans.filter((p) => p.sql.includes(`"${table}"`) && !/\boffset\b/i.test(p.sql)).at(-1)!;
        expect(page.limited, where).toBe(true);
        // A merchant's few thousand customers may well be read sequentially; payments never are.
        if (table === 'payment_intents') {
          if (INTENDED[real.name]) expect(scans.join(' | '), where).toMatch(INTENDED[real.name]!);
          else expect(isBoundedWalk(plans, table) || page.scans.some((s) => s.includes(`${table}_`)), where).toBe(true);
        }
        const indexed = await run(t.deps);
        const sequential = await withoutIndexes(t.deps, run);
        expect(indexed.ids, where).toEqual(sequential.ids);
      }
    });
  }

  it('walks negations a bounded number of rows per page and goes on from where it stopped', async () => {
    // One payment the negations match, older than every seeded one: only the last walk reaches it.
    await sql`insert into payment_intents (id, merchant_id, livemode, amount, currency, status, client_secret, created_at, expires_at)
      values ('pi_chfOldest000000000000001', ${scope.merchantId}, false, 5000, 'chf', 'succeeded', 'pi_chfOldest000000000000001_secret_x',
              now() - interval '400 days', now() - interval '400 days')`.execute(t.db);
    const shape: SearchShape = { name: 'no usual currency', resource: 'payment_intents', query: '-currency:"usd" AND -currency:"eur" AND -currency:"gbp" AND -currency:"jpy"', class: 'substring' };
    const first = await rest(shape, t.deps);
    const plans = await capturePlans(t.deps, (d) => rest(shape, d));
    expect(isBoundedWalk(plans, 'payment_intents')).toBe(true);
    expect(first).toMatchObject({ data: [], has_more: true });
    expect(first.next_page).toEqual(expect.any(String));
    let page = first;
    let pages = 1;
    while (page.has_more) {
      page = await rest(shape, t.deps, page.next_page!);
      pages += 1;
    }
    expect(page.data.map((r) => r.id)).toEqual(['pi_chfOldest000000000000001']);
    expect(pages).toBe(Math.ceil((PAYMENTS + 1) / SEARCH_WALK_ROWS));
    // The dashboard walks the same way and offers the next page.
    const dashboard = await findPayments(t.deps, scope, 'UTC', { q: shape.query });
    expect(dashboard.items).toEqual([]);
    expect(dashboard.nextCursor).toEqual(expect.any(String));
  });
});
