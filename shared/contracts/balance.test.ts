import { describe, expect, it } from 'vitest';
import { cardFee } from './balance.js';

describe('cardFee (2.9 % + 30 by default, integer arithmetic)', () => {
  it('rounds the percentage half up in two-decimal currencies', () => {
    expect(cardFee(1000, 'usd')).toBe(59); // 29 + 30
    expect(cardFee(1999, 'usd')).toBe(88); // 57.971 -> 58, + 30
    expect(cardFee(1017, 'eur')).toBe(59); // 29.493 -> 29, + 30
    expect(cardFee(1035, 'eur')).toBe(60); // 30.015 -> 30, + 30
    expect(cardFee(99_999_999, 'usd')).toBe(2_900_030); // 2 899 999.971 -> 2 900 000, + 30
  });
  it('zero-decimal currencies: whole yen', () => {
    expect(cardFee(500, 'jpy')).toBe(45); // 14.5 -> 15, + 30
    expect(cardFee(1234, 'jpy')).toBe(66); // 35.786 -> 36, + 30
  });
  it('three-decimal currencies: multiples of 10', () => {
    expect(cardFee(10_000, 'kwd')).toBe(320); // 290 + 30
    expect(cardFee(12_340, 'kwd')).toBe(390); // 357.86 -> 358, + 30 = 388 -> 390
    expect(cardFee(cardFee(5_000, 'bhd') && 5_000, 'bhd') % 10).toBe(0);
  });
  it('honours a custom schedule and never exceeds the amount', () => {
    expect(cardFee(1000, 'usd', { percent_bps: 150, fixed: 0 })).toBe(15);
    expect(cardFee(20, 'usd')).toBe(20);
    expect(() => cardFee(10.5, 'usd')).toThrow();
  });
});
