/**
 * Which fields each searchable resource accepts, as data: the server compiles validated clauses to SQL
 * from it and the dashboard can offer the same list as suggestions.
 */
import { PAYMENT_INTENT_STATUSES, REFUND_STATUSES } from '../status.js';
import { SearchQueryError, type SearchClause, type SearchOperator, type SearchQuery, type SearchValue } from './parse.js';

export type SearchResource = 'payment_intents' | 'customers' | 'refunds' | 'charges';
export type SearchFieldType = 'number' | 'string' | 'enum' | 'timestamp' | 'boolean' | 'metadata';

export interface SearchField {
  type: SearchFieldType;
  ops: readonly SearchOperator[];
  /** Allowed values for enum and boolean fields, all lowercase. */
  values?: readonly string[];
  /** `field:null` matches rows where the field is absent (for metadata: where the key is absent). */
  nullable?: boolean;
  /** Stored lowercase (currencies), so values are lowercased before comparison. */
  lowercase?: boolean;
  format?: { pattern: RegExp; description: string };
}


const EXACT: readonly SearchOperator[] = [':'];
const EXACT_OR_SUBSTRING: readonly SearchOperator[] = [':', '~'];
const COMPARABLE: readonly SearchOperator[] = [':', '>', '<', '>=', '<='];

const amount: SearchField = { type: 'number', ops: COMPARABLE };
const created: SearchField = { type: 'timestamp', ops: COMPARABLE };
const currency: SearchField = {
  type: 'string',
  ops: EXACT,
  lowercase: true,
  format: { pattern: /^[a-z]{3}$/, description: 'a three-letter ISO currency code' },
};
const metadata: SearchField = { type: 'metadata', ops: EXACT, nullable: true };

export const searchFields = {
  payment_intents: {
    amount,
    currency,
    status: { type: 'enum', ops: EXACT, values: PAYMENT_INTENT_STATUSES },
    customer: { type: 'string', ops: EXACT, nullable: true },
    created,
    metadata,
    description: { type: 'string', ops: EXACT_OR_SUBSTRING, nullable: true },
    // Dashboard extras beyond Stripe's list: the customer's email or the receipt_email.
    email: { type: 'string', ops: EXACT_OR_SUBSTRING, nullable: true },
    last4: {
      type: 'string',
      ops: EXACT,
      nullable: true,
      format: { pattern: /^\d{4}$/, description: '4 digits' },
    },
    refunded: { type: 'boolean', ops: EXACT, values: ['true', 'false'] },
  },
  customers: {
    email: { type: 'string', ops: EXACT_OR_SUBSTRING, nullable: true },
    name: { type: 'string', ops: EXACT_OR_SUBSTRING, nullable: true },
    phone: { type: 'string', ops: EXACT, nullable: true },
    created,
    metadata,
  },
  refunds: {
    status: { type: 'enum', ops: EXACT, values: REFUND_STATUSES },
    amount,
    currency,
    created,
    payment_intent: { type: 'string', ops: EXACT },
  },
  // Stripe's charge search fields.
  charges: {
    amount,
    currency,
    status: { type: 'enum', ops: EXACT, values: ['succeeded', 'pending', 'failed'] },
    customer: { type: 'string', ops: EXACT, nullable: true },
    payment_intent: { type: 'string', ops: EXACT },
    created,
    metadata,
    refunded: { type: 'boolean', ops: EXACT, values: ['true', 'false'] },
    disputed: { type: 'boolean', ops: EXACT, values: ['true', 'false'] },
    last4: { type: 'string', ops: EXACT, nullable: true, format: { pattern: /^\d{4}$/, description: '4 digits' } },
  },
} as const satisfies Record<SearchResource, Record<string, SearchField>>;

