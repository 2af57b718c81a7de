import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import express from 'express';
import { sql } from 'kysely';
import { createPaymentIntent } from '../server/core/payment-intents/payment-intents.service.js';
import { createApp } from '../server/app.js';
import { randomString } from '../shared/ids.js';
import { createBenchMerchant, startBenchDatabase } from './harness.js';
const b = await startBenchDatabase(40);
const m = await createBenchMerchant(b.db);
await sql`create table bench_baseline (id text primary key, amount bigint not null, currency text not null, created_at timestamptz not null default now())`.execute(b.db);
const outer = express();
outer.post('/bench/baseline', express.urlencoded({ extended: false }), async (req, res) => {
  const id = `bl_${randomString(24)}`;
  await sql`insert into bench_baseline (id, amount, currency) values (${id}, ${Number(req.body.amount)}, ${String(req.body.currency)})`.execute(b.db);
  res.json({ id });
});
outer.post('/bench/core', express.urlencoded({ extended: false }), async (req, res) => {
  res.json(await createPaymentIntent(b.deps, { merchantId: m.merchant.id, livemode: false, requestId: 'r', idempotencyKey: null }, req.body));
});
outer.get('/bench/get', async (_req, res) => { res.json({ ok: 1 }); });
const unlimited = { rate: 1e6, burst: 1e6 };
outer.use(createApp(b.deps, { api: { rateLimits: { live: unlimited, test: unlimited } } }));
const server: Server = await new Promise((r) => { const s = outer.listen(0, '127.0.0.1', () => r(s)); });
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const run = (o: autocannon.Options) => new Promise<autocannon.Result>((res, rej) => autocannon({ connections: 32, duration: 5, ...o }, (e, r) => e ? rej(e) : res(r)));
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const body = 'amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true';
for (let round = 0; round < 2; round++) {
  const bl = await run({ url: `${base}/bench/baseline`, method: 'POST', headers: form, body });
  const core = await run({ url: `${base}/bench/core`, method: 'POST', headers: form, body });
  const api = await run({ url: `${base}/v1/payment_intents`, method: 'POST', headers: { ...form, authorization: `Bearer ${m.keys.test.secret}` }, body });
  const getc = await run({ url: `${base}/v1/customers/cus_x`, headers: { authorization: `Bearer ${m.keys.test.secret}` } });
  console.log(`baseline ${bl.requests.average} core ${core.requests.average} (${(core.requests.average / bl.requests.average).toFixed(2)}) api ${api.requests.average} (${(api.requests.average / bl.requests.average).toFixed(2)}) api-get404 ${getc.requests.average} non2xx ${bl.non2xx},${core.non2xx},${api.non2xx}`);
}
server.closeAllConnections(); server.close();
await new Promise((r) => setTimeout(r, 500));
await b.close();
