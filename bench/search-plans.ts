/**
 * The fixed mix of search shapes (issue 8 item 12) and the plan capture shared by bench/search.ts and
 * server/core/shared/search-plans.integration.test.ts: every field and operator of the search language,
 * negation, AND/OR, metadata keys and null checks, each also in a form that matches nothing.
 */
import { CompiledQuery, createQueryId, sql, type KyselyPlugin, type QueryId, type RootOperationNode } from 'kysely';
import type { CoreDeps } from '../server/core/shared/deps.js';
import type { Db, Executor } from '../server/db/database.js';

export interface SearchValues {
  customerId: string;
  customerEmail: string;
  /** The domain of customerEmail's address, e.g. "shop17.example". */
  emailDomain: string;
  orderId: string;
  /** An amount some usd payments have. */
  amount: number;
  /** Epoch seconds of the newest payment. */
  newest: number;
}

export async function pickSearchValues(db: Executor, merchantId: string): Promise<SearchValues> {
  const customer = await sql<{ id: string; email: string }>`
    select c.id, c.email from customers c join payment_intents p on p.customer_id = c.id and p.merchant_id = c.merchant_id and p.livemode = c.livemode
    where c.merchant_id = ${merchantId} and c.livemode = false group by c.id, c.email order by count(*) desc, c.id limit 1`.execute(db);
  const payment = await sql<{ order_id: string; amount: number; newest: string }>`
    select p.metadata->>'order_id' as order_id, p.amount::int as amount,
      (select floor(extract(epoch from max(created_at)))::bigint from payment_intents where merchant_id = ${merchantId} and livemode = false)::text as newest
    from payment_intents p where p.merchant_id = ${merchantId} and p.livemode = false and p.currency = 'usd' and p.metadata ? 'order_id'
    order by p.created_at desc, p.id desc offset 100 limit 1`.execute(db);
  const c = customer.rows[0]!;
  const p = payment.rows[0]!;
  return { customerId: c.id, customerEmail: c.email, emailDomain: c.email.split('@')[1]!, orderId: p.order_id, amount: Number(p.amount), newest: Number(p.newest) };
}

export type ShapeClass = 'exact' | 'substring';

export interface SearchShape {
  name: string;
  resource: 'payment_intents' | 'customers';
  query: string;
  /** exact and range fields (target p95 < 50 ms) or substring and negation (< 150 ms). */
  class: ShapeClass;
}

const DAY = 86_400;

