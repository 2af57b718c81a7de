import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SearchQuerySyntaxError, SearchQueryValidationError } from '../../../shared/search/index.js';
import { toErrorResponse } from '../../api/errors.js';
import { classifyPaymentSearch } from '../dashboard/payments.service.js';
import { compileSearchText, toSearchError } from './search.repository.js';

const scope = { merchantId: 'acct_x', livemode: false };
const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('one mapping for bad searches', () => {
  it('gives REST and the dashboard the same error, on their own parameter', () => {
    for (const text of ['amount>', 'colour:"red"', 'status:"succeeded" AND amount>1 OR currency:"usd"', 'amount:12.5']) {
      const rest = thrown(() => compileSearchText('payment_intents', scope, text)) as { code: string; param: string; message: string; extra?: unknown };
      const dashboard = thrown(() => classifyPaymentSearch(text)) as typeof rest;
      expect(rest).toMatchObject({ code: 'search_query_invalid', param: 'query' });
      expect(dashboard).toMatchObject({ code: 'search_query_invalid', param: 'q', message: rest.message, extra: rest.extra });
    }
    expect(thrown(() => compileSearchText('payment_intents', scope, 'amount>'))).toMatchObject({ extra: { position: 7 } });
  });

  it('is what the REST error handler answers for a search error thrown anywhere', () => {
    const syntax = new SearchQuerySyntaxError('Expected a value', 7);
    expect(toErrorResponse(syntax, 'req_1')).toMatchObject({ status: 400, body: { error: { code: 'search_query_invalid', param: 'query', message: syntax.message } } });
    expect(toSearchError(syntax, 'q')).toMatchObject({ code: 'search_query_invalid', param: 'q', extra: { position: 7 } });
    expect(toSearchError(new SearchQueryValidationError('colour', 'Field "colour" is not supported')).extra).toBeUndefined();
  });
});

describe('compiled searches', () => {
  const sqlOf = (text: string) => compileSearchText('payment_intents', scope, text);

  it('keeps positive clauses sargable and negates with "is not true"', () => {
    const text = (query: string) => sqlOf(query).condition.compile(compiler).sql;
    // An index condition needs the bare comparison: coalesce(customer_id = $1, false) is not one.
    expect(text('customer:"cus_1" AND -status:"canceled"')).toBe('("payment_intents"."customer_id" = $1 and (payment_intents.status = $2) is not true)');
    expect(text('description:"Gift"')).toBe('((lower("payment_intents"."description") like $1 and "payment_intents"."description" = $2))');
  });

  it('says which part an index narrows', () => {
    expect(sqlOf('-status:"canceled"').narrowing).toBeUndefined();
    expect(sqlOf('metadata["k"]:null').narrowing).toBeUndefined();
    expect(sqlOf('refunded:false').narrowing).toBeUndefined();
    expect(sqlOf('customer:"cus_1" AND -status:"canceled"').narrowing).toBeDefined();
    expect(sqlOf('customer:"cus_1" OR -status:"canceled"').narrowing).toBeUndefined();
    expect(sqlOf('customer:"cus_1" OR status:"requires_capture"').narrowing).toBeDefined();
    expect(sqlOf('created>1 AND -status:"canceled"').walkRange).toBeDefined();
    expect(sqlOf('created>1 OR -status:"canceled"').walkRange).toBeUndefined();
  });
});
