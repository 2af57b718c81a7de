/**
 * Issue 16, item 3 (query side): every query the payment core runs on a tenant table filters by merchant_id,
 * so Citus can route it to one shard. The core's usual operations run on a database whose executor records
 * each statement; each recorded statement is then planned with EXPLAIN (GENERIC_PLAN) and every scan of a
 * tenant table must carry a merchant_id condition (its own index or filter condition, or the join above it).
 * Statements that are multi-shard by design are listed in ALLOWED with the reason.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../core/customers/customers.service.js';
import { createPaymentIntent, getPaymentIntent } from '../core/payment-intents/payment-intents.service.js';
import { createRefund } from '../core/refunds/refunds.service.js';
import { createWebhookEndpoint } from '../core/webhook-endpoints/webhook-endpoints.service.js';
import type { CoreDeps } from '../core/shared/deps.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../test/db.js';
import { createPool, type Db } from './database.js';
import { GLOBAL_TABLES } from './distribution.js';
import type { Database } from './schema.js';
import { callerFor } from '../trpc/routers/payments.fixtures.js';

/** Text a statement must contain to be allowed to scan tenant tables without merchant_id, and why. */
const ALLOWED: Array<{ contains: string; reason: string }> = [
  { contains: 'graphile_worker', reason: 'the job queue lives on the coordinator' },
];

let t: TestDatabase;
let recording: Db;
const statements = new Set<string>();

beforeAll(async () => {
  t = await createTestDatabase();
  recording = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: createPool(t.url, 10) }),
    log: (event) => { if (event.level === 'query') statements.add(event.query.sql); },
  });
});
afterAll(async () => {
  await recording?.destroy();
  await t?.drop();
});

interface PlanNode { 'Node Type': string; 'Relation Name'?: string; Alias?: string; Plans?: PlanNode[]; [key: string]: unknown }

const CONDITIONS = ['Index Cond', 'Filter', 'Recheck Cond', 'Hash Cond', 'Merge Cond', 'Join Filter', 'TID Cond'];

/** Tenant relations scanned in this plan without a merchant_id condition on the scan or any join above it. */
function unfiltered(node: PlanNode, tenant: (table: string) => boolean, above: string[] = []): string[] {
  const own = CONDITIONS.map((c) => node[c]).filter((v): v is string => typeof v === 'string');
  // Only join conditions pass down: a child scan is filtered by its own conditions or a join's.
  const context = node['Node Type'].includes('Join') || node['Node Type'] === 'Nested Loop' ? [...above, ...own] : above;
  const here: string[] = [];
  const relation = node['Relation Name'];
  // ModifyTable names the written table; the rows it changes come from the scans below it (inserts scan nothing).
  if (relation && tenant(relation) && node['Node Type'] !== 'ModifyTable') {
    const alias = node.Alias ?? relation;
    const mentions = own.some((c) => /\bmerchant_id\b/.test(c)) || above.some((c) => c.includes(`${alias}.merchant_id`));
    if (!mentions) here.push(`${relation}${alias !== relation ? ` as ${alias}` : ''}`);
  }
  return [...here, ...(node.Plans ?? []).flatMap((child) => unfiltered(child, tenant, context))];
}

describe('tenant queries filter by merchant_id', () => {
  it("the core's usual operations plan every tenant scan with a merchant_id condition", async () => {
    const deps: CoreDeps = { ...t.deps, db: recording };
    const m = await createTestMerchant(t.db);
    const actor = { merchantId: m.merchant.id, livemode: false, userId: m.user.id };
    await createWebhookEndpoint(deps, actor, { url: 'http://127.0.0.1:9/hook', enabled_events: ['*'] });
    const customer = await createCustomer(deps, actor, { name: 'Plan Check', email: 'plan@example.test' });
    const intent = await createPaymentIntent(deps, actor, { amount: 4200, currency: 'usd', confirm: true, payment_method: 'pm_card_visa', customer: customer.id });
    await getPaymentIntent(deps, actor, intent.id);
    await createRefund(deps, actor, { payment_intent: intent.id, amount: 1000 });
    const owner = await callerFor({ ...t, deps, db: t.db }, m.user.id, m.merchant.id);
    await owner.payments.list({});
    await owner.payments.list({ q: 'status:"succeeded" AND amount>1000' });
    await owner.payments.get({ id: intent.id });
    await owner.refunds.list({});
    await owner.customers.list({});
    expect(statements.size).toBeGreaterThan(5);

    const tables = (await sql<{ name: string; tenant: boolean }>`
      select c.relname as name, exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'merchant_id') as tenant
      from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r'`.execute(t.db)).rows;
    const tenantNames = new Set(tables.filter((x) => x.tenant && !GLOBAL_TABLES[x.name]).map((x) => x.name));
    const problems: string[] = [];
    for (const text of statements) {
      if (ALLOWED.some((a) => text.includes(a.contains)) || /^\s*explain\b/i.test(text)) continue;
      if (![...tenantNames].some((name) => new RegExp(`"?\\b${name}\\b"?`).test(text))) continue;
      // Writes are planned inside a rolled-back transaction so nothing changes.
      const plan = await t.db.transaction().execute(async (tx) => {
        const { rows } = await sql<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>`explain (generic_plan, format json) ${sql.raw(text)}`.execute(tx);
        return rows[0]['QUERY PLAN'][0].Plan;
      }).catch((error: Error) => { problems.push(`could not plan: ${error.message}: ${text.slice(0, 200)}`); return null; });
      if (!plan) continue;
      const missing = unfiltered(plan, (name) => tenantNames.has(name));
      if (missing.length) problems.push(`${missing.join(', ')} scanned without merchant_id in: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
    }
    expect(problems).toEqual([]);
  });

  it('the check catches a tenant query without merchant_id (the hosted checkout lookup by id alone, allowed by design)', async () => {
    const { rows } = await sql<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>`explain (generic_plan, format json) select * from payment_intents where id = $1`.execute(t.db);
    expect(unfiltered(rows[0]['QUERY PLAN'][0].Plan, (name) => name === 'payment_intents')).toEqual(['payment_intents']);
    const joined = await sql<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>`explain (generic_plan, format json)
      select r.id from refunds r join payment_intents pi on pi.id = r.payment_intent_id where r.merchant_id = $1`.execute(t.db);
    expect(unfiltered(joined.rows[0]['QUERY PLAN'][0].Plan, (name) => name === 'payment_intents' || name === 'refunds')).toEqual(['payment_intents as pi']);
  });
});