export class SearchQueryValidationError extends SearchQueryError {
  override name = 'SearchQueryValidationError';
  /** The field as written in the query, e.g. "amount" or "metadata". */
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

export function getSearchField(resource: SearchResource, field: string): SearchField | undefined {
  const fields: Record<string, SearchField> = searchFields[resource];
  return Object.hasOwn(fields, field) ? fields[field] : undefined;
}

function supportedFields(resource: SearchResource): string {
  return Object.entries(searchFields[resource] as Record<string, SearchField>)
    .map(([name, def]) => (def.type === 'metadata' ? `${name}["key"]` : name))
    .join(', ');
}

function quoted(value: SearchValue): string {
  return JSON.stringify(typeof value === 'number' ? String(value) : value);
}

function toInteger(field: string, def: SearchField, value: string | number): number {
  const text = String(value).trim();
  const isInteger = /^-?\d+$/.test(text);
  if (isInteger && Number.isSafeInteger(Number(text))) return Number(text);
  let problem = 'is not a number';
  if (def.type === 'timestamp') problem = 'is not a Unix timestamp in seconds';
  else if (isInteger) problem = 'is out of range';
  // Amounts are integers in the currency's minor unit, so a fraction can never match.
  else if (/^-?\d+\.\d+$/.test(text)) problem = 'is not a whole number';
  const hint = problem === 'is not a whole number' ? "; amounts are in the currency's smallest unit (e.g. cents)" : '';
  throw new SearchQueryValidationError(field, `${quoted(value)} ${problem} for field "${field}"${hint}`);
}

function validateClause(resource: SearchResource, clause: SearchClause): SearchClause {
  const { field, op, value } = clause;
  const def = getSearchField(resource, field);
  if (!def) {
    throw new SearchQueryValidationError(
      field,
      `Field "${field}" is not supported for ${resource}. Supported: ${supportedFields(resource)}`,
    );
  }
  if (def.type === 'metadata' && clause.metadataKey === undefined) {
    throw new SearchQueryValidationError(field, `Field "${field}" needs a key, as in ${field}["order_id"]:"123"`);
  }
  if (def.type !== 'metadata' && clause.metadataKey !== undefined) {
    throw new SearchQueryValidationError(field, `Field "${field}" does not take a key; only metadata["key"] does`);
  }
  if (clause.metadataKey === '') {
    throw new SearchQueryValidationError(field, `Metadata key must not be empty`);
  }
  if (!def.ops.includes(op)) {
    throw new SearchQueryValidationError(
      field,
      `Operator "${op}" is not supported for field "${field}". Use one of: ${def.ops.join(' ')}`,
    );
  }

  const result = { ...clause };
  if (value === null) {
    if (!def.nullable) throw new SearchQueryValidationError(field, `Field "${field}" is never null, so "${field}:null" cannot match`);
    return result;
  }

  switch (def.type) {
    case 'number':
    case 'timestamp':
      result.value = toInteger(field, def, value);
      break;
    case 'enum':
    case 'boolean': {
      const text = String(value).toLowerCase();
      if (!def.values?.includes(text)) {
        throw new SearchQueryValidationError(
          field,
          `Value for "${field}" must be one of: ${def.values?.join(', ')} (got ${quoted(value)})`,
        );
      }
      result.value = text;
      break;
    }
    case 'string':
    case 'metadata': {
      const text = def.lowercase ? String(value).toLowerCase() : String(value);
      // Substring needles are fragments, so a format only applies to whole values.
      if (def.format && op !== '~' && !def.format.pattern.test(text)) {
        throw new SearchQueryValidationError(
          field,
          `${quoted(value)} is not ${def.format.description} for field "${field}"`,
        );
      }
      result.value = text;
      break;
    }
  }
  return result;
}

/**
 * Checks every clause against the resource's fields and returns a new AST whose values have the field's
 * type: integers for number and timestamp fields, lowercase strings for enums, booleans ("true" or
 * "false") and currencies, strings otherwise; null stays null.
 */
export function validateSearchQuery(resource: SearchResource, query: SearchQuery): SearchQuery {
  return { combinator: query.combinator, clauses: query.clauses.map((clause) => validateClause(resource, clause)) };
}
