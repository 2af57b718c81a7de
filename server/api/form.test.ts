import { describe, expect, it } from 'vitest';
import { PaymentError } from '../../shared/errors.js';
import { parseForm } from './form.js';

describe('parseForm (Stripe bracket notation)', () => {
  it('reads flat, nested, pushed and indexed parameters', () => {
    expect(parseForm('amount=2000&currency=usd&metadata[order_id]=6735&payment_method_types[]=card&payment_method_types[]=x')).toEqual({
      amount: '2000',
      currency: 'usd',
      metadata: { order_id: '6735' },
      payment_method_types: ['card', 'x'],
    });
    expect(parseForm('payment_method_data[card][number]=4242&payment_method_data[card][exp_month]=12&expand[0]=customer&expand[1]=latest_charge')).toEqual({
      payment_method_data: { card: { number: '4242', exp_month: '12' } },
      expand: ['customer', 'latest_charge'],
    });
    expect(parseForm('created[gte]=1700000000&created[lt]=1800000000')).toEqual({ created: { gte: '1700000000', lt: '1800000000' } });
  });

  it('decodes + and percent escapes, keeps empty values (Stripe unsets with "")', () => {
    expect(parseForm('description=hello+world%21&email=a%40b.c&name=')).toEqual({ description: 'hello world!', email: 'a@b.c', name: '' });
  });

  it('keeps numeric metadata keys as keys, not an array', () => {
    expect(parseForm('metadata[0]=a&metadata[1]=b')).toEqual({ metadata: { 0: 'a', 1: 'b' } });
  });

  it('groups [] objects the way Rack does', () => {
    expect(parseForm('items[][price]=a&items[][qty]=1&items[][price]=b')).toEqual({ items: [{ price: 'a', qty: '1' }, { price: 'b' }] });
  });

  it('never touches prototypes', () => {
    const parsed = parseForm('__proto__[polluted]=1&constructor[prototype][x]=1');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(parsed)).toEqual(['__proto__', 'constructor']);
  });

  it('refuses conflicting shapes, bad escapes and excessive nesting with a 400', () => {
    for (const bad of ['a=1&a[b]=2', 'a[b]=1&a=2', 'a[]=1&a[b]=2', 'a=%E0%A4%A', 'a[b][c][d][e][f][g][h][i]=1']) {
      let error: unknown;
      try {
        parseForm(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(PaymentError);
      expect((error as PaymentError).status).toBe(400);
    }
  });

  it('treats malformed brackets as a literal (unknown) name', () => {
    expect(parseForm('a[b=1&c]=2')).toEqual({ 'a[b': '1', 'c]': '2' });
  });
});
