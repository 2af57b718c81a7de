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

describe('percent text', () => {
  it('converts without floats', async () => {
    const { percentTextToBps, bpsToPercentText, balanceSettingsForm } = await import('./balance.js');
    expect(percentTextToBps('2.9')).toBe(290);
    expect(percentTextToBps('0.05')).toBe(5);
    expect(percentTextToBps('3')).toBe(300);
    expect(percentTextToBps('2.999')).toBeNull();
    expect(bpsToPercentText(290)).toBe('2.9');
    expect(bpsToPercentText(305)).toBe('3.05');
    expect(bpsToPercentText(300)).toBe('3');
    const parsed = balanceSettingsForm.parse({ fee_percent: '1.5', fee_fixed: '25', payout_interval: 'weekly', payout_weekly_anchor: 'friday', payout_monthly_anchor: '1', payout_delay_days: '2' });
    expect(parsed).toEqual({ fee_percent_bps: 150, fee_fixed: 25, payout_interval: 'weekly', payout_weekly_anchor: 'friday', payout_monthly_anchor: 1, payout_delay_days: 2 });
    const form = { fee_percent: '101', fee_fixed: '25', payout_interval: 'weekly', payout_weekly_anchor: 'friday', payout_monthly_anchor: '1', payout_delay_days: '2' };
    expect(balanceSettingsForm.safeParse(form).success).toBe(false);
    expect(balanceSettingsForm.safeParse({ ...form, fee_percent: '100' }).success).toBe(true);
  });
});
