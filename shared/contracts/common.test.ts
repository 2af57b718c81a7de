import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { arrayParam, boolParam, intParam, listParams, mergeMetadata, metadataParam } from './common.js';
import { createPaymentIntentParams } from './payment-intents.js';
import { createRefundApiParams } from './refunds.js';

describe('form-encoded parameter helpers', () => {
  it('reads integers and booleans from strings, and refuses look-alikes', () => {
    const n = intParam({ min: 1, max: 100 });
    expect(n.parse('42')).toBe(42);
    expect(n.parse(42)).toBe(42);
    for (const bad of ['4.2', '1e3', '', 'abc', 0, 101, 1.5]) expect(n.safeParse(bad).success).toBe(false);
    expect(boolParam().parse('true')).toBe(true);
    expect(boolParam().parse(false)).toBe(false);
    expect(boolParam().safeParse('yes').success).toBe(false);
  });

  it('accepts arrays in both bracket notations', () => {
    const a = arrayParam(z.string());
    expect(a.parse(['card'])).toEqual(['card']);
    expect(a.parse({ 1: 'b', 0: 'a' })).toEqual(['a', 'b']);
  });

  it('limits metadata like Stripe and merges updates with "" meaning delete', () => {
    expect(metadataParam.parse({ n: 5 })).toEqual({ n: '5' });
    expect(metadataParam.parse('')).toBeNull();
    expect(metadataParam.safeParse({ ['k'.repeat(41)]: 'v' }).success).toBe(false);
    expect(metadataParam.safeParse({ k: 'v'.repeat(501) }).success).toBe(false);
    expect(metadataParam.safeParse(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']))).success).toBe(false);
    expect(mergeMetadata({ a: '1', b: '2' }, { a: '', c: '3' })).toEqual({ b: '2', c: '3' });
    expect(mergeMetadata({ a: '1' }, null)).toEqual({});
  });

  it('defaults list limits and rejects unknown parameters', () => {
    expect(listParams.parse({}).limit).toBe(10);
    expect(listParams.parse({ created: { gte: '5' } }).created).toEqual({ gte: 5 });
    expect(listParams.safeParse({ offset: '10' }).success).toBe(false);
    expect(createPaymentIntentParams.safeParse({ amount: '100', currency: 'usd', confirm: 'true', payment_method_types: { 0: 'card' } }).success).toBe(true);
    expect(createPaymentIntentParams.safeParse({ amount: '100', currency: 'xyz' }).success).toBe(false);
    // Parsing the output again gives the same result (edge and service both parse).
    const once = createPaymentIntentParams.parse({ amount: '100', currency: 'USD', confirm: 'true', metadata: { a: 1 } });
    expect(createPaymentIntentParams.parse(once)).toEqual(once);
    expect(createRefundApiParams.safeParse({ payment_intent: 'pi_1', note: 'x' }).success).toBe(false);
  });
});
