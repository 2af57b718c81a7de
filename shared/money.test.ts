import { describe, expect, it } from 'vitest';
import { currencyInfo, formatAmount, parseMajorUnits, toMajorUnitString } from './money.js';

describe('money', () => {
  it('knows exponents', () => {
    expect(currencyInfo('usd').exponent).toBe(2);
    expect(currencyInfo('JPY').exponent).toBe(0);
    expect(currencyInfo('kwd').exponent).toBe(3);
  });
  it('converts minor units to major strings exactly', () => {
    expect(toMajorUnitString(1999, 'usd')).toBe('19.99');
    expect(toMajorUnitString(5, 'usd')).toBe('0.05');
    expect(toMajorUnitString(5000, 'jpy')).toBe('5000');
    expect(toMajorUnitString(1234, 'kwd')).toBe('1.234');
    expect(toMajorUnitString(-250, 'eur')).toBe('-2.50');
    expect(toMajorUnitString(99999999, 'usd')).toBe('999999.99');
  });
  it('parses typed amounts without floats', () => {
    expect(parseMajorUnits('19.99', 'usd')).toBe(1999);
    expect(parseMajorUnits('0.1', 'usd')).toBe(10);
    expect(parseMajorUnits('1,000', 'jpy')).toBe(1000);
    expect(parseMajorUnits('1.5', 'jpy')).toBeNull();
    expect(parseMajorUnits('1.234', 'kwd')).toBe(1234);
    expect(parseMajorUnits('1.2345', 'kwd')).toBeNull();
    expect(parseMajorUnits('abc', 'usd')).toBeNull();
  });
  it('formats for display', () => {
    expect(formatAmount(9999, 'usd')).toBe('$99.99');
    expect(formatAmount(5000, 'jpy')).toBe('¥5,000');
    expect(formatAmount(1234, 'kwd')).toMatch(/1\.234/);
  });
});
