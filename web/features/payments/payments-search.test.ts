import { describe, expect, it } from 'vitest';
import { paymentListInput, paymentsSearchSchema, statusList } from './payments-search';
import { checkQuery, looksLikeQuery } from '../../components/search-box';
import { amountSummary } from '../../components/filters';

const merchant = { timezone: 'UTC', defaultCurrency: 'usd' };

describe('payments URL state', () => {
  it('falls back to defaults instead of failing on a hand-edited URL', () => {
    const search = paymentsSearchSchema.parse({ limit: 7, sort: 'bogus', dir: 'up', last4: '12', currency: 'xyz', date: 'yesterday' });
    expect(search).toMatchObject({ limit: 25, sort: 'created', dir: 'desc', last4: undefined, currency: undefined, date: undefined });
  });

  it('keeps known statuses and drops a hand-edited list with unknown ones', () => {
    expect(paymentsSearchSchema.parse({ status: 'failed,refunded' }).status).toBe('failed,refunded');
    expect(paymentsSearchSchema.parse({ status: 'failed,nonsense' }).status).toBeUndefined();
    expect(statusList({ status: 'failed,succeeded' })).toEqual(['succeeded', 'failed']);
  });

  it('converts typed amounts with the currency exponent, without floating point', () => {
    const usd = paymentListInput(paymentsSearchSchema.parse({ currency: 'usd', amountMin: '19.99', amountMax: '1,000' }), merchant);
    expect(usd).toMatchObject({ currency: 'usd', amountMin: 1999, amountMax: 100000 });
    const jpy = paymentListInput(paymentsSearchSchema.parse({ currency: 'jpy', amountMin: '500' }), merchant);
    expect(jpy).toMatchObject({ currency: 'jpy', amountMin: 500 });
    const kwd = paymentListInput(paymentsSearchSchema.parse({ currency: 'kwd', amountMin: '1.005' }), merchant);
    expect(kwd.amountMin).toBe(1005);
  });

  it('sends an amount range only with the currency it is in (minor units of two currencies do not compare)', () => {
    const input = paymentListInput(paymentsSearchSchema.parse({ amountMin: '100', amountMax: '150' }), merchant);
    expect(input.amountMin).toBeUndefined();
    expect(input.amountMax).toBeUndefined();
    expect(input.currency).toBeUndefined();
  });

  it('names the currency in the amount chip', () => {
    expect(amountSummary({ currency: 'usd', amountMin: '100', amountMax: '150' })).toBe('USD 100.00 – 150.00');
    expect(amountSummary({ currency: 'jpy', amountMin: '10,190' })).toBe('≥ JPY 10190');
    expect(amountSummary({ currency: 'kwd', amountMax: '1.5' })).toBe('≤ KWD 1.500');
    expect(amountSummary({ amountMin: '100' })).toBeUndefined();
  });

  it('drops an amount the currency cannot express rather than guessing', () => {
    const input = paymentListInput(paymentsSearchSchema.parse({ currency: 'jpy', amountMin: '5.50' }), merchant);
    expect(input.amountMin).toBeUndefined();
  });
});

describe('search box', () => {
  it('tells queries from ids, emails and card digits the way the server does', () => {
    expect(looksLikeQuery('pi_123')).toBe(false);
    expect(looksLikeQuery('jane@example.com')).toBe(false);
    expect(looksLikeQuery('4242')).toBe(false);
    expect(looksLikeQuery('status:"succeeded"')).toBe(true);
    expect(looksLikeQuery('amount>1000')).toBe(true);
  });

  it('reports where a malformed query breaks', () => {
    const problem = checkQuery('status:"succeeded" AND amount>');
    expect(problem?.position).toBe(30);
    expect(problem?.message).toMatch(/position 30/);
    expect(checkQuery('status:"succeeded" AND amount>1000')).toBeNull();
    expect(checkQuery('nonsense:1')?.message).toMatch(/not supported/);
  });
});
