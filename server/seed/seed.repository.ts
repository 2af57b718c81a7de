import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

type BulkTable = 'customers' | 'payment_methods' | 'payment_intents' | 'payment_attempts' | 'refunds' | 'events' | 'charges' | 'payouts' | 'balance_transactions';

/**
 * Many rows in one statement: the batch travels as a single JSON parameter and PostgreSQL expands it
 * with json_populate_recordset (columns missing from the JSON take their defaults' type but NULL, so
 * callers give every column). Much faster than bound multi-row VALUES for tens of thousands of rows.
 */
export async function insertJsonRows(db: Executor, table: BulkTable, rows: object[], batchSize = 2000): Promise<void> {
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize);
    await sql`insert into ${sql.table(table)} select * from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(batch)}::json)`.execute(db);
  }
}

export async function findOwnerUserId(db: Executor, merchantId: string): Promise<string | null> {
  const row = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('merchant_id', '=', merchantId)
    .where('role', '=', 'owner')
    .orderBy('created_at')
    .executeTakeFirst();
  return row?.user_id ?? null;
}

interface IndexDefinition { name: string; definition: string }

/**
 * Secondary indexes of the given tables (not primary keys or unique constraints, which guard
 * correctness), with their exact definitions so they can be rebuilt identically.
 */
export async function findSecondaryIndexes(db: Executor, tables: string[]): Promise<IndexDefinition[]> {
  const { rows } = await sql<IndexDefinition>`
    select i.relname as name, pg_get_indexdef(x.indexrelid) as definition
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_class t on t.oid = x.indrelid
    join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = current_schema() and t.relname = any(${tables}::text[]) and not x.indisprimary and not x.indisunique
    order by i.relname
  `.execute(db);
  return rows;
}

export async function dropIndexes(db: Executor, indexes: IndexDefinition[]): Promise<void> {
  for (const index of indexes) await sql`drop index if exists ${sql.id(index.name)}`.execute(db);
}

