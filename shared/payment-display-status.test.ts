import { describe, expect, it } from 'vitest';
import { DISPLAY_STATUSES, DISPLAY_STATUS_LABELS, DISPLAY_STATUS_TONES, intentDisplayStatus, paymentDisplayStatus } from './payment-display-status.js';

const base = { amountReceived: 0, amountRefunded: 0, hasPaymentError: false, failedAttempts: 0 };

describe('paymentDisplayStatus', () => {
  it.each([
    [{ status: 'succeeded', amountReceived: 1000 }, 'succeeded'],
    [{ status: 'succeeded', amountReceived: 1000, amountRefunded: 1 }, 'partially_refunded'],
    [{ status: 'succeeded', amountReceived: 1000, amountRefunded: 999 }, 'partially_refunded'],
    [{ status: 'succeeded', amountReceived: 1000, amountRefunded: 1000 }, 'refunded'],
    // A partial capture received less than the amount; refunding all of it is a full refund.
    [{ status: 'succeeded', amountReceived: 600, amountRefunded: 600 }, 'refunded'],
    [{ status: 'requires_capture' }, 'uncaptured'],
    [{ status: 'requires_action' }, 'requires_action'],
    [{ status: 'requires_payment_method' }, 'incomplete'],
    [{ status: 'requires_payment_method', hasPaymentError: true, failedAttempts: 1 }, 'failed'],
    [{ status: 'requires_confirmation' }, 'incomplete'],
    [{ status: 'processing' }, 'incomplete'],
    [{ status: 'canceled' }, 'canceled'],
    [{ status: 'canceled', failedAttempts: 2 }, 'failed'],
  ] as const)('%o -> %s', (input, expected) => {
    expect(paymentDisplayStatus({ ...base, ...input })).toBe(expected);
  });

  it('reads a Stripe-shaped intent', () => {
    expect(intentDisplayStatus({ status: 'requires_payment_method', amount_received: 0, amount_refunded: 0, last_payment_error: { code: 'card_declined' } }, 1)).toBe('failed');
    expect(intentDisplayStatus({ status: 'requires_payment_method', amount_received: 0, amount_refunded: 0, last_payment_error: null }, 0)).toBe('incomplete');
  });

  it('has a label and a tone for every status', () => {
    for (const s of DISPLAY_STATUSES) {
      expect(DISPLAY_STATUS_LABELS[s]).toMatch(/^[A-Z]/);
      expect(DISPLAY_STATUS_TONES[s]).toBeTruthy();
    }
  });
});
