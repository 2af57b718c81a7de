import { sql, type RawBuilder } from 'kysely';
import { AMOUNT_NEEDS_CURRENCY } from '../../../shared/contracts/dashboard.js';
import { PaymentError } from '../../../shared/errors.js';

/**
 * Filters every dashboard list shares (payments and refunds): a date range in the merchant's time zone
 * and an amount range within one currency. Each leads with (merchant_id, livemode) in the caller's query
 * and compares constants, so it is an index range bound.
 */

type Condition = RawBuilder<boolean>;

function amountNeedsCurrency() {
  return new PaymentError('invalid_request', AMOUNT_NEEDS_CURRENCY, { param: 'currency' });
}

/**
 * A date (YYYY-MM-DD) or a date-time without an offset is wall-clock time in the merchant's zone; with an
 * offset it is an instant. The result is a constant, so the comparison is an index range bound.
 */
function instant(value: string, timezone: string) {
  const v = value.replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return sql`(${v}::date::timestamp at time zone ${timezone})`;
  if (/(?:Z|[+-]\d{2}(?::?\d{2})?)$/.test(v.slice(16))) return sql`${v}::timestamptz`;
  return sql`(${v}::timestamp at time zone ${timezone})`;
}

export interface RangeFilters {
  from?: string;
  to?: string;
  amountMin?: number;
  amountMax?: number;
  currency?: string;
}

/** The date range alone (a bounded walk of the list index stays inside it). */
export function dateConditions(table: 'payment_intents' | 'refunds', timezone: string, f: Pick<RangeFilters, 'from' | 'to'>): Condition[] {
  const out: Condition[] = [];
  const created = sql.ref(`${table}.created_at`);
  if (f.from) out.push(sql<boolean>`${created} >= ${instant(f.from, timezone)}`);
  if (f.to) out.push(sql<boolean>`${created} < ${instant(f.to, timezone)}`);
  return out;
}

export function rangeConditions(table: 'payment_intents' | 'refunds', timezone: string, f: RangeFilters): Condition[] {
  const out = dateConditions(table, timezone, f);
  const amount = sql.ref(`${table}.amount`);
  // Minor units of different currencies are not comparable (10,000 jpy is not 100.00 usd).
  if ((f.amountMin !== undefined || f.amountMax !== undefined) && !f.currency) throw amountNeedsCurrency();
  if (f.amountMin !== undefined) out.push(sql<boolean>`${amount} >= ${f.amountMin}`);
  if (f.amountMax !== undefined) out.push(sql<boolean>`${amount} <= ${f.amountMax}`);
  // The contract requires a currency with an amount bound (shared/contracts/dashboard.ts), so amounts
  // are compared within one currency only.
  if (f.currency) out.push(sql<boolean>`${sql.ref(`${table}.currency`)} = ${f.currency}`);
  return out;
}

