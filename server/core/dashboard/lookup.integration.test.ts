import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.js';
import { seedBulkPayments } from '../../seed/bulk.js';
import { createTestDatabase, createTestMerchant, type TestDatabase } from '../../test/db.js';
import type { CoreDeps, Scope } from '../shared/deps.js';
import { resolveLookup } from './lookup.service.js';

/**
 * The palette's lookups read through indexes (trigram for parts of names and emails, btree for last 4 and
 * ids) on a merchant with tens of thousands of customers and payments: the plans are checked with EXPLAIN,
 * which fails on a sequential scan of customers or payment_intents.
 */

let t: TestDatabase;
let scope: Scope;
let logged: Kysely<Database>;
let captured: CompiledQuery[] = [];
let loggingDeps: CoreDeps;
const CUSTOMERS = 40_000;

beforeAll(async () => {
  t = await createTestDatabase();
  const m = await createTestMerchant(t.db);
  const other = await createTestMerchant(t.db);
  scope = { merchantId: m.merchant.id, livemode: false };
  await seedBulkPayments(t.deps, m.merchant.id, false, 10_000, () => {});
  for (const merchantId of [m.merchant.id, other.merchant.id]) {
    await sql`
      insert into customers (id, merchant_id, livemode, email, name, created_at)
      select 'cus_lk' || ${merchantId.slice(-6)} || g, ${merchantId}, false,
             'shopper' || g || '@' || (array['northwind','contoso','fabrikam','tailspin'])[1 + g % 4] || '.example',
             (array['Jordan','Priya','Mateo','Amara','Noah','Yuki','Lena','Omar'])[1 + g % 8] || ' ' || (array['Smith','Garcia','Chen','Okafor','Novak','Haddad'])[1 + g % 6] || ' ' || g,
             now() - (g || ' minutes')::interval
      from generate_series(1, ${CUSTOMERS}) g`.execute(t.db);
  }
  await sql`insert into customers (id, merchant_id, livemode, email, name) values ('cus_levi0000000000000000001', ${m.merchant.id}, false, 'l.moreno@harbour.example', 'Levi Moreno')`.execute(t.db);
  await sql`analyze customers, payment_intents`.execute(t.db);
  logged = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 4 }) }),
    log: (event) => {
      if (event.level === 'query') captured.push(event.query);
    },
  });
  loggingDeps = { ...t.deps, db: logged };
}, 180_000);
afterAll(async () => {
  await logged?.destroy();
  await t?.drop();
});

interface PlanNode { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] }

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** Every statement the lookup ran, explained with its parameters. */
async function plansOf(text: string): Promise<{ sql: string; nodes: PlanNode[] }[]> {
  captured = [];
  await resolveLookup(loggingDeps, scope, text);
  const out = [];
  for (const query of captured) {
    const { rows } = await t.db.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>({ ...query, sql: `explain (format json) ${query.sql}`, query: query.query } as CompiledQuery);
    out.push({ sql: query.sql, nodes: nodes(rows[0]!['QUERY PLAN'][0].Plan) });
  }
  return out;
}

describe('palette lookups on a large merchant', () => {
  it('finds a name or part of an email among tens of thousands of customers', async () => {
    expect((await resolveLookup(t.deps, scope, 'levi')).map((r) => r.id)).toEqual(['cus_levi0000000000000000001']);
    expect((await resolveLookup(t.deps, scope, 'moreno@harb')).map((r) => r.id)).toEqual(['cus_levi0000000000000000001']);
    expect(await resolveLookup(t.deps, scope, 'shopper39999@')).toHaveLength(1);
    expect((await resolveLookup(t.deps, scope, 'okafor')).filter((r) => r.type === 'customer')).toHaveLength(5);
  });

  for (const text of ['levi', 'LEVI MORENO', 'moreno@harbour', 'zzqx-nothing', 'shopper123', '4242', '0000', 'cus_levi0000000000000000001', 'pi_doesNotExist0000000000000']) {
    it(`"${text}" reads customers and payments through indexes`, async () => {
      const plans = await plansOf(text);
      expect(plans.length, 'the lookup ran queries').toBeGreaterThan(0);
      for (const plan of plans) {
        const seq = plan.nodes.filter((n) => n['Node Type'] === 'Seq Scan' && ['customers', 'payment_intents', 'refunds'].includes(n['Relation Name'] ?? ''));
        expect(seq.map((n) => n['Relation Name']), plan.sql).toEqual([]);
        const tables = plan.nodes.filter((n) => n['Relation Name']).map((n) => `${n['Node Type']} ${n['Relation Name']} ${n['Index Name'] ?? ''}`);
        expect(tables.length, plan.sql).toBeGreaterThan(0);
        // Nor a walk of the merchant's whole customer list filtered row by row.
        expect(tables.filter((n) => n.includes('customers_list_idx')), plan.sql).toEqual([]);
        if (plan.sql.includes("lower(coalesce(email, '') || ' ' || coalesce(name, ''))")) {
          expect(plan.nodes.map((n) => n['Index Name']), plan.sql).toContain('customers_lookup_trgm_idx');
        }
      }
    });
  }
});
