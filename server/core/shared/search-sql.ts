import { sql, type RawBuilder } from 'kysely';
import { PaymentError } from '../../../shared/errors.js';
import { parseSearchQuery, SearchQueryError, type SearchClause, type SearchQuery, type SearchResource } from '../../../shared/search/index.js';
import type { Scope } from './deps.js';

type Condition = RawBuilder<boolean>;

/** Escapes LIKE wildcards so a needle like "50%" matches literally. */
function likeNeedle(value: string): string {
  return `%${value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const COMPARE: Record<string, string> = { ':': '=', '>': '>', '<': '<', '>=': '>=', '<=': '<=' };

function compareNumber(column: string, clause: SearchClause): Condition {
  return sql<boolean>`${sql.ref(column)} ${sql.raw(COMPARE[clause.op])} ${Number(clause.value)}`;
}

/** Timestamps are whole seconds in queries but microseconds in rows, so each operator covers its full second. */
function compareTimestamp(column: string, clause: SearchClause): Condition {
  const col = sql.ref(column);
  const t = Number(clause.value);
  const at = (s: number) => sql`to_timestamp(${s})`;
  switch (clause.op) {
    case ':': return sql<boolean>`(${col} >= ${at(t)} and ${col} < ${at(t + 1)})`;
    case '>': return sql<boolean>`${col} >= ${at(t + 1)}`;
    case '>=': return sql<boolean>`${col} >= ${at(t)}`;
    case '<': return sql<boolean>`${col} < ${at(t)}`;
    default: return sql<boolean>`${col} < ${at(t + 1)}`;
  }
}

function compareText(column: string, clause: SearchClause, caseInsensitive: boolean): Condition {
  const col = sql.ref(column);
  if (clause.value === null) return sql<boolean>`${col} is null`;
  if (clause.op === '~') return sql<boolean>`lower(${col}) like ${likeNeedle(String(clause.value))}`;
  return caseInsensitive ? sql<boolean>`lower(${col}) = ${String(clause.value).toLowerCase()}` : sql<boolean>`${col} = ${String(clause.value)}`;
}

/** `metadata @> {...}` uses the jsonb_path_ops GIN index. */
function compareMetadata(column: string, clause: SearchClause): Condition {
  const key = clause.metadataKey ?? '';
  if (clause.value === null) return sql<boolean>`not (${sql.ref(column)} ? ${key})`;
  return sql<boolean>`${sql.ref(column)} @> ${JSON.stringify({ [key]: String(clause.value) })}::jsonb`;
}

function paymentIntentClause(scope: Scope, clause: SearchClause): Condition {
  switch (clause.field) {
    case 'amount': return compareNumber('payment_intents.amount', clause);
    case 'currency': return sql<boolean>`payment_intents.currency = ${String(clause.value)}`;
    case 'status': return sql<boolean>`payment_intents.status = ${String(clause.value)}`;
    case 'customer': return compareText('payment_intents.customer_id', clause, false);
    case 'created': return compareTimestamp('payment_intents.created_at', clause);
    case 'metadata': return compareMetadata('payment_intents.metadata', clause);
    case 'description': return compareText('payment_intents.description', clause, false);
    case 'last4': return compareText('payment_intents.card_last4', clause, false);
    case 'refunded': return clause.value === 'true' ? sql<boolean>`payment_intents.amount_refunded > 0` : sql<boolean>`payment_intents.amount_refunded = 0`;
    case 'email': {
      // The payer's email is either the receipt email or the customer's; both are trigram-indexed.
      if (clause.value === null) {
        return sql<boolean>`(payment_intents.receipt_email is null and not exists (select 1 from customers c where c.merchant_id = ${scope.merchantId} and c.livemode = ${scope.livemode} and c.id = payment_intents.customer_id and c.email is not null))`;
      }
      const customerMatch = clause.op === '~'
        ? sql`lower(c.email) like ${likeNeedle(String(clause.value))}`
        : sql`lower(c.email) = ${String(clause.value).toLowerCase()}`;
      return sql<boolean>`(${compareText('payment_intents.receipt_email', clause, true)} or payment_intents.customer_id in (select c.id from customers c where c.merchant_id = ${scope.merchantId} and c.livemode = ${scope.livemode} and ${customerMatch}))`;
    }
  }
  throw new PaymentError('search_query_invalid', `Field "${clause.field}" is not supported for payment_intents.`, { param: 'query' });
}

function customerClause(clause: SearchClause): Condition {
  switch (clause.field) {
    case 'email': return compareText('customers.email', clause, true);
    case 'name': return compareText('customers.name', clause, true);
    case 'phone': return compareText('customers.phone', clause, false);
    case 'created': return compareTimestamp('customers.created_at', clause);
    case 'metadata': return compareMetadata('customers.metadata', clause);
  }
  throw new PaymentError('search_query_invalid', `Field "${clause.field}" is not supported for customers.`, { param: 'query' });
}

function refundClause(clause: SearchClause): Condition {
  switch (clause.field) {
    case 'status': return sql<boolean>`refunds.status = ${String(clause.value)}`;
    case 'amount': return compareNumber('refunds.amount', clause);
    case 'currency': return sql<boolean>`refunds.currency = ${String(clause.value)}`;
    case 'created': return compareTimestamp('refunds.created_at', clause);
    case 'payment_intent': return sql<boolean>`refunds.payment_intent_id = ${String(clause.value)}`;
  }
  throw new PaymentError('search_query_invalid', `Field "${clause.field}" is not supported for refunds.`, { param: 'query' });
}

/**
 * One SQL condition for a validated query. Columns are qualified with the resource's table name, so the
 * caller selects from that table unaliased. Negation treats "unknown" (null) as "no match", so
 * `-description~"gift"` keeps intents without a description.
 */
export function compileSearch(resource: SearchResource, scope: Scope, query: SearchQuery): Condition {
  const parts = query.clauses.map((clause) => {
    const condition = resource === 'payment_intents' ? paymentIntentClause(scope, clause) : resource === 'customers' ? customerClause(clause) : refundClause(clause);
    return clause.negated ? sql<boolean>`not coalesce(${condition}, false)` : sql<boolean>`coalesce(${condition}, false)`;
  });
  return sql<boolean>`(${sql.join(parts, sql` ${sql.raw(query.combinator)} `)})`;
}

/** Parses, validates and compiles; a bad query becomes Stripe's search_query_invalid on `query`. */
export function compileSearchText(resource: SearchResource, scope: Scope, text: string): Condition {
  let parsed: SearchQuery;
  try {
    parsed = parseSearchQuery(resource, text);
  } catch (error) {
    if (error instanceof SearchQueryError) throw new PaymentError('search_query_invalid', error.message, { param: 'query' });
    throw error;
  }
  return compileSearch(resource, scope, parsed);
}