/** Builds the indexes on `parallel` connections at once (index builds are CPU-bound and independent). */
export async function createIndexes(db: Executor, indexes: IndexDefinition[], parallel = 2): Promise<void> {
  const queue = [...indexes];
  const worker = () =>
    db.connection().execute(async (connection) => {
      await sql`set maintenance_work_mem = '256MB'`.execute(connection);
      for (let index = queue.shift(); index; index = queue.shift()) {
        await sql.raw(index.definition.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS ')).execute(connection);
      }
    });
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
}

/** A random id body in newId's alphabet, computed by PostgreSQL (for server-side bulk generation). */
const RANDOM_ID = sql`substr(translate(encode(decode(md5(random()::text) || md5(random()::text), 'hex'), 'base64'), '+/', 'Az'), 1, 24)`;

interface BulkBatch {
  merchantId: string;
  livemode: boolean;
  from: number;
  to: number;
  /** Epoch seconds of the newest payment; payments spread over `days` before it. */
  nowSeconds: number;
  days: number;
  cards: { brand: string; last4: string; fingerprint: string; behavior: string; funding: string; country: string | null }[];
  /** Which cards decline (indexes into `cards`) and the last_payment_error template for each. */
  declineTemplates: Record<number, unknown>;
  /** toPaymentIntentDto of a prototype intent; per-row values are layered on top in SQL. */
  intentTemplate: unknown;
  apiVersion: string;
  descriptions: string[];
}

/**
 * One batch of payments generated inside PostgreSQL: a scratch table with every random choice, then
 * one INSERT … SELECT per table. The event payloads are the core's own DTOs (built in JS as templates)
 * with each row's values layered on, so they match what the API returns for the same row.
 */
export async function insertBulkBatch(db: Executor, b: BulkBatch): Promise<void> {
  const cards = JSON.stringify(b.cards);
  const declines = Object.keys(b.declineTemplates).map(Number);
  const successes = b.cards.map((_, i) => i).filter((i) => !declines.includes(i));
  // Benchmark data: losing the last batch in a crash is acceptable, waiting for each WAL flush is not.
  await sql`set local synchronous_commit = off`.execute(db);
  // The analytics rollups are rebuilt once after the load (rebuildAnalytics) rather than row by row.
  await sql`set local paymentflow.defer_rollups = on`.execute(db);
  await sql`drop table if exists bulk_src`.execute(db);
  await sql`
    create temp table bulk_src on commit drop as
    with raw as (
      select g as n,
        to_timestamp(${b.nowSeconds} - random() * ${b.days * 86400}) as created_at,
        random() as r,
        (array['usd','usd','usd','usd','usd','usd','eur','eur','gbp','jpy'])[1 + floor(random() * 10)::int] as currency
      from generate_series(${b.from}::int, ${b.to}::int) g
    ), chosen as (
      select
        s.n,
        'pi_' || ${RANDOM_ID} as id,
        'pm_' || ${RANDOM_ID} as pm_id,
        'pa_' || ${RANDOM_ID} as pa_id,
        'evt_' || ${RANDOM_ID} as ev1,
        'evt_' || ${RANDOM_ID} as ev2,
        'evt_' || ${RANDOM_ID} as ev3,
        'req_' || ${RANDOM_ID} as req1,
        'req_' || ${RANDOM_ID} as req2,
        ${RANDOM_ID} as secret,
        s.created_at,
        s.currency,
        case when s.currency = 'jpy' then (500 + floor(random() * 30000))::bigint
             else (floor(exp(3.8 + 0.85 * sqrt(-2 * ln(greatest(random(), 1e-9))) * cos(2 * pi() * random()))) * 100 + 99)::bigint end as amount,
        case when s.r < 0.88 then 'succeeded' when s.r < 0.95 then 'declined' else 'canceled' end as outcome,
        case when s.r < 0.88 then (${sql.raw(`array[${successes.join(',')}]`)})[1 + floor(random() * ${successes.length})::int]
             else (${sql.raw(`array[${declines.join(',')}]`)})[1 + floor(random() * ${declines.length})::int] end as card,
        case when random() < 0.8 then (${b.descriptions}::text[])[1 + floor(random() * ${b.descriptions.length})::int] end as description,
        s.created_at + interval '1 second' * (5 + floor(random() * 90)) as attempt_at,
        random() as r2
      from raw s
    )
    select c.*,
      (${cards}::jsonb) -> c.card as card_json,
      c.id || '_secret_' || c.secret as client_secret,
      case c.outcome when 'declined' then c.created_at + interval '1 hour' + interval '1 second' * (5 + floor(c.r2 * 25))
                     when 'canceled' then c.created_at + interval '1 second' * (60 + floor(c.r2 * 600)) end as final_at,
      case when c.outcome = 'declined' then
        jsonb_set(jsonb_set(jsonb_set((${JSON.stringify(b.declineTemplates)}::jsonb) -> c.card::text,
          '{payment_method,id}', to_jsonb(c.pm_id)), '{payment_method,created}', to_jsonb(floor(extract(epoch from c.attempt_at))::bigint)),
          '{payment_method,card,exp_year}', to_jsonb(extract(year from c.attempt_at)::int + 3)) end as lpe
    from chosen c
  `.execute(db);
  await sql`
    insert into payment_methods (id, merchant_id, livemode, customer_id, type, card_brand, card_last4, card_exp_month, card_exp_year,
      card_funding, card_country, card_fingerprint, test_behavior, billing_name, billing_email, created_at)
    select pm_id, ${b.merchantId}, ${b.livemode}, null, 'card', card_json->>'brand', card_json->>'last4', 12,
      extract(year from attempt_at)::int + 3, card_json->>'funding', card_json->>'country', card_json->>'fingerprint', card_json->>'behavior', null, null, attempt_at
    from bulk_src where outcome <> 'canceled'
  `.execute(db);
  await sql`
    insert into payment_intents (id, merchant_id, livemode, amount, currency, status, capture_method, confirmation_method, customer_id,
      payment_method_id, description, metadata, receipt_email, statement_descriptor, client_secret, amount_capturable, amount_received,
      amount_refunded, canceled_at, cancellation_reason, last_payment_error, next_action, card_brand, card_last4, card_fingerprint,
      failed_attempts, success_url, cancel_url, expires_at, created_at, updated_at)
    select id, ${b.merchantId}, ${b.livemode}, amount, currency,
      case outcome when 'succeeded' then 'succeeded' else 'canceled' end, 'automatic', 'automatic', null,
      case when outcome = 'succeeded' then pm_id end, description, jsonb_build_object('order_id', 'ORD-' || n), null, null, client_secret, 0,
      case when outcome = 'succeeded' then amount else 0 end, 0,
      final_at, case outcome when 'declined' then 'abandoned' when 'canceled' then 'requested_by_customer' end,
      lpe, null,
      case when outcome <> 'canceled' then card_json->>'brand' end, case when outcome <> 'canceled' then card_json->>'last4' end,
      case when outcome <> 'canceled' then card_json->>'fingerprint' end,
      case when outcome = 'declined' then 1 else 0 end, null, null, created_at + interval '1 hour', created_at,
      coalesce(final_at, attempt_at)
    from bulk_src
  `.execute(db);
  await sql`
    insert into payment_attempts (id, merchant_id, livemode, payment_intent_id, payment_method_id, outcome, failure_code, decline_code,
      failure_message, card_brand, card_last4, card_exp_month, card_exp_year, card_fingerprint, three_d_secure, created_at)
    select pa_id, ${b.merchantId}, ${b.livemode}, id, pm_id, case outcome when 'succeeded' then 'succeeded' else 'failed' end,
      lpe->>'code', lpe->>'decline_code', lpe->>'message', card_json->>'brand', card_json->>'last4', 12, extract(year from attempt_at)::int + 3,
      card_json->>'fingerprint', null, attempt_at
    from bulk_src where outcome <> 'canceled'
  `.execute(db);
  // The intent as the API shows it at each step: the template with this row's values.
  const dto = (status: string, received: string, pm: string, lpe: string, canceledAt: string, reason: string) => sql.raw(`
    (${'$TEMPLATE'} || jsonb_build_object(
      'id', id, 'amount', amount, 'currency', currency, 'client_secret', client_secret, 'description', description,
      'created', floor(extract(epoch from created_at))::bigint, 'expires_at', floor(extract(epoch from created_at + interval '1 hour'))::bigint,
      'metadata', jsonb_build_object('order_id', 'ORD-' || n),
      'status', ${status}, 'amount_received', ${received}, 'payment_method', ${pm}, 'last_payment_error', ${lpe},
      'canceled_at', ${canceledAt}, 'cancellation_reason', ${reason}))`);
  const template = JSON.stringify(b.intentTemplate).replace(/'/g, "''");
  const withTemplate = (fragment: ReturnType<typeof dto>) => sql.raw(fragment.compile(db).sql.replace('$TEMPLATE', `'${template}'::jsonb`));
  const created = withTemplate(dto(`'requires_payment_method'`, '0', 'null', 'null', 'null', 'null'));
  const succeeded = withTemplate(dto(`'succeeded'`, 'amount', 'pm_id', 'null', 'null', 'null'));
  const failed = withTemplate(dto(`'requires_payment_method'`, '0', 'null', 'lpe', 'null', 'null'));
  const canceled = withTemplate(dto(`'canceled'`, '0', 'null', 'lpe', 'floor(extract(epoch from final_at))::bigint', "case outcome when 'declined' then 'abandoned' else 'requested_by_customer' end"));
  const event = (idCol: string, type: string, payload: ReturnType<typeof withTemplate>, at: string, request: string, where: string) => sql`
    insert into events (id, merchant_id, livemode, type, api_version, object_id, data, request_id, idempotency_key, created_at)
    select ${sql.raw(idCol)}, ${b.merchantId}, ${b.livemode}, ${type}, ${b.apiVersion}, id, jsonb_build_object('object', ${payload}),
      ${sql.raw(request)}, null, ${sql.raw(at)}
    from bulk_src ${sql.raw(where)}
  `;
  await event('ev1', 'payment_intent.created', created, 'created_at', 'req1', '').execute(db);
  await event('ev2', 'payment_intent.succeeded', succeeded, 'attempt_at', 'req2', "where outcome = 'succeeded'").execute(db);
  await event('ev2', 'payment_intent.payment_failed', failed, 'attempt_at', 'req2', "where outcome = 'declined'").execute(db);
  await event('ev3', 'payment_intent.canceled', canceled, 'final_at', "case outcome when 'declined' then null else req2 end", "where outcome <> 'succeeded'").execute(db);
}
