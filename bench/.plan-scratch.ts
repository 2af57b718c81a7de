// Scratch (not committed): persistent 1M-payment DB for checking dashboard query plans.
import { existsSync, mkdirSync } from 'node:fs';
import pg from 'pg';
import { sql, CompiledQuery } from 'kysely';
import { startEmbeddedPostgres, withDatabase } from '../server/db/embedded.js';
import { createDb } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { createMerchantWithOwner } from '../server/core/accounts/accounts.service.js';
import { findPayments, classifyPaymentSearch } from '../server/core/dashboard/payments.service.js';
import { compilePaymentListQuery } from '../server/core/dashboard/dashboard.repository.js';
import { paymentListFilters } from '../shared/contracts/dashboard.js';

const dir = '/tmp/plan/data';
const fresh = !existsSync(dir);
mkdirSync(dir, { recursive: true });
const server = await startEmbeddedPostgres(dir, console.error);
if (fresh) { const a = new pg.Client({ connectionString: server.url }); await a.connect(); await a.query('create database plan'); await a.end(); }
const db = createDb(withDatabase(server.url, 'plan'), { max: 4 });
await migrateToLatest(db);
let merchantId: string;
const existing = await db.selectFrom('merchants').select('id').executeTakeFirst();
if (!existing) {
  const m = await createMerchantWithOwner(db, { email: 'plan@example.test', name: 'P', businessName: 'P', password: 'a-long-bench-passphrase' });
  merchantId = m.merchant.id;
  const N = 1_000_000, C = 50_000;
  console.error('seeding');
  await sql`insert into customers (id, merchant_id, livemode, email, name, created_at)
    select 'cus_bench' || lpad(n::text, 15, '0'), ${merchantId}, false, 'customer' || n || '@shop' || (n % 997) || '.example', 'Customer ' || n, now() - (n || ' minutes')::interval
    from generate_series(1, ${C}) n`.execute(db);
  await sql`insert into payment_intents (id, merchant_id, livemode, amount, currency, status, client_secret, amount_received, amount_refunded, failed_attempts, last_payment_error,
      card_brand, card_last4, card_fingerprint, customer_id, receipt_email, description, created_at, canceled_at)
    select 'pi_' || md5(n::text), ${merchantId}, false, amt, cur, st, 'x', case when st = 'succeeded' then amt else 0 end,
      case when st = 'succeeded' and h % 100 < 4 then case when h % 2 = 0 then amt else amt / 2 end else 0 end,
      case when f then 1 else 0 end, null,
      (array['visa','visa','mastercard','visa','visa','visa'])[1 + h % 6], (array['4242','4242','4444','5556','0002','9995'])[1 + h % 6], 'fp' || (h % 6),
      case when h % 100 < 60 then 'cus_bench' || lpad((1 + h % ${C})::text, 15, '0') end,
      case when h % 100 between 60 and 74 then 'buyer' || (h % 200000) || '@mail' || (h % 991) || '.example' end,
      case when h % 10 = 7 then 'Order #' || (h % 1000000) else (array['Trail running shoes','Down jacket','Camping stove','Two-person tent','Hiking backpack 40L','Headlamp'])[1 + h % 6] end,
      ts, case when st = 'canceled' then ts end
    from (select n, abs(hashtext(n::text)) h, now() - random() * interval '180 days' ts,
      (array['usd','usd','usd','usd','usd','usd','eur','eur','gbp','jpy'])[1 + floor(random() * 10)::int] cur,
      500 + floor(random() * 50000)::int amt,
      case when random() < 0.88 then 'succeeded' else 'canceled' end st, random() < 0.6 f from generate_series(1, ${N}) n) s`.execute(db);
  await sql`update payment_intents set failed_attempts = 0 where status = 'succeeded'`.execute(db);
  await sql`vacuum analyze`.execute(db);
} else { merchantId = existing.id; if (process.env.ANALYZE) await sql`vacuum analyze`.execute(db); }
const scope = { merchantId, livemode: false };
const day = (o: number) => new Date(Date.now() + o * 86_400_000).toISOString().slice(0, 10);
const cases: [string, any][] = JSON.parse(process.env.CASES ?? 'null') ?? [
  ['all', {}], ['succeeded', { status: ['succeeded'] }], ['failed', { status: ['failed'] }], ['refunded+partial', { status: ['refunded', 'partially_refunded'] }],
  ['canceled 50', { status: ['canceled'], limit: 50 }], ['uncaptured', { status: ['uncaptured'] }], ['7d', { from: day(-7) }], ['30d succ', { from: day(-30), status: ['succeeded'] }],
  ['one day by amount', { from: day(-60), to: day(-59), sort: 'amount' }], ['amount range', { amountMin: 5000, amountMax: 10000 }], ['eur', { currency: 'eur' }],
  ['jpy by amount', { currency: 'jpy', sort: 'amount' }], ['gbp range by amount asc', { currency: 'gbp', amountMin: 1000, amountMax: 2000, sort: 'amount', dir: 'asc' }],
  ['succ by amount', { status: ['succeeded'], sort: 'amount' }], ['last4 4444', { last4: '4444' }], ['customer id', { customer: 'cus_bench000000000000042' }],
  ['customer email', { customer: 'customer42@shop42.example' }], ['oldest', { dir: 'asc' }], ['amount asc', { sort: 'amount', dir: 'asc' }],
  ['query lang', { q: 'status:"succeeded" AND currency:"usd" AND amount>20000' }], ['q last4', { q: '0002' }],
  ['email domain', { q: '@shop42.example' }], ['receipt part', { q: 'buyer1234@' }], ['order no', { q: 'Order #12345' }], ['free text', { q: 'stove' }], ['rare text', { q: 'customer4242' }],
  ['failed 7d', { status: ['failed'], from: day(-7) }], ['refunded by amount', { status: ['refunded'], sort: 'amount' }], ['eur last 7d', { currency: 'eur', from: day(-7) }],
  ['last4 + amount sort', { last4: '4444', sort: 'amount' }],
];
function scans(p: any, out: string[] = []) { if (/Scan/.test(p['Node Type'])) out.push(`${p['Node Type']} ${p['Index Name'] ?? p['Relation Name'] ?? ''}`); for (const c of p.Plans ?? []) scans(c, out); return out; }
for (const [name, input] of cases) {
  const f = paymentListFilters.parse(input);
  const search = classifyPaymentSearch(f.q);
  const compiled = await compilePaymentListQuery(db, scope, 'UTC', { ...f, search: search as any }, { sort: f.sort, dir: f.dir, limit: f.limit });
  const { rows } = await db.executeQuery<any>(CompiledQuery.raw(`explain (analyze, format json) ${compiled.sql}`, [...compiled.parameters]));
  const plan = rows[0]['QUERY PLAN'][0];
  const t0 = performance.now(); await findPayments({ db, secret: 'x', appUrl: '' }, scope, 'UTC', input); const t1 = performance.now() - t0;
  console.log(`${name.padEnd(26)} exec ${plan['Execution Time'].toFixed(1).padStart(7)} ms  svc ${t1.toFixed(1).padStart(6)}  ${scans(plan.Plan).join(' | ')}`);
  if (process.env.VERBOSE) console.log(compiled.sql);
}
await db.destroy();
await server.stop();
