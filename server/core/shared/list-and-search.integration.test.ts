import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentError } from '../../../shared/errors.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import { createCustomer } from '../customers/customers.service.js';
import { createPaymentIntent } from '../payment-intents/payment-intents.service.js';
import { listPaymentIntents, searchPaymentIntents } from '../payment-intents/payment-intents-queries.service.js';
import { createRefund, searchRefunds } from '../refunds/refunds.service.js';
import type { Actor } from './deps.js';

let t: TestDatabase;
let actor: Actor;
const ids: string[] = []; // oldest first
const base = 1_700_000_000;

beforeAll(async () => {
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  actor = { merchantId: m.merchant.id, livemode: false };
  const customer = await createCustomer(t.deps, actor, { email: 'Buyer@Example.test' });
  for (let i = 0; i < 25; i++) {
    const pi = await createPaymentIntent(t.deps, actor, {
      amount: 1000 + i * 100,
      currency: i % 5 === 0 ? 'eur' : 'usd',
      description: i % 3 === 0 ? `Order 100% wool #${i}` : undefined,
      metadata: { order_id: `ord_${i}` },
      receipt_email: i === 7 ? 'receipt-only@mail.test' : undefined,
      customer: i === 4 ? customer.id : undefined,
      ...(i % 2 === 0 ? { confirm: true, payment_method: 'pm_card_visa' } : {}),
    });
    ids.push(pi.id);
    // One intent per minute; intents 10 and 11 share a second so ties are broken by id.
    const at = base + (i === 11 ? 10 : i) * 60;
    await sql`update payment_intents set created_at = to_timestamp(${at}) + interval '1 microsecond' * ${i} where id = ${pi.id}`.execute(t.db);
  }
  await createRefund(t.deps, actor, { payment_intent: ids[2], amount: 100 });
  // Another mode and merchant must never show up.
  await createPaymentIntent(t.deps, { ...actor, livemode: true }, { amount: 5000, currency: 'usd' });
  const other = await createTestMerchant(t.db);
  await createPaymentIntent(t.deps, { merchantId: other.merchant.id, livemode: false }, { amount: 5000, currency: 'usd' });
});
afterAll(async () => t?.drop());

const newestFirst = () => [...ids].reverse();

describe('keyset pagination', () => {
  it('pages forwards and backwards over the same order, without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await listPaymentIntents(t.deps, actor, { limit: '7', ...(after ? { starting_after: after } : {}) });
      seen.push(...page.data.map((p) => p.id));
      if (!page.has_more) break;
      after = page.data[page.data.length - 1].id;
    }
    expect(seen).toEqual(newestFirst());
    const back = await listPaymentIntents(t.deps, actor, { limit: 5, ending_before: seen[12] });
    expect(back.data.map((p) => p.id)).toEqual(seen.slice(7, 12));
    expect(back.has_more).toBe(true);
    const top = await listPaymentIntents(t.deps, actor, { limit: 5, ending_before: seen[3] });
    expect(top.data.map((p) => p.id)).toEqual(seen.slice(0, 3));
    expect(top.has_more).toBe(false);
  });

  it('filters by created (exact second and ranges)', async () => {
    const range = await listPaymentIntents(t.deps, actor, { limit: 100, created: { gte: String(base + 5 * 60), lt: base + 8 * 60 } });
    expect(range.data.map((p) => p.id)).toEqual([ids[7], ids[6], ids[5]]);
    const gt = await listPaymentIntents(t.deps, actor, { limit: 100, created: { gt: base + 22 * 60 } });
    expect(gt.data.map((p) => p.id)).toEqual([ids[24], ids[23]]);
    const lte = await listPaymentIntents(t.deps, actor, { limit: 100, created: { lte: base + 60 } });
    expect(lte.data.map((p) => p.id)).toEqual([ids[1], ids[0]]);
    const exact = await listPaymentIntents(t.deps, actor, { limit: 100, created: base + 600 });
    expect(exact.data.map((p) => p.id).sort()).toEqual([ids[10], ids[11]].sort());
    const paged = await listPaymentIntents(t.deps, actor, { limit: 1, created: { gte: base + 600, lte: base + 600 } });
    const second = await listPaymentIntents(t.deps, actor, { limit: 1, created: { gte: base + 600, lte: base + 600 }, starting_after: paged.data[0].id });
    expect([paged.data[0].id, second.data[0].id].sort()).toEqual([ids[10], ids[11]].sort());
    expect(second.has_more).toBe(false);
  });

  it('rejects unknown cursors and limits out of range', async () => {
    const missing = await listPaymentIntents(t.deps, actor, { starting_after: 'pi_nope' }).catch((e: PaymentError) => e);
    expect(missing).toMatchObject({ code: 'resource_missing', param: 'starting_after' });
    const limit = await listPaymentIntents(t.deps, actor, { limit: 101 }).catch((e: PaymentError) => e);
    expect(limit).toMatchObject({ param: 'limit' });
  });
});

