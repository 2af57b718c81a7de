import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { createApp } from '/work/wt-hotpath2/server/app.js';
import { createBenchMerchant, startBenchDatabase } from '/work/wt-hotpath2/bench/harness.js';
async function main() {
const bench = await startBenchDatabase(40);
const merchant = await createBenchMerchant(bench.db);
const unlimited = { rate: 1_000_000, burst: 1_000_000 };
const app = createApp(bench.deps, { logErrors: true, api: { rateLimits: { live: unlimited, test: unlimited } } });
const server = createServer(app);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const url = `http://127.0.0.1:${(server.address() as any).port}/v1/payment_intents`;
const { spawn } = await import('node:child_process');
const run = (d: number) => new Promise<void>((resolve) => {
  const c = spawn('/work/wt-hotpath2/node_modules/.bin/autocannon', ['-c', '32', '-d', String(d), '-m', 'POST', '-H', `authorization=Bearer ${merchant.keys.test.secret}`, '-H', 'content-type=application/x-www-form-urlencoded', '-b', 'amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true&metadata[order_id]=bench', url], { stdio: ['ignore', 'ignore', 'inherit'] });
  c.on('exit', () => resolve());
});
await run(Number(process.env.SECS ?? 12));
server.closeAllConnections(); server.close();
await bench.close();
process.exit(0);
}
main();
