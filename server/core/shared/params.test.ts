import { describe, expect, it } from 'vitest';
import { listParams } from '../../../shared/contracts/common.js';
import { createPaymentIntentParams } from '../../../shared/contracts/payment-intents.js';
import { PaymentError } from '../../../shared/errors.js';
import { parseParams } from './params.js';

function errorOf(fn: () => unknown): PaymentError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PaymentError) return e;
    throw e;
  }
  throw new Error('expected a PaymentError');
}

describe('parseParams (contract + Stripe error mapping)', () => {
  it('coerces form strings to the contract types', () => {
    const out = parseParams(createPaymentIntentParams, { amount: '2000', currency: 'USD', confirm: 'true', metadata: { a: '1' } }, { coerce: true });
    expect(out).toMatchObject({ amount: 2000, currency: 'usd', confirm: true, metadata: { a: '1' } });
  });

  it('names unknown parameters in bracket form', () => {
    const e = errorOf(() => parseParams(createPaymentIntentParams, { amount: 100, currency: 'usd', payment_method_data: { type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2040, foo: 'x' } } }, { coerce: false }));
    expect(e.code).toBe('parameter_unknown');
    expect(e.param).toBe('payment_method_data[card][foo]');
    expect(e.message).toBe('Received unknown parameter: payment_method_data[card][foo]');
  });

  it('reports missing and invalid integers like Stripe', () => {
    const missing = errorOf(() => parseParams(createPaymentIntentParams, { currency: 'usd' }, { coerce: true }));
    expect([missing.code, missing.param, missing.message]).toEqual(['parameter_missing', 'amount', 'Missing required param: amount.']);
    const invalid = errorOf(() => parseParams(createPaymentIntentParams, { amount: 'abc', currency: 'usd' }, { coerce: true }));
    expect([invalid.code, invalid.param, invalid.message]).toEqual(['parameter_invalid_integer', 'amount', 'Invalid integer: abc']);
    const empty = errorOf(() => parseParams(createPaymentIntentParams, { amount: '', currency: 'usd' }, { coerce: true }));
    expect(empty.code).toBe('parameter_invalid_empty');
  });

  it('explains range and enum problems with the parameter name', () => {
    const limit = errorOf(() => parseParams(listParams, { limit: '0' }, { coerce: true }));
    expect(limit.param).toBe('limit');
    expect(limit.message).toMatch(/^Invalid limit: must be at least 1/);
    const created = errorOf(() => parseParams(listParams, { created: { gte: 'soon' } }, { coerce: true }));
    expect(created.param).toBe('created[gte]');
    expect(created.code).toBe('parameter_invalid_integer');
    const capture = errorOf(() => parseParams(createPaymentIntentParams, { amount: 100, currency: 'usd', capture_method: 'later' }, { coerce: true }));
    expect(capture.message).toBe('Invalid capture_method: must be one of automatic, automatic_async, or manual.');
    const meta = errorOf(() => parseParams(createPaymentIntentParams, { amount: 100, currency: 'usd', metadata: { a: { b: '1' } } }, { coerce: true }));
    expect(meta.code).toBe('metadata_invalid');
    expect(meta.param).toBe('metadata[a]');
  });
});

describe('booleans and lists as every Stripe SDK sends them', () => {
  it('reads booleans case-insensitively (stripe-python sends True/False)', () => {
    for (const [text, value] of [['True', true], ['TRUE', true], ['true', true], ['False', false], ['FALSE', false]] as const) {
      expect(parseParams(createPaymentIntentParams, { amount: '2000', currency: 'usd', confirm: text }, { coerce: true }).confirm).toBe(value);
    }
    expect(errorOf(() => parseParams(createPaymentIntentParams, { amount: '2000', currency: 'usd', confirm: 'yes' }, { coerce: true })).param).toBe('confirm');
  });
});

describe('one mapper for the REST edge and the services', () => {
  it('uses Stripe’s wording for form requests and names the parameter for JSON and in-process callers', () => {
    const form = errorOf(() => parseParams(createPaymentIntentParams, { amount: 'abc', currency: 'usd' }, { coerce: true }));
    const json = errorOf(() => parseParams(createPaymentIntentParams, { amount: 'abc', currency: 'usd' }));
    expect([form.code, form.param, form.message]).toEqual(['parameter_invalid_integer', 'amount', 'Invalid integer: abc']);
    expect([json.code, json.param, json.message]).toEqual(['parameter_invalid_integer', 'amount', 'Invalid integer for amount: abc']);
    // Unknown parameters are refused by name for every caller, not only at the edge.
    expect(errorOf(() => parseParams(createPaymentIntentParams, { amount: 100, currency: 'usd', bogus: 1 })).message).toBe('Received unknown parameter: bogus');
  });
});
