import { describe, expect, it } from 'vitest';
import { cardNumberValid, luhnValid } from './card';

describe('luhnValid', () => {
  it('accepts numbers whose checksum holds and refuses one digit off', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('0')).toBe(true);
  });
  it('refuses anything that is not only digits', () => {
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('4242 4242 4242 4242')).toBe(false);
    expect(luhnValid('42424242424242a2')).toBe(false);
  });
});

describe('cardNumberValid', () => {
  it('needs 12 to 19 digits as well as the checksum', () => {
    expect(cardNumberValid('4242424242424242')).toBe(true);
    expect(cardNumberValid('0')).toBe(false);
    expect(cardNumberValid('00000000000')).toBe(false);
    expect(cardNumberValid('000000000000')).toBe(true);
    expect(cardNumberValid('00000000000000000000')).toBe(false);
  });
});
