import { describe, expect, it } from 'vitest';
import { parseSearchSyntax, SearchQueryError, SearchQuerySyntaxError } from './parse.js';

function syntaxError(text: string): SearchQuerySyntaxError {
  try {
    parseSearchSyntax(text);
  } catch (error) {
    if (error instanceof SearchQuerySyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseSearchSyntax', () => {
  it('parses each operator', () => {
    const ops = [':', '~', '>', '<', '>=', '<='] as const;
    for (const op of ops) {
      expect(parseSearchSyntax(`amount${op}1000`).clauses).toEqual([
        { field: 'amount', op, value: 1000, negated: false },
      ]);
    }
  });

  it('reads quoted strings, with escaped quotes and backslashes', () => {
    expect(parseSearchSyntax('email:"amy@rocketrides.io"').clauses[0]!.value).toBe('amy@rocketrides.io');
    expect(parseSearchSyntax('description:"say \\"hi\\" now"').clauses[0]!.value).toBe('say "hi" now');
    expect(parseSearchSyntax('description:"a\\\\b"').clauses[0]!.value).toBe('a\\b');
    expect(parseSearchSyntax('description:"C:\\temp"').clauses[0]!.value).toBe('C:\\temp');
    expect(parseSearchSyntax('description:"x AND y OR z"').clauses).toHaveLength(1);
    // Stripe's own examples quote with single quotes.
    expect(parseSearchSyntax("metadata['key']:'it\\'s'").clauses[0]).toEqual({
      field: 'metadata',
      metadataKey: 'key',
      op: ':',
      value: "it's",
      negated: false,
    });
  });

  it('types bare values: numbers, null and words', () => {
    const values = (text: string) => parseSearchSyntax(text).clauses[0]!.value;
    expect(values('amount>1000')).toBe(1000);
    expect(values('amount>-5')).toBe(-5);
    expect(values('amount>12.5')).toBe(12.5);
    expect(values('amount:"1000"')).toBe('1000');
    expect(values('last4:0042')).toBe('0042');
    expect(values('customer:cus_123')).toBe('cus_123');
    expect(values('status:succeeded')).toBe('succeeded');
    expect(values('customer:null')).toBeNull();
    expect(values('customer:"null"')).toBe('null');
    expect(values('description:"AND"')).toBe('AND');
  });

  it('negates a clause with a leading minus', () => {
    expect(parseSearchSyntax('-status:"canceled"').clauses[0]).toEqual({
      field: 'status',
      op: ':',
      value: 'canceled',
      negated: true,
    });
    expect(parseSearchSyntax('-metadata["key"]:null').clauses[0]).toMatchObject({ negated: true, value: null });
  });

  it('reads metadata keys', () => {
    expect(parseSearchSyntax('metadata["order_id"]:"123"')).toEqual({
      combinator: 'and',
      clauses: [{ field: 'metadata', metadataKey: 'order_id', op: ':', value: '123', negated: false }],
    });
    expect(parseSearchSyntax('metadata["with \\"quote\\" and ]"]:"1"').clauses[0]!.metadataKey).toBe(
      'with "quote" and ]',
    );
  });

  it('combines clauses with AND, OR or a space', () => {
    expect(parseSearchSyntax('status:"succeeded" AND amount>1000')).toEqual({
      combinator: 'and',
      clauses: [
        { field: 'status', op: ':', value: 'succeeded', negated: false },
        { field: 'amount', op: '>', value: 1000, negated: false },
      ],
    });
    expect(parseSearchSyntax('currency:"usd" OR currency:"eur" OR currency:"gbp"').combinator).toBe('or');
    const spaced = parseSearchSyntax('email:"a@b.co" metadata["key"]:"value"');
    expect(spaced.combinator).toBe('and');
    expect(spaced.clauses).toHaveLength(2);
    expect(parseSearchSyntax('amount>1').combinator).toBe('and');
  });

  it('accepts keywords in any case, as Stripe does', () => {
    expect(parseSearchSyntax('amount>1 and amount<9').combinator).toBe('and');
    expect(parseSearchSyntax('amount>1 or amount<9 Or amount:5').combinator).toBe('or');
  });

  it('tolerates whitespace around clauses, operators and keys', () => {
    const query = parseSearchSyntax('  \tstatus : "succeeded"\n  AND   amount >=  10   metadata [ "k" ] :"v"  ');
    expect(query.clauses).toEqual([
      { field: 'status', op: ':', value: 'succeeded', negated: false },
      { field: 'amount', op: '>=', value: 10, negated: false },
      { field: 'metadata', metadataKey: 'k', op: ':', value: 'v', negated: false },
    ]);
  });

  it('allows up to 10 clauses', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `amount:${i}`).join(' AND ');
    expect(parseSearchSyntax(ten).clauses).toHaveLength(10);
    const eleven = `${ten} AND amount:10`;
    const error = syntaxError(eleven);
    expect(error.position).toBe(eleven.lastIndexOf('amount:10'));
    expect(error.message).toMatch(/at most 10 clauses/);
  });
});

