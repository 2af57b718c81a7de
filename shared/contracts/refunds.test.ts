import { describe, expect, it } from 'vitest';
import { refundableAmount } from './refunds.js';

describe('refundableAmount (the one computation of what is left to refund)', () => {
  it('is what was received less what is refunded or pending, for succeeded payments only', () => {
    expect(refundableAmount({ status: 'succeeded', amount_received: 5199, amount_refunded: 0 })).toBe(5199);
    expect(refundableAmount({ status: 'succeeded', amount_received: 5199, amount_refunded: 1200 })).toBe(3999);
    expect(refundableAmount({ status: 'succeeded', amount_received: 5199, amount_refunded: 5199 })).toBe(0);
    expect(refundableAmount({ status: 'succeeded', amount_received: 3000n, amount_refunded: 1000n })).toBe(2000);
    for (const status of ['requires_capture', 'canceled', 'requires_payment_method', 'processing']) {
      expect(refundableAmount({ status, amount_received: 5000, amount_refunded: 0 })).toBe(0);
    }
  });
});
