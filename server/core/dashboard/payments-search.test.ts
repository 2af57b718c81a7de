import { describe, expect, it } from 'vitest';
import { classifyPaymentSearch } from './payments.service.js';

describe('classifyPaymentSearch', () => {
  it('recognises ids, last 4, emails, queries and free text', () => {
    expect(classifyPaymentSearch('  pi_3MtwBwLkdIwHu7ix28a3tqPa ')).toEqual({ kind: 'id', type: 'payment', id: 'pi_3MtwBwLkdIwHu7ix28a3tqPa' });
    expect(classifyPaymentSearch('cus_NffrFeUfNV2Hib')).toMatchObject({ kind: 'id', type: 'customer' });
    expect(classifyPaymentSearch('re_1Nispe2eZvKYlo2Cd31jOCgZ')).toMatchObject({ kind: 'id', type: 'refund' });
    expect(classifyPaymentSearch('4242')).toEqual({ kind: 'last4', value: '4242' });
    expect(classifyPaymentSearch('jenny@example.com')).toEqual({ kind: 'email', value: 'jenny@example.com' });
    expect(classifyPaymentSearch('@example')).toEqual({ kind: 'email', value: '@example' });
    expect(classifyPaymentSearch('status:"succeeded" amount>100')).toMatchObject({ kind: 'query', query: { combinator: 'and' } });
    expect(classifyPaymentSearch('email~"jenny@"')).toMatchObject({ kind: 'query' });
    expect(classifyPaymentSearch('winter jacket')).toEqual({ kind: 'text', value: 'winter jacket' });
    // Not one of the dashboard's objects: plain text.
    expect(classifyPaymentSearch('evt_1NG8Du2eZvKYlo2CUI79vXWy')).toMatchObject({ kind: 'text' });
    expect(classifyPaymentSearch('   ')).toBeUndefined();
  });

  it('reports syntax errors with their position and short text', () => {
    expect(() => classifyPaymentSearch('amount>')).toThrow(expect.objectContaining({ code: 'search_query_invalid', param: 'q', extra: { position: 7 } }));
    expect(() => classifyPaymentSearch('status:"succeeded" AND amount>1 OR currency:"usd"')).toThrow(/Cannot mix AND and OR/);
    expect(() => classifyPaymentSearch('ab')).toThrow(/at least 3 characters/);
  });
});