describe('syntax errors', () => {
  it.each([
    ['amount>', 7, 'Expected a value after "amount>" at position 7'],
    ['amount> AND currency:"usd"', 8, 'Expected a value after "amount>" at position 8, found "AND"; quote it to search for the word itself'],
    ['', 0, 'Expected a field name such as status:"succeeded" at position 0'],
    ['   ', 3, 'Expected a field name such as status:"succeeded" at position 3'],
    ['amount', 6, 'Expected an operator (:, ~, >, <, >=, <=) after "amount" at position 6'],
    ['amount=5', 6, 'Expected an operator (:, ~, >, <, >=, <=) after "amount" at position 6, found "="; use ":" for an exact match'],
    ['"status":"x"', 0, 'Expected a field name such as status:"succeeded" at position 0, found ""status""; field names are not quoted'],
    ['status:"succeeded', 7, 'Expected a closing " for the string that starts at position 7'],
    ['status:"x" AND', 14, 'Expected a clause after "AND" at position 14'],
    ['AND status:"x"', 0, 'Expected a clause such as status:"succeeded" at position 0, found "AND"'],
    ['status:"x" AND OR amount>1', 15, 'Expected a clause such as status:"succeeded" at position 15, found "OR"'],
    ['- status:"x"', 1, 'Expected a field name right after "-" at position 1'],
    ['metadata[key]:"v"', 9, 'Expected a quoted key after "metadata[" at position 9, found "key", as in metadata["order_id"]'],
    ['metadata["k":"v"', 12, 'Expected "]" after "metadata["k"" at position 12, found ":"'],
    ['status:"x"amount>1', 10, 'Expected a space between clauses at position 10, found "amount"'],
    ['(status:"x")', 0, 'Expected a field name such as status:"succeeded" at position 0, found "("'],
    ['status:"x" (amount>1)', 11, 'Expected AND, OR or the end of the query at position 11, found "("; parentheses are not supported'],
    ['status:"x" & amount>1', 11, 'Unexpected character "&" at position 11; put values that contain it in double quotes'],
    ['amount>null', 7, 'Expected a value other than null after "amount>" at position 7; null only works with ":"'],
  ])('%j fails at %i', (text, position, message) => {
    const error = syntaxError(text);
    expect(error.position).toBe(position);
    expect(error.message).toBe(message);
    expect(error).toBeInstanceOf(SearchQueryError);
  });

  it('needs at least 3 characters for a substring search', () => {
    const error = syntaxError('email~"ab"');
    expect(error.position).toBe(6);
    expect(error.message).toBe('Expected at least 3 characters for a substring search after "email~" at position 6, found "ab"');
    expect(syntaxError('name~""').position).toBe(5);
    expect(parseSearchSyntax('email~"abc"').clauses[0]!.value).toBe('abc');
  });

  it('refuses to mix AND and OR, naming both places', () => {
    const text = 'status:"succeeded" AND amount>1000 OR currency:"usd"';
    const error = syntaxError(text);
    expect(error.position).toBe(text.indexOf('OR'));
    expect(error.message).toBe(
      'Cannot mix AND and OR in one query: clauses are joined by "AND" at position 19 and by "OR" at position 35. ' +
        "Stripe's search language has no parentheses, so use only AND or only OR",
    );
  });

  it('treats a space as AND when checking for mixing', () => {
    const text = 'status:"succeeded" OR amount>1000 currency:"usd"';
    const error = syntaxError(text);
    expect(error.position).toBe(33);
    expect(error.message).toContain('joined by a space (which means AND) at position 33 and by "OR" at position 19');
  });
});