export function searchShapes(v: SearchValues): SearchShape[] {
  const exact = (name: string, query: string, resource: SearchShape['resource'] = 'payment_intents'): SearchShape => ({ name, resource, query, class: 'exact' });
  const fuzzy = (name: string, query: string, resource: SearchShape['resource'] = 'payment_intents'): SearchShape => ({ name, resource, query, class: 'substring' });
  const t = v.newest;
  return [
    exact('status', 'status:"succeeded"'),
    exact('status (none)', 'status:"requires_capture"'),
    exact('currency', 'currency:"jpy"'),
    exact('currency (none)', 'currency:"chf"'),
    exact('amount exact', `amount:${v.amount}`),
    exact('amount >', 'amount>50000'),
    exact('amount range', 'amount>=1000 AND amount<=2000'),
    exact('amount > (none)', 'amount>99999000'),
    exact('created last day', `created>${t - DAY}`),
    exact('created one day, 170 days ago', `created>=${t - 171 * DAY} AND created<${t - 170 * DAY}`),
    exact('created exact second', `created:${t - 90 * DAY}`),
    exact('customer', `customer:"${v.customerId}"`),
    exact('customer (none)', 'customer:"cus_doesNotExist0000000"'),
    exact('customer:null AND status', 'customer:null AND status:"canceled"'),
    exact('metadata value', `metadata["order_id"]:"${v.orderId}"`),
    exact('metadata value (none)', 'metadata["order_id"]:"ORD-none"'),
    exact('metadata other key (none)', 'metadata["campaign"]:"spring"'),
    exact('last4', 'last4:"4444"'),
    exact('last4 (none)', 'last4:"1234"'),
    exact('last4:null', 'last4:null'),
    exact('refunded:true', 'refunded:true'),
    exact('refunded:false', 'refunded:false'),
    exact('status AND currency AND amount', 'status:"succeeded" AND currency:"gbp" AND amount>10000'),
    exact('currency AND amount (none)', 'currency:"jpy" AND amount>31000'),
    exact('OR of rare fields', `status:"requires_capture" OR customer:"${v.customerId}"`),
    exact('OR of currencies', 'currency:"gbp" OR currency:"jpy"'),
    exact('email exact', `email:"${v.customerEmail}"`),
    exact('description exact', 'description:"Camping stove"'),
    fuzzy('email substring (domain)', `email~"${v.emailDomain}"`),
    fuzzy('email substring (none)', 'email~"nobody-here"'),
    fuzzy('email:null AND status', 'email:null AND status:"succeeded"'),
    fuzzy('description substring', 'description~"stove"'),
    fuzzy('description substring (rare)', 'description~"order #12345"'),
    fuzzy('description substring (none)', 'description~"zzqx"'),
    fuzzy('description:null', 'description:null'),
    fuzzy('negated status', '-status:"succeeded"'),
    fuzzy('negated description', '-description~"stove"'),
    fuzzy('status AND negated currency', 'status:"succeeded" AND -currency:"usd"'),
    fuzzy('all currencies negated (none)', '-currency:"usd" AND -currency:"eur" AND -currency:"gbp" AND -currency:"jpy"'),
    fuzzy('broad AND negations (none)', 'amount>0 AND -status:"succeeded" AND -status:"canceled"'),
    fuzzy('metadata key absent', 'metadata["campaign"]:null'),
    fuzzy('metadata key present (negated null)', '-metadata["order_id"]:null'),
    fuzzy('OR with a negation', `metadata["order_id"]:"${v.orderId}" OR -status:"succeeded"`),
    fuzzy('created range AND negation', `created>=${t - 171 * DAY} AND created<${t - 170 * DAY} AND -status:"succeeded"`),
    exact('customers: email exact', `email:"${v.customerEmail}"`, 'customers'),
    fuzzy('customers: email substring', `email~"${v.emailDomain}"`, 'customers'),
    fuzzy('customers: name substring', 'name~"Customer 4242"', 'customers'),
    exact('customers: phone (none)', 'phone:"+15550000000"', 'customers'),
    exact('customers: created', `created>${t - 7 * DAY}`, 'customers'),
    exact('customers: metadata (none)', 'metadata["tier"]:"gold"', 'customers'),
    fuzzy('customers: negated email', `-email~"${v.emailDomain}"`, 'customers'),
  ];
}

// ---------------------------------------------------------------------------------------------------
// Plans

export interface CapturedPlan {
  sql: string;
  /** Scan nodes, e.g. "Index Scan payment_intents_status_idx", "Seq Scan payment_intents". */
  scans: string[];
  /** The plan's top node is a Limit (a LIMITed walk or page). */
  limited: boolean;
}

function scanNodes(plan: Record<string, unknown>, out: string[] = []): string[] {
  const type = String(plan['Node Type']);
  if (/Scan/.test(type)) out.push(`${type} ${String(plan['Index Name'] ?? plan['Relation Name'] ?? '')}`.trim());
  for (const child of (plan.Plans as Record<string, unknown>[] | undefined) ?? []) scanNodes(child, out);
  return out;
}

async function explain(db: Executor, compiled: CompiledQuery): Promise<CapturedPlan> {
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }>(
    CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]),
  );
  const plan = rows[0]!['QUERY PLAN'][0].Plan;
  return { sql: compiled.sql, scans: scanNodes(plan), limited: plan['Node Type'] === 'Limit' };
}

/**
 * Runs `fn` with a database that records every query built with Kysely and executed, then EXPLAINs
 * each select.
 */
export async function capturePlans(deps: CoreDeps, fn: (deps: CoreDeps) => Promise<unknown>): Promise<CapturedPlan[]> {
  // Queries that are only compiled (the planner estimates of search.repository.ts) pass transformQuery but never
  // return a result, so only those with a result are kept, in the order they ran.
  const built = new Map<QueryId, RootOperationNode>();
  const executed: RootOperationNode[] = [];
  const recorder: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      built.set(queryId, node);
      return node;
    },
    transformResult: async ({ result, queryId }) => {
      const node = built.get(queryId);
      if (node) executed.push(node);
      return result;
    },
  };
  await fn({ ...deps, db: deps.db.withPlugin(recorder) as Db });
  const plans: CapturedPlan[] = [];
  for (const node of executed) {
    if (node.kind !== 'SelectQueryNode') continue;
    plans.push(await explain(deps.db, deps.db.getExecutor().compileQuery(node, createQueryId())));
  }
  return plans;
}