describe('search', () => {
  const search = async (query: string, limit = 100) => (await searchPaymentIntents(t.deps, actor, { query, limit })).data.map((p) => p.id);
  const idsWhere = (f: (i: number) => boolean) => newestFirst().filter((id) => f(ids.indexOf(id)));

  it('compiles each operator', async () => {
    expect(await search('amount>3000')).toEqual(idsWhere((i) => 1000 + i * 100 > 3000));
    expect(await search('amount>=3000')).toEqual(idsWhere((i) => 1000 + i * 100 >= 3000));
    expect(await search('amount<1300')).toEqual(idsWhere((i) => 1000 + i * 100 < 1300));
    expect(await search('amount<=1300')).toEqual(idsWhere((i) => 1000 + i * 100 <= 1300));
    expect(await search('amount:1500')).toEqual([ids[5]]);
    expect(await search('currency:"EUR"')).toEqual(idsWhere((i) => i % 5 === 0));
    expect(await search('status:"succeeded"')).toEqual(idsWhere((i) => i % 2 === 0));
    expect(await search(`created<${base + 120}`)).toEqual([ids[1], ids[0]]);
    expect(await search(`created:${base + 60}`)).toEqual([ids[1]]);
  });

  it('matches metadata, substrings (with literal %), email of customer or receipt, negation and OR', async () => {
    expect(await search('metadata["order_id"]:"ord_3"')).toEqual([ids[3]]);
    expect(await search('description~"100% wool"')).toEqual(idsWhere((i) => i % 3 === 0));
    expect(await search('description~"00% w"')).toEqual(idsWhere((i) => i % 3 === 0));
    expect(await search('description~"0_w"')).toEqual([]);
    expect(await search('email~"buyer@exa"')).toEqual([ids[4]]);
    expect(await search('email:"receipt-only@mail.test"')).toEqual([ids[7]]);
    expect(await search('-status:"succeeded"')).toEqual(idsWhere((i) => i % 2 === 1));
    expect(await search('-description~"wool"')).toEqual(idsWhere((i) => i % 3 !== 0));
    expect(await search('amount:1000 OR amount:1100')).toEqual([ids[1], ids[0]]);
    expect(await search('status:"succeeded" AND currency:"eur"')).toEqual(idsWhere((i) => i % 10 === 0));
    expect(await search('refunded:true')).toEqual([ids[2]]);
    expect(await search('last4:"4242"')).toEqual(idsWhere((i) => i % 2 === 0));
    expect(await search('customer:null AND amount<1600')).toEqual(idsWhere((i) => i !== 4 && i < 6));
    expect((await searchRefunds(t.deps, actor, { query: `payment_intent:"${ids[2]}"` })).data).toHaveLength(1);
  });

  it('pages with an opaque next_page token', async () => {
    const first = await searchPaymentIntents(t.deps, actor, { query: 'amount>0', limit: 10 });
    expect(first).toMatchObject({ object: 'search_result', has_more: true, url: '/v1/payment_intents/search' });
    const second = await searchPaymentIntents(t.deps, actor, { query: 'amount>0', limit: 10, page: first.next_page! });
    const third = await searchPaymentIntents(t.deps, actor, { query: 'amount>0', limit: 10, page: second.next_page! });
    expect(third).toMatchObject({ has_more: false, next_page: null });
    expect([...first.data, ...second.data, ...third.data].map((p) => p.id)).toEqual(newestFirst());
    const bad = await searchPaymentIntents(t.deps, actor, { query: 'amount>0', page: 'garbage' }).catch((e: PaymentError) => e);
    expect(bad).toMatchObject({ param: 'page' });
  });
});
