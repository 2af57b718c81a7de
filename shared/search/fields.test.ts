import { describe, expect, it } from 'vitest';
import {
  parseSearchQuery,
  parseSearchSyntax,
  searchFields,
  SearchQueryError,
  SearchQuerySyntaxError,
  SearchQueryValidationError,
  validateSearchQuery,
  type SearchResource,
} from './index.js';

function validationError(resource: SearchResource, text: string): SearchQueryValidationError {
  try {
    parseSearchQuery(resource, text);
  } catch (error) {
    if (error instanceof SearchQueryValidationError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected for ${resource}`);
}

describe('parseSearchQuery', () => {
  it('returns typed values for a typical payment search', () => {
    expect(
      parseSearchQuery('payment_intents', 'status:"Succeeded" AND amount>"1000" AND currency:USD AND -customer:null'),
    ).toEqual({
      combinator: 'and',
      clauses: [
        { field: 'status', op: ':', value: 'succeeded', negated: false },
        { field: 'amount', op: '>', value: 1000, negated: false },
        { field: 'currency', op: ':', value: 'usd', negated: false },
        { field: 'customer', op: ':', value: null, negated: true },
      ],
    });
  });

  it('coerces timestamps, strings, booleans and metadata', () => {
    const { clauses } = parseSearchQuery(
      'payment_intents',
      'created>=1704067200 last4:4242 refunded:TRUE metadata["order_id"]:123 email~"jane"',
    );
    expect(clauses.map((c) => c.value)).toEqual([1704067200, '4242', 'true', '123', 'jane']);
    expect(clauses[3]).toMatchObject({ field: 'metadata', metadataKey: 'order_id' });
  });

  it('keeps leading zeros in string fields', () => {
    expect(parseSearchQuery('payment_intents', 'last4:0042').clauses[0]!.value).toBe('0042');
    expect(parseSearchQuery('payment_intents', 'last4:"0042"').clauses[0]!.value).toBe('0042');
  });

  it('does not mutate the parsed AST', () => {
    const ast = parseSearchSyntax('currency:"USD"');
    validateSearchQuery('payment_intents', ast);
    expect(ast.clauses[0]!.value).toBe('USD');
  });

  it('knows each resource', () => {
    expect(parseSearchQuery('customers', 'email~"rocketrides" OR name~"Amy" OR phone:"+15555550100"').clauses).toHaveLength(3);
    expect(parseSearchQuery('refunds', 'status:"pending" payment_intent:"pi_123" amount<=500').clauses).toHaveLength(3);
  });

  it('keeps the AND/OR combinator', () => {
    expect(parseSearchQuery('payment_intents', 'status:"processing" OR status:"canceled"').combinator).toBe('or');
  });

  it('lets syntax errors through unchanged', () => {
    expect(() => parseSearchQuery('payment_intents', 'amount>')).toThrow(SearchQuerySyntaxError);
  });
});

describe('validation errors', () => {
  it('names the supported fields when a field is unknown', () => {
    const error = validationError('payment_intents', 'colour:"red"');
    expect(error.field).toBe('colour');
    expect(error.message).toBe(
      'Field "colour" is not supported for payment_intents. Supported: amount, currency, status, customer, created, ' +
        'metadata["key"], description, email, last4, refunded',
    );
    expect(error).toBeInstanceOf(SearchQueryError);
    expect(validationError('customers', 'status:"active"').message).toMatch(/^Field "status" is not supported for customers/);
    expect(validationError('refunds', 'email:"a@b.co"').field).toBe('email');
  });

  it('ignores inherited object properties as field names', () => {
    expect(validationError('payment_intents', 'constructor:"x"').field).toBe('constructor');
    expect(validationError('payment_intents', '__proto__:"x"').field).toBe('__proto__');
  });

  it.each<[SearchResource, string, string]>([
    ['payment_intents', 'amount~"100"', 'Operator "~" is not supported for field "amount". Use one of: : > < >= <='],
    ['payment_intents', 'status>"processing"', 'Operator ">" is not supported for field "status". Use one of: :'],
    ['payment_intents', 'currency~"usd"', 'Operator "~" is not supported for field "currency". Use one of: :'],
    ['customers', 'phone~"555"', 'Operator "~" is not supported for field "phone". Use one of: :'],
    ['payment_intents', 'metadata["k"]~"value"', 'Operator "~" is not supported for field "metadata". Use one of: :'],
  ])('%s: rejects the operator in %j', (resource, text, message) => {
    expect(validationError(resource, text).message).toBe(message);
  });

  it.each<[SearchResource, string, string]>([
    ['payment_intents', 'amount:"abc"', '"abc" is not a number for field "amount"'],
    ['payment_intents', 'amount>abc', '"abc" is not a number for field "amount"'],
    ['refunds', 'amount:10.5', `"10.5" is not a whole number for field "amount"; amounts are in the currency's smallest unit (e.g. cents)`],
    ['payment_intents', 'amount>99999999999999999999', '"99999999999999999999" is out of range for field "amount"'],
    ['payment_intents', 'created<1.5', '"1.5" is not a Unix timestamp in seconds for field "created"'],
    ['customers', 'created>"2024-01-01"', '"2024-01-01" is not a Unix timestamp in seconds for field "created"'],
    ['payment_intents', 'currency:"dollars"', '"dollars" is not a three-letter ISO currency code for field "currency"'],
    ['payment_intents', 'last4:42', '"42" is not 4 digits for field "last4"'],
    [
      'payment_intents',
      'status:"paid"',
      'Value for "status" must be one of: requires_payment_method, requires_confirmation, requires_action, ' +
        'processing, requires_capture, canceled, succeeded (got "paid")',
    ],
    ['refunds', 'status:"processing"', 'Value for "status" must be one of: pending, succeeded, failed, canceled (got "processing")'],
    ['payment_intents', 'refunded:yes', 'Value for "refunded" must be one of: true, false (got "yes")'],
  ])('%s: rejects the value in %j', (resource, text, message) => {
    expect(validationError(resource, text).message).toBe(message);
  });

  it('checks metadata keys', () => {
    expect(validationError('customers', 'metadata:"x"').message).toBe(
      'Field "metadata" needs a key, as in metadata["order_id"]:"123"',
    );
    expect(validationError('customers', 'email["x"]:"y"').message).toBe(
      'Field "email" does not take a key; only metadata["key"] does',
    );
    expect(validationError('customers', 'metadata[""]:"y"').message).toBe('Metadata key must not be empty');
  });

  it('allows null only where a field can be absent', () => {
    expect(parseSearchQuery('payment_intents', 'metadata["k"]:null').clauses[0]!.value).toBeNull();
    expect(parseSearchQuery('customers', 'email:null').clauses[0]!.value).toBeNull();
    expect(validationError('payment_intents', 'amount:null').message).toBe(
      'Field "amount" is never null, so "amount:null" cannot match',
    );
  });
});

describe('searchFields', () => {
  it('gives every field at least the exact-match operator', () => {
    for (const fields of Object.values(searchFields)) {
      for (const def of Object.values(fields)) expect(def.ops).toContain(':');
    }
  });
});
