import { describe, expect, it } from 'vitest';
import { checkCaptureAmount, checkPayoutAmount, checkRefundAmount } from './amount-check';

describe('partial capture amount', () => {
  it('converts major units to minor units exactly', () => {
    expect(checkCaptureAmount('12.34', 'usd', 8000)).toEqual({ ok: true, amount: 1234 });
    expect(checkCaptureAmount('0.29', 'usd', 8000)).toEqual({ ok: false, error: 'At least $0.50 must be captured.' });
    expect(checkCaptureAmount('1,000', 'jpy', 5000)).toEqual({ ok: true, amount: 1000 });
    expect(checkCaptureAmount('1.234', 'kwd', 5000)).toEqual({ ok: true, amount: 1234 });
    expect(checkCaptureAmount('80', 'usd', 8000)).toEqual({ ok: true, amount: 8000 });
  });

  it('refuses text that is not an amount or has too many decimals', () => {
    for (const text of ['', 'abc', '-5', '0', '0.00', '1.234']) {
      expect(checkCaptureAmount(text, 'usd', 8000).ok, text).toBe(false);
    }
    expect(checkCaptureAmount('10.5', 'jpy', 5000)).toEqual({ ok: false, error: 'Enter a whole amount in JPY.' });
  });

  it('never allows more than the capturable amount', () => {
    expect(checkCaptureAmount('80.01', 'usd', 8000)).toEqual({ ok: false, error: 'At most $80.00 can be captured.' });
  });
});

describe('amounts that are not positive', () => {
  it('say the amount must be greater than zero, not how many decimals it may have', () => {
    for (const text of ['0', '0.00', '-5', '-0.50', ' 0 ', '-1,000']) {
      expect(checkRefundAmount(text, 'usd', 2500), text).toEqual({ ok: false, error: 'Enter an amount greater than zero.' });
      expect(checkCaptureAmount(text, 'jpy', 2500), text).toEqual({ ok: false, error: 'Enter an amount greater than zero.' });
    }
    expect(checkRefundAmount('1.234', 'usd', 2500)).toEqual({ ok: false, error: 'Enter an amount like 10.00 (at most 2 decimals).' });
  });
});

describe('partial refund amount', () => {
  it('allows any positive amount up to what is refundable, with the same parsing', () => {
    expect(checkRefundAmount('0.01', 'usd', 2500)).toEqual({ ok: true, amount: 1 });
    expect(checkRefundAmount('25.01', 'usd', 2500)).toEqual({ ok: false, error: 'At most $25.00 can be refunded.' });
    expect(checkRefundAmount('1.5', 'jpy', 5000)).toEqual({ ok: false, error: 'Enter a whole amount in JPY.' });
  });
});

describe('manual payout amount', () => {
  it('takes any amount up to the available balance, in the currency\'s own decimals', () => {
    expect(checkPayoutAmount('12.34', 'usd', 8000)).toEqual({ ok: true, amount: 1234 });
    expect(checkPayoutAmount('0.01', 'usd', 8000)).toEqual({ ok: true, amount: 1 });
    expect(checkPayoutAmount('5,000', 'jpy', 5000)).toEqual({ ok: true, amount: 5000 });
    expect(checkPayoutAmount('1.005', 'kwd', 5000)).toEqual({ ok: true, amount: 1005 });
  });

  it('refuses more than available, zero or negative, and too many decimals', () => {
    expect(checkPayoutAmount('80.01', 'usd', 8000)).toEqual({ ok: false, error: 'At most $80.00 can be paid out.' });
    expect(checkPayoutAmount('0', 'usd', 8000)).toEqual({ ok: false, error: 'Enter an amount greater than zero.' });
    expect(checkPayoutAmount('-3', 'usd', 8000)).toEqual({ ok: false, error: 'Enter an amount greater than zero.' });
    expect(checkPayoutAmount('1.5', 'jpy', 8000)).toEqual({ ok: false, error: 'Enter a whole amount in JPY.' });
    expect(checkPayoutAmount('1.0005', 'kwd', 8000)).toEqual({ ok: false, error: 'Enter an amount like 10.000 (at most 3 decimals).' });
    expect(checkPayoutAmount('1.234', 'usd', 8000)).toEqual({ ok: false, error: 'Enter an amount like 10.00 (at most 2 decimals).' });
  });
});
