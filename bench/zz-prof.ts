import { readFileSync } from 'node:fs';
import { startBenchDatabase } from './harness.js';
import { createPool } from '../server/db/database.js';
async function main() {
const bench = await startBenchDatabase(4, { dataDir: '/tmp/pf-bench-reports-data' });
const { merchantId } = JSON.parse(readFileSync('/tmp/pf-bench-reports-data/reports-bench-100000.json', 'utf8'));
const pool = createPool(bench.url, 2);
const q = (cols: string) => `select ${cols} from payment_intents where merchant_id = '${merchantId}' and livemode = false order by created_at, id limit 5000`;
for (const [name, cols] of [['id only', 'id'], ['id,created', 'id, created_at'], ['created text', 'id, created_at::text'], ['all', 'id, created_at, amount, currency, amount_received, amount_refunded, amount_capturable, status, description, customer_id, receipt_email, card_brand, card_last4, capture_method, payment_method_id, failed_attempts, canceled_at, cancellation_reason, statement_descriptor, created_at'], ['all no text', 'id, created_at, amount, currency, amount_received, amount_refunded, amount_capturable, status, description, customer_id, receipt_email, card_brand, card_last4, capture_method, payment_method_id, failed_attempts, canceled_at, cancellation_reason, statement_descriptor'], ['all+lpe', "id, created_at, amount, last_payment_error->>'code' as f"]] as const) {
  for (let i = 0; i < 3; i++) { const t = process.hrtime.bigint(); const r = await pool.query(q(cols)); if (i === 2) console.log(name, r.rows.length, Number(process.hrtime.bigint() - t) / 1e6, 'ms'); }
}
await pool.end();
await bench.close();
}
main();
