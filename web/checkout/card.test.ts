import { describe, expect, it } from 'vitest';
import {
  caretAfterDigits,
  cardNumberProblem,
  cvcProblem,
  detectBrand,
  emailProblem,
  expiryProblem,
  formatCardNumber,
  formatExpiry,
  parseExpiry,
} from './card';
import { luhnValid } from '../../shared/card';
import { CANCELED_AFTER_FAILURES, declineMessage } from './messages';

describe('card number', () => {
  it('groups digits in fours as typed, and Amex as 4-6-5', () => {
    expect(formatCardNumber('4242')).toBe('4242');
    expect(formatCardNumber('42424')).toBe('4242 4');
    expect(formatCardNumber('4242424242424242')).toBe('4242 4242 4242 4242');
    expect(formatCardNumber('4242-4242 4242x4242 99999')).toBe('4242 4242 4242 4242 999');
    expect(formatCardNumber('378282246310005')).toBe('3782 822463 10005');
    expect(formatCardNumber('3782822463100059999')).toBe('3782 822463 10005');
  });

  it('detects the brand from the first digits', () => {
    expect(detectBrand('4242')).toBe('visa');
    expect(detectBrand('5555 5555')).toBe('mastercard');
    expect(detectBrand('2221 00')).toBe('mastercard');
    expect(detectBrand('3714')).toBe('amex');
    expect(detectBrand('6011')).toBe('discover');
    expect(detectBrand('3056')).toBe('diners');
    expect(detectBrand('3530')).toBe('jcb');
    expect(detectBrand('6200')).toBe('unionpay');
    expect(detectBrand('9999')).toBe('unknown');
  });

  it('checks length and the Luhn digit', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(cardNumberProblem('')).toMatch(/Enter/);
    expect(cardNumberProblem('4242 4242')).toMatch(/incomplete/);
    expect(cardNumberProblem('4242 4242 4242 4241')).toMatch(/invalid/);
    for (const n of ['4242424242424242', '4000000000000002', '4000000000009995', '4000000000000069', '4000000000000127', '4000002500003155', '4000000000003220', '378282246310005', '5555555555554444']) {
      expect(cardNumberProblem(n), n).toBeNull();
    }
  });

  it('keeps the caret after the same digit when regrouping', () => {
    // "4242 42|42" -> six digits before the caret stay six digits before it.
    expect(caretAfterDigits('4242 4242 4', 6)).toBe(7);
    expect(caretAfterDigits('4242 4242', 4)).toBe(4);
    expect(caretAfterDigits('4242', 0)).toBe(0);
  });
});

describe('expiry', () => {
  const now = new Date(2026, 10, 21);
  it('formats MM / YY as typed', () => {
    expect(formatExpiry('1')).toBe('1');
    expect(formatExpiry('4')).toBe('04 / ');
    expect(formatExpiry('12')).toBe('12 / ');
    expect(formatExpiry('12', true)).toBe('12');
    expect(formatExpiry('1234')).toBe('12 / 34');
    expect(formatExpiry('12 / 345')).toBe('12 / 34');
    expect(formatExpiry('13')).toBe('01 / 3');
    expect(formatExpiry('12/2030')).toBe('12 / 30');
  });
  it('accepts this month and later, refuses the past', () => {
    expect(parseExpiry('12 / 30')).toEqual({ month: 12, year: 2030 });
    expect(parseExpiry('7/2031')).toEqual({ month: 7, year: 2031 });
    expect(parseExpiry('13/30')).toBeNull();
    expect(expiryProblem('11 / 26', now)).toBeNull();
    expect(expiryProblem('10 / 26', now)).toMatch(/past/);
    expect(expiryProblem('', now)).toMatch(/Enter/);
    expect(expiryProblem('1', now)).toMatch(/MM \/ YY/);
  });
});

describe('cvc, email', () => {
  it('wants 3 digits, or 4 for Amex', () => {
    expect(cvcProblem('123', '4242424242424242')).toBeNull();
    expect(cvcProblem('12', '4242424242424242')).toMatch(/incomplete/);
    expect(cvcProblem('1234', '4242424242424242')).toMatch(/incomplete/);
    expect(cvcProblem('1234', '378282246310005')).toBeNull();
    expect(cvcProblem('123', '378282246310005')).toMatch(/4 digits/);
    expect(cvcProblem('', '4242')).toMatch(/Enter/);
  });
  it('checks the email shape', () => {
    expect(emailProblem('jane@example.com')).toBeNull();
    expect(emailProblem('jane@')).toMatch(/valid/);
    expect(emailProblem(' ')).toMatch(/Enter/);
  });
});

describe('decline messages', () => {
  it('says what happened in plain words, and which field to fix', () => {
    expect(declineMessage({ code: 'card_declined', decline_code: 'insufficient_funds' }).text).toMatch(/insufficient funds/);
    expect(declineMessage({ code: 'expired_card', decline_code: 'expired_card' })).toMatchObject({ field: 'expiry', text: expect.stringMatching(/expired/) });
    expect(declineMessage({ code: 'incorrect_cvc', decline_code: 'incorrect_cvc' })).toMatchObject({ field: 'cvc', text: expect.stringMatching(/security code is incorrect/) });
    expect(declineMessage({ code: 'card_declined', decline_code: 'generic_decline' }).text).toMatch(/declined/);
    expect(declineMessage({ code: 'payment_intent_authentication_failure' }).text).toMatch(/authentication failed/);
    // Never reveal lost/stolen to the person holding the card.
    expect(declineMessage({ code: 'card_declined', decline_code: 'stolen_card' }).text).toMatch(/was declined/);
    expect(CANCELED_AFTER_FAILURES).toBe('This payment was canceled after too many failed attempts');
  });
});
