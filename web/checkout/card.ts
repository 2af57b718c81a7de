/**
 * Card number, expiry and CVC rules for the checkout form: pure functions, no DOM, so they are unit-tested
 * alone. Nothing here keeps or logs what the buyer types.
 */
import { luhnValid } from '../../shared/card';

type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay' | 'unknown';

interface BrandRule {
  brand: Exclude<CardBrand, 'unknown'>;
  label: string;
  pattern: RegExp;
  lengths: number[];
  gaps: number[];
  cvcLength: number;
}

// Most specific first: Discover's 622126-622925 lies inside UnionPay's 62 range.
const RULES: BrandRule[] = [
  { brand: 'amex', label: 'American Express', pattern: /^3[47]/, lengths: [15], gaps: [4, 10], cvcLength: 4 },
  { brand: 'diners', label: 'Diners Club', pattern: /^3(0[0-5]|[689])/, lengths: [14, 16, 19], gaps: [4, 10], cvcLength: 3 },
  { brand: 'jcb', label: 'JCB', pattern: /^35(2[89]|[3-8])/, lengths: [16, 17, 18, 19], gaps: [4, 8, 12, 16], cvcLength: 3 },
  { brand: 'visa', label: 'Visa', pattern: /^4/, lengths: [13, 16, 19], gaps: [4, 8, 12, 16], cvcLength: 3 },
  {
    brand: 'mastercard',
    label: 'Mastercard',
    pattern: /^(5[1-5]|222[1-9]|22[3-9]|2[3-6]|27[01]|2720)/,
    lengths: [16],
    gaps: [4, 8, 12, 16],
    cvcLength: 3,
  },
  {
    brand: 'discover',
    label: 'Discover',
    pattern: /^(6011|65|64[4-9]|622(12[6-9]|1[3-9]|[2-8]|9[01]|92[0-5]))/,
    lengths: [16, 17, 18, 19],
    gaps: [4, 8, 12, 16],
    cvcLength: 3,
  },
  { brand: 'unionpay', label: 'UnionPay', pattern: /^62/, lengths: [16, 17, 18, 19], gaps: [4, 8, 12, 16], cvcLength: 3 },
];

const UNKNOWN: Omit<BrandRule, 'brand' | 'pattern'> & { brand: 'unknown' } = {
  brand: 'unknown',
  label: '',
  lengths: [16, 17, 18, 19],
  gaps: [4, 8, 12, 16],
  cvcLength: 3,
};

export function digitsOnly(value: string): string {
  return value.replace(/\D/g, '');
}

function brandRule(digits: string) {
  return RULES.find((rule) => rule.pattern.test(digits)) ?? UNKNOWN;
}

export function detectBrand(value: string): CardBrand {
  return brandRule(digitsOnly(value)).brand;
}

export function brandLabel(brand: CardBrand): string {
  return RULES.find((rule) => rule.brand === brand)?.label ?? '';
}

export function maxCardLength(value: string): number {
  return Math.max(...brandRule(digitsOnly(value)).lengths);
}

/** "4242424242424242" -> "4242 4242 4242 4242"; Amex "378282246310005" -> "3782 822463 10005". */
export function formatCardNumber(value: string): string {
  const rule = brandRule(digitsOnly(value));
  const digits = digitsOnly(value).slice(0, Math.max(...rule.lengths));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (rule.gaps.includes(i)) out += ' ';
    out += digits[i];
  }
  return out;
}

/** A field's verdict: null when valid, else the words to show under it. */
export type FieldProblem = string | null;

export function cardNumberProblem(value: string): FieldProblem {
  const digits = digitsOnly(value);
  if (!digits) return 'Enter your card number.';
  const rule = brandRule(digits);
  if (!rule.lengths.includes(digits.length)) return 'Your card number is incomplete.';
  if (!luhnValid(digits)) return 'Your card number is invalid. Check it and try again.';
  return null;
}

/**
 * Formats the expiry as typed: "1" -> "1", "4" -> "04 / ", "122" -> "12 / 2". Deleting keeps what is left
 * (the caller passes `deleting` so "12 / " backspaced becomes "1", not "12 / " again).
 */
export function formatExpiry(value: string, deleting = false): string {
  let digits = digitsOnly(value);
  if (digits.length === 1 && Number(digits) > 1) digits = `0${digits}`;
  // "13" cannot be a month: read it as 01 / 3.
  if (digits.length >= 2 && Number(digits.slice(0, 2)) > 12) digits = `0${digits}`;
  // Autofill may give MM/YYYY: keep the last two digits of the year.
  if (digits.length === 6) digits = digits.slice(0, 2) + digits.slice(4);
  digits = digits.slice(0, 4);
  if (digits.length < 2) return digits;
  if (digits.length === 2) return deleting ? digits : `${digits} / `;
  return `${digits.slice(0, 2)} / ${digits.slice(2)}`;
}

export interface Expiry {
  month: number;
  year: number;
}

export function parseExpiry(value: string): Expiry | null {
  const match = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(value);
  if (!match) return null;
  const month = Number(match[1]);
  const year = match[2].length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
  if (month < 1 || month > 12) return null;
  return { month, year };
}

export function expiryProblem(value: string, now = new Date()): FieldProblem {
  if (!value.trim()) return 'Enter the expiry date.';
  const expiry = parseExpiry(value);
  if (!expiry) return 'Enter the expiry date as MM / YY.';
  // A card is valid through the last day of its expiry month.
  const thisMonth = now.getFullYear() * 12 + now.getMonth();
  const cardMonth = expiry.year * 12 + (expiry.month - 1);
  if (cardMonth < thisMonth) return 'Your card’s expiry date is in the past.';
  if (expiry.year > now.getFullYear() + 50) return 'Your card’s expiry year is invalid.';
  return null;
}

export function cvcLength(cardNumber: string): number {
  return brandRule(digitsOnly(cardNumber)).cvcLength;
}

export function cvcProblem(value: string, cardNumber: string): FieldProblem {
  const digits = digitsOnly(value);
  if (!digits) return 'Enter the security code.';
  const brand = detectBrand(cardNumber);
  const ok = brand === 'unknown' ? digits.length === 3 || digits.length === 4 : digits.length === cvcLength(cardNumber);
  if (!ok) return brand === 'amex' ? 'The security code is the 4 digits on the front of your card.' : 'Your card’s security code is incomplete.';
  return null;
}

export function nameProblem(value: string): FieldProblem {
  return value.trim() ? null : 'Enter the name on your card.';
}

export function emailProblem(value: string): FieldProblem {
  const email = value.trim();
  if (!email) return 'Enter your email address.';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return 'Enter a valid email address, like name@example.com.';
  return null;
}

/**
 * Where the caret belongs after reformatting: after the same number of digits as before it.
 * Keeps editing in the middle of "4242 4242" from jumping to the end.
 */
export function caretAfterDigits(formatted: string, digitsBeforeCaret: number): number {
  if (digitsBeforeCaret <= 0) return 0;
  let seen = 0;
  for (let i = 0; i < formatted.length; i++) {
    if (/\d/.test(formatted[i])) seen++;
    if (seen === digitsBeforeCaret) return i + 1;
  }
  return formatted.length;
}
