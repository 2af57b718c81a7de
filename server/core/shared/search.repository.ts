import { CompiledQuery, sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { PaymentError } from '../../../shared/errors.js';
import {
  parseSearchQuery,
  SearchQueryError,
  SearchQuerySyntaxError,
  type SearchClause,
  type SearchQuery,
  type SearchResource,
} from '../../../shared/search/index.js';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { Scope } from './deps.js';

/**
 * Stripe's search language compiled to SQL, for the REST search endpoints and the dashboard's search box.
 *
 * Every positive clause compiles to a predicate an index can answer (see migrations 0002 and 0004): btree
 * indexes led by (merchant_id, livemode) for status, currency, customer, last4, amount, created and the
 * refunded flag; jsonb_path_ops GIN for metadata values; pg_trgm GIN for description and email, exact
 * values included (a LIKE without wildcards is a trigram lookup). Negations and null checks (absent
 * metadata keys, missing descriptions) cannot be narrowed by an index: those searches walk the list index
 * a bounded number of rows per page (keyset.repository.ts, SEARCH_WALK_ROWS).
 */

type Condition = RawBuilder<boolean>;
/* eslint-disable @typescript-eslint/no-explicit-any */
type Query<R> = SelectQueryBuilder<Database, any, R>;

// ---------------------------------------------------------------------------------------------------
// Errors: one mapping for every bad search, REST (`query`) and dashboard (`q`) alike

/** A bad query as Stripe's search_query_invalid, on the parameter that carried it, with the position of a syntax error. */
export function toSearchError(error: SearchQueryError, param = 'query'): PaymentError {
  const position = error instanceof SearchQuerySyntaxError ? error.position : undefined;
  return new PaymentError('search_query_invalid', error.message, { param, extra: position === undefined ? undefined : { position } });
}

/** Parses and validates; a bad query becomes search_query_invalid on `param`. */
export function parseSearch(resource: SearchResource, text: string, param = 'query'): SearchQuery {
  try {
    return parseSearchQuery(resource, text);
  } catch (error) {
    if (error instanceof SearchQueryError) throw toSearchError(error, param);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------
// Clauses

/** Escapes LIKE wildcards so a needle like "50%" matches literally; lowercased to match the lower(...) trigram indexes. */
export function likeNeedle(value: string): string {
  return `%${likeExact(value)}%`;
}

/** The whole value as a LIKE pattern without wildcards: a trigram index lookup for an exact match. */
function likeExact(value: string): string {
  return value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
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

/** A text column with a btree index (ids, last 4, phone): exact or null. */
function compareKey(column: string, clause: SearchClause): Condition {
  const col = sql.ref(column);
  return clause.value === null ? sql<boolean>`${col} is null` : sql<boolean>`${col} = ${String(clause.value)}`;
}

/**
 * A text column with a trigram index on lower(column): `~` is a substring, `:` an exact value (the
 * trigram lookup narrows, the equality decides, case-sensitively unless `caseInsensitive`).
 */
function compareTrigram(column: string, clause: SearchClause, caseInsensitive: boolean): Condition {
  const col = sql.ref(column);
  if (clause.value === null) return sql<boolean>`${col} is null`;
  const value = String(clause.value);
  if (clause.op === '~') return sql<boolean>`lower(${col}) like ${likeNeedle(value)}`;
  const equal = caseInsensitive ? sql`lower(${col}) = ${value.toLowerCase()}` : sql`${col} = ${value}`;
  return sql<boolean>`(lower(${col}) like ${likeExact(value)} and ${equal})`;
}

/** `metadata @> {...}` uses the jsonb_path_ops GIN index. */
function compareMetadata(column: string, clause: SearchClause): Condition {
  const key = clause.metadataKey ?? '';
  if (clause.value === null) return sql<boolean>`not (${sql.ref(column)} ? ${key})`;
  return sql<boolean>`${sql.ref(column)} @> ${JSON.stringify({ [key]: String(clause.value) })}::jsonb`;
}

/** Customers of this merchant and mode whose email matches, as an array the customer index can probe. */
function customersWithEmail(scope: Scope, match: { like: string } | { equals: string }) {
  const email = 'like' in match ? sql`lower(c.email) like ${match.like}` : sql`(lower(c.email) like ${likeExact(match.equals)} and lower(c.email) = ${match.equals})`;
  return sql`array(select c.id from customers c where c.merchant_id = ${scope.merchantId} and c.livemode = ${scope.livemode} and ${email})`;
}

/**
 * Payments whose payer email (the receipt email or the customer's) matches: the receipt-email trigram
 * index OR the customer index probed with the matching customers' ids (looked up once, by the customers'
 * email indexes), so PostgreSQL combines two index scans instead of filtering every payment.
 */
export function payerEmailCondition(scope: Scope, match: { like: string } | { equals: string }): Condition {
  const receipt = 'like' in match
    ? sql`lower(payment_intents.receipt_email) like ${match.like}`
    : sql`(lower(payment_intents.receipt_email) like ${likeExact(match.equals)} and lower(payment_intents.receipt_email) = ${match.equals})`;
  return sql<boolean>`(${receipt} or payment_intents.customer_id = any(${customersWithEmail(scope, match)}))`;
}

function paymentIntentClause(scope: Scope, clause: SearchClause): Condition {
  switch (clause.field) {
    case 'amount': return compareNumber('payment_intents.amount', clause);
    case 'currency': return sql<boolean>`payment_intents.currency = ${String(clause.value)}`;
    case 'status': return sql<boolean>`payment_intents.status = ${String(clause.value)}`;
    case 'customer': return compareKey('payment_intents.customer_id', clause);
    case 'created': return compareTimestamp('payment_intents.created_at', clause);
    case 'metadata': return compareMetadata('payment_intents.metadata', clause);
    case 'description': return compareTrigram('payment_intents.description', clause, false);
    case 'last4': return compareKey('payment_intents.card_last4', clause);
    case 'refunded': return clause.value === 'true' ? sql<boolean>`payment_intents.amount_refunded > 0` : sql<boolean>`payment_intents.amount_refunded = 0`;
    case 'email': {
      if (clause.value === null) {
        return sql<boolean>`(payment_intents.receipt_email is null and not exists (select 1 from customers c where c.merchant_id = ${scope.merchantId} and c.livemode = ${scope.livemode} and c.id = payment_intents.customer_id and c.email is not null))`;
      }
      const value = String(clause.value).toLowerCase();
      return payerEmailCondition(scope, clause.op === '~' ? { like: likeNeedle(value) } : { equals: value });
    }
  }
  throw new PaymentError('search_query_invalid', `Field "${clause.field}" is not supported for payment_intents.`, { param: 'query' });
}

function customerClause(clause: SearchClause): Condition {
  switch (clause.field) {
    case 'email': return compareTrigram('customers.email', clause, true);
    case 'name': return compareTrigram('customers.name', clause, true);
    case 'phone': return compareKey('customers.phone', clause);
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

function chargeClause(clause: SearchClause): Condition {
  switch (clause.field) {
    case 'amount': return compareNumber('charges.amount', clause);
    case 'currency': return sql<boolean>`charges.currency = ${String(clause.value)}`;
    case 'status': return sql<boolean>`charges.status = ${String(clause.value)}`;
    case 'customer': return compareKey('charges.customer_id', clause);
    case 'payment_intent': return sql<boolean>`charges.payment_intent_id = ${String(clause.value)}`;
    case 'created': return compareTimestamp('charges.created_at', clause);
    case 'metadata': return compareMetadata('charges.metadata', clause);
    case 'last4': return compareKey('charges.card_last4', clause);
    case 'refunded': return clause.value === 'true' ? sql<boolean>`(charges.amount_captured > 0 and charges.amount_refunded >= charges.amount_captured)` : sql<boolean>`(charges.amount_captured = 0 or charges.amount_refunded < charges.amount_captured)`;
    case 'disputed': return sql<boolean>`charges.disputed = ${clause.value === 'true'}`;
  }
  throw new PaymentError('search_query_invalid', `Field "${clause.field}" is not supported for charges.`, { param: 'query' });
}

function clauseCondition(resource: SearchResource, scope: Scope, clause: SearchClause): Condition {
  if (resource === 'charges') return chargeClause(clause);
  return resource === 'payment_intents' ? paymentIntentClause(scope, clause) : resource === 'customers' ? customerClause(clause) : refundClause(clause);
}

/**
 * Whether an index answers the positive clause: everything but null checks on columns without a btree
 * (metadata keys, description, email) and `refunded:false` (most payments; nothing to narrow).
 */
function clauseIsIndexed(clause: SearchClause): boolean {
  if (clause.negated) return false;
  if (clause.value === null) return ['customer', 'last4', 'phone'].includes(clause.field);
  return !(clause.field === 'refunded' && clause.value === 'false');
}

// ---------------------------------------------------------------------------------------------------
// Queries

const TRIGRAM_FIELDS: Record<SearchResource, Record<string, { column: string; caseInsensitive: boolean }>> = {
  payment_intents: { description: { column: 'payment_intents.description', caseInsensitive: false } },
  customers: { email: { column: 'customers.email', caseInsensitive: true }, name: { column: 'customers.name', caseInsensitive: true } },
  refunds: {},
  charges: {},
};

function isTrigramExact(resource: SearchResource, clause: SearchClause): boolean {
  return clause.op === ':' && clause.value !== null && Object.hasOwn(TRIGRAM_FIELDS[resource], clause.field);
}

function estimateExact(resource: SearchResource, clause: SearchClause): Condition {
  const { column, caseInsensitive } = TRIGRAM_FIELDS[resource][clause.field]!;
  const value = String(clause.value);
  return caseInsensitive ? sql<boolean>`lower(${sql.ref(column)}) = ${value.toLowerCase()}` : sql<boolean>`${sql.ref(column)} = ${value}`;
}

/** A compiled search: the whole predicate, and the part of it an index can answer (if any). */
export interface CompiledSearch {
  condition: Condition;
  /**
   * The indexed clauses, for the planner's estimate of how far indexes narrow the search (never run);
   * undefined when no index narrows it.
   */
  narrowing?: Condition;
  /** The created ranges every match is in (an AND of created clauses): a walk starts and ends inside them. */
  walkRange?: Condition;
}

/**
 * One SQL condition for a validated query. Columns are qualified with the resource's table name, so the
 * caller selects from that table unaliased. A positive clause stays sargable (a NULL in WHERE already
 * means "no match"); a negated one treats unknown as "no match" too, so `-description~"gift"` keeps
 * intents without a description.
 */
export function compileSearch(resource: SearchResource, scope: Scope, query: SearchQuery): CompiledSearch {
  const join = (parts: Condition[]) => sql<boolean>`(${sql.join(parts, sql` ${sql.raw(query.combinator)} `)})`;
  const parts = query.clauses.map((clause) => {
    const condition = clauseCondition(resource, scope, clause);
    return clause.negated ? sql<boolean>`(${condition}) is not true` : condition;
  });
  // For the planner's estimate: an exact trigram match is estimated by its equality (column statistics),
  // not by LIKE x AND = x, which the planner would take for independent and far more selective.
  const estimated = (clause: SearchClause) => (isTrigramExact(resource, clause) ? estimateExact(resource, clause) : clauseCondition(resource, scope, clause));
  const indexed = query.clauses.filter(clauseIsIndexed).map(estimated);
  // AND: any indexed clause narrows; OR: only when every arm is indexed.
  const narrows = query.combinator === 'and' ? indexed.length > 0 : indexed.length === query.clauses.length;
  const ranges = query.combinator === 'and' ? query.clauses.filter((c) => c.field === 'created' && !c.negated) : [];
  return {
    condition: join(parts),
    narrowing: narrows ? join(indexed) : undefined,
    walkRange: ranges.length ? join(ranges.map((clause) => clauseCondition(resource, scope, clause))) : undefined,
  };
}

/** Parses, validates and compiles; a bad query becomes Stripe's search_query_invalid on `param`. */
export function compileSearchText(resource: SearchResource, scope: Scope, text: string, param = 'query'): CompiledSearch {
  return compileSearch(resource, scope, parseSearch(resource, text, param));
}

/**
 * The indexed part of a search is selective when the planner estimates it keeps at most this share of
 * the merchant's rows, and at most SELECTIVE_ROWS of them: then the matches are collected through the
 * indexes and ordered (keyset.repository.ts, fetchSearchPage).
 * Above it the indexed clauses are broad (status:"succeeded", amount>100): matches are either dense (a
 * short walk finds a page) or rare only through an unindexable clause, and the walk is bounded.
 */
const SELECTIVE_SHARE = 0.02;
export const SELECTIVE_ROWS = 5_000;

async function estimateRows(db: Executor, query: Query<unknown>): Promise<number> {
  const compiled = query.compile();
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]),
  );
  return rows[0]!['QUERY PLAN'][0].Plan['Plan Rows'];
}

/**
 * Whether `narrowed` (the scoped query with only the indexed clauses) keeps few of the rows of `scoped`
 * (the same query without them), by the planner's own estimates: planning only, nothing is executed.
 */
export async function isSelective(db: Executor, narrowed: Query<unknown>, scoped: Query<unknown>): Promise<boolean> {
  const [kept, all] = await Promise.all([estimateRows(db, narrowed), estimateRows(db, scoped)]);
  return kept <= Math.min(SELECTIVE_ROWS, SELECTIVE_SHARE * all);
}
